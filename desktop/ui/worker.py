"""GenerationWorker: lives on the LLM thread and owns the engine and its own DB connection."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QTimer, Signal, Slot

from desktop import prewarm
from desktop.drafting import model_quality, options, rewrite, summary, writing_check
from desktop.drafting.events import (
    Alternative,
    Drafted,
    DraftEvent,
    Failed,
    Finished,
    Grounded,
    ReadyReplyFound,
    Rewritten,
    Token,
)
from desktop.drafting.pipeline import Suggester
from desktop.drafting.results import SuggestionResult
from desktop.drafting.understand import Understanding
from desktop.engine.base import Engine
from desktop.engine.types import Message
from desktop.errors import ModelError
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.library import LibraryFactory
from desktop.transcript import Transcript
from desktop.ui.background import LibraryWorker, Reporter
from desktop.ui.token_batch import TokenBatcher

logger = logging.getLogger(__name__)
T = TypeVar("T")


class GenerationWorker(LibraryWorker):
    """Runs one request at a time with the engine it was handed, off the GUI thread.

    Engines are built on the model-loader thread (desktop.ui.model_loader) and installed here,
    so the engine in use keeps serving while the next one loads. Once one is installed and
    while nothing is asked, it reads ahead the prompts drafts will likely start with
    (`desktop.prewarm`), one short step per event-loop turn: a request waits one step at most.

    Signals:
        ready(object): a new engine is in use; carries its ModelInfo.
        released(): the engine was closed to make room for the next one.
        news(int, object): request id, one DraftEvent of that draft or rewrite request
            (desktop.drafting.events); Finished, Rewritten or Failed is its last. A failure
            while installing an engine is Failed with id -1, which belongs to no request.
        summarized(object): the handover Summary asked for with `summarize`.
        summary_failed(str): why the summary could not be made.
        writing_checked(object): the WritingCheck of the loaded model, now remembered.
        writing_failed(str): why the check could not run.
    """

    ready = Signal(object)
    released = Signal()
    news = Signal(int, object)
    summarized = Signal(object)
    summary_failed = Signal(str)
    writing_checked = Signal(object)
    writing_failed = Signal(str)

    def __init__(self, library_factory: LibraryFactory, system_prompt: str) -> None:
        super().__init__(library_factory)
        self._system_prompt = system_prompt
        self._engine: Engine | None = None
        self._settings = Settings()
        self._ahead: list[tuple[Message, ...]] = []  # prompts still to read ahead

    @Slot(object, object)
    def install(self, engine: Engine, settings: Settings) -> None:
        """Serve with `engine` from now on; the old one is closed here, where it was used."""
        self.close_engine()
        self._engine = engine
        self._settings = settings
        with Reporter(self._sender(-1, Failed), "Could not open the canned responses: "):
            self.library()  # this thread's own connection, opened before the first request
        self.ready.emit(engine.info)
        self._read_ahead(engine)

    def _read_ahead(self, engine: Engine) -> None:
        if not hasattr(engine, "prewarm_step"):
            return  # a server engine keeps its own cache
        try:
            self._ahead = prewarm.prompts(engine, self.library().repo, self._system_prompt)
        except Exception:  # reading ahead is an optimisation: never a reason to fail
            logger.exception("could not choose the prompts to read ahead")
            return
        QTimer.singleShot(0, self._on_read_ahead_timeout)

    def _on_read_ahead_timeout(self) -> None:
        engine = self._engine
        if not self._ahead or engine is None:
            return
        try:
            if engine.prewarm_step(self._ahead[0]):  # type: ignore[attr-defined]
                self._ahead.pop(0)
        except Exception:
            logger.exception("reading ahead failed; drafts read their prompts when asked")
            self._ahead.clear()
            return
        QTimer.singleShot(0, self._on_read_ahead_timeout)

    @Slot(object)
    def discard(self, engine: Engine) -> None:
        """Free an engine that finished loading after a newer load superseded it."""
        engine.close()

    @Slot(object)
    def make_room(self, room: threading.Event) -> None:
        """Close the engine in use so the next model fits in memory; `room` says it is done."""
        self.close_engine()
        self.released.emit()
        room.set()

    @Slot(object)
    def apply_settings(self, settings: Settings) -> None:
        """Generation settings that need no reload (length, temperature, grounding)."""
        self._settings = settings

    @Slot(int, object, object, object, object)
    def generate(
        self,
        request_id: int,
        transcript: Transcript,
        pinned: tuple[CannedResponse, ...],
        understood: Understanding | None,
        cancel: threading.Event,
    ) -> None:
        if cancel.is_set():
            # Stopped or superseded while queued: still answered, so whoever waits for this
            # request (the tabs' queue) hears that it ended; a superseded id is dropped anyway.
            self.news.emit(request_id, Finished(SuggestionResult.stopped_before_start()))
            return
        with Reporter(self._sender(request_id, Failed), "Generation failed: "):
            if self._engine is None:
                raise ModelError("No model is loaded. Choose a GGUF model (File > Choose model).")
            suggester = Suggester(
                self._engine, self.library().repo, self._settings, self._system_prompt
            )
            batch = TokenBatcher(self._sender(request_id, Token))
            result = suggester.suggest(
                transcript,
                cancel,
                batch.feed,
                pinned,
                options.from_settings(self._settings),
                on_ready=self._sender(request_id, ReadyReplyFound),
                on_alternative=batch.then(self._sender(request_id, Alternative)),
                on_draft=batch.then(self._sender(request_id, Drafted)),
                understood=understood,
            )
            batch.flush()
            self.news.emit(request_id, Grounded(result.grounding))
            self.news.emit(request_id, Finished(result))

    @Slot(int, object, str, object, object)
    def rewrite(
        self,
        request_id: int,
        action: rewrite.Action,
        text: str,
        sources: tuple[str, ...],
        cancel: threading.Event,
    ) -> None:
        """Stream a rewrite of `text` as tokens of `request_id`, then send the checked result."""
        if cancel.is_set():
            self.news.emit(request_id, Rewritten(rewrite.Rewrite(text, text, (), cancelled=True)))
            return
        with Reporter(self._sender(request_id, Failed), "Rewrite failed: "):
            if self._engine is None:
                raise ModelError("No model is loaded. Choose a GGUF model (File > Choose model).")
            base = Suggester(
                self._engine, self.library().repo, self._settings, self._system_prompt
            ).params()
            batch = TokenBatcher(self._sender(request_id, Token))
            result = rewrite.run(self._engine, action, text, base, cancel, batch.feed, sources)
            batch.flush()
            self.news.emit(request_id, Rewritten(result))

    def _sender(self, request_id: int, kind: Callable[[T], DraftEvent]) -> Callable[[T], None]:
        """A callback that sends what it is given as a `kind` event of request `request_id`."""

        def send(value: T) -> None:
            self.news.emit(request_id, kind(value))

        return send

    @Slot(object, object)
    def summarize(self, transcript: Transcript, cancel: threading.Event) -> None:
        """Handover notes for `transcript`; `summarized` carries the Summary (or the error)."""
        with Reporter(self.summary_failed.emit, "Summary failed: "):
            if self._engine is None:
                raise ModelError("No model is loaded. Choose a GGUF model (File > Choose model).")
            self.summarized.emit(summary.summarize(self._engine, transcript, cancel))

    @Slot(object, bool)
    def check_writing(self, cancel: threading.Event, only_if_needed: bool) -> None:
        """The loaded model's writing check (drafting/writing_check.py), kept by its file.

        `only_if_needed`: just loaded, so only a model the check would decide for
        (model_quality.needs_writing_check; it reads the cache file, here off the GUI thread).
        A check stopped part-way (a draft was asked for) is neither kept nor reported.
        """
        if only_if_needed and (
            self._engine is None or not model_quality.needs_writing_check(self._engine.info)
        ):
            return
        with Reporter(self.writing_failed.emit, "Writing check failed: "):
            if self._engine is None:
                raise ModelError("No model is loaded. Choose a GGUF model (File > Choose model).")
            check = writing_check.run_check(self._engine, self._system_prompt, cancel)
            if cancel.is_set():
                return
            if self._engine.info.path.is_file():
                writing_check.WritingCache().put(self._engine.info.path, check)
            self.writing_checked.emit(check)

    def close_engine(self) -> None:
        self._ahead.clear()  # the reading ahead stops with the engine it was for
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    def release(self) -> None:
        """Runs on the worker's thread when it stops: the model is freed where it was made."""
        self.close_engine()
        super().release()
