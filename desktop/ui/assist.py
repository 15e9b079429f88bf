"""AssistController: the GUI thread's handle on the generation worker thread."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, Slot

from desktop.drafting.events import ENDINGS, STREAMED, DraftEvent, Failed
from desktop.drafting.rewrite import Action
from desktop.drafting.session import EngineState
from desktop.drafting.understand import Understanding
from desktop.engine.base import Engine
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.library import LibraryFactory
from desktop.transcript import Transcript
from desktop.ui.background import WorkerThread
from desktop.ui.model_loader import EngineFactory, LoaderWorker
from desktop.ui.worker import GenerationWorker


class AssistController(QObject):
    """Owns the LLM and model-loader threads; turns worker signals into UI-level signals.

    A switch of model keeps the current engine serving until the new one loaded (see
    desktop.ui.model_loader); a failed or cancelled switch leaves it in use.

    Signals:
        state_changed(object): the new EngineState.
        load_started(str): a model load began; carries the model's (or server's) name.
        load_progress(float): fraction of the weights read, 0..1.
        load_ended(): the load finished, failed or was cancelled (the bar goes away).
        model_ready(object): ModelInfo of the loaded model.
        model_failed(str): why no model is loaded.
        switch_failed(str, object): a new model could not be loaded (or the load was
            cancelled) and the one in use was kept; the reason and the kept Settings.
        news(object): a DraftEvent of the request asked last (desktop.drafting.events):
            another request's are dropped here, and text in flight once it was stopped.
        summarized(object): the handover Summary asked for with `summarize`.
        summary_failed(str): why that summary could not be made.
        writing_checked(object): the loaded model's WritingCheck (check_writing, or by itself
            after loading a large model never checked here).
        writing_failed(str): why the writing check could not run.
    """

    state_changed = Signal(object)
    load_started = Signal(str)
    load_progress = Signal(float)
    load_ended = Signal()
    model_ready = Signal(object)
    model_failed = Signal(str)
    switch_failed = Signal(str, object)
    news = Signal(object)
    summarized = Signal(object)
    summary_failed = Signal(str)
    writing_checked = Signal(object)
    writing_failed = Signal(str)
    # Private bridges into the worker thread (AutoConnection -> queued across threads).
    _load_requested = Signal(int, object, object, object)
    _install_requested = Signal(object, object)
    _discard_requested = Signal(object)
    _room_requested = Signal(object)
    _settings_changed = Signal(object)
    _generate_requested = Signal(int, object, object, object, object)
    _rewrite_requested = Signal(int, object, str, object, object)
    _summary_requested = Signal(object, object)
    _writing_requested = Signal(object, bool)

    def __init__(
        self,
        engine_factory: EngineFactory,
        library_factory: LibraryFactory,
        system_prompt: str,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._request_id = 0
        self._cancel = threading.Event()
        self._state = EngineState.LOADING
        self.model_info: ModelInfo | None = None
        self.settings_in_use: Settings | None = None  # what the serving engine was made from
        self._load_id = 0
        self._load_cancel = threading.Event()
        self.loading = False
        self._released = False  # the engine in use was closed to make room for the next
        self._worker = GenerationWorker(library_factory, system_prompt)
        self.loader = LoaderWorker(engine_factory)
        self._load_requested.connect(self.loader.load)
        self.loader.progress.connect(self._on_loader_progress)
        self.loader.room_needed.connect(self._on_loader_room_needed)
        self.loader.loaded.connect(self._on_loader_loaded)
        self.loader.failed.connect(self._on_loader_failed)
        self.loader.cancelled.connect(self._on_loader_cancelled)
        self._install_requested.connect(self._worker.install)
        self._discard_requested.connect(self._worker.discard)
        self._room_requested.connect(self._worker.make_room)
        self._worker.released.connect(self._on_worker_released)
        self._settings_changed.connect(self._worker.apply_settings)
        self._generate_requested.connect(self._worker.generate)
        self._rewrite_requested.connect(self._worker.rewrite)
        self._summary_requested.connect(self._worker.summarize)
        self._worker.summarized.connect(self.summarized)
        self._worker.summary_failed.connect(self.summary_failed)
        self._writing_cancel = threading.Event()
        self._writing_requested.connect(self._worker.check_writing)
        self._worker.writing_checked.connect(self.writing_checked)
        self._worker.writing_failed.connect(self.writing_failed)
        self._worker.ready.connect(self._on_worker_ready)
        self._worker.news.connect(self._on_worker_news)
        self._thread = WorkerThread(self._worker, "llm-worker", self)
        self._loader_thread = WorkerThread(self.loader, "model-loader", self)

    @property
    def state(self) -> EngineState:
        return self._state

    def _set_state(self, state: EngineState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def load_model(self, settings: Settings) -> None:
        """Load (or switch to) the model in `settings` in the background.

        A newer load supersedes one still running; the model in use keeps serving meanwhile.
        """
        self._load_cancel.set()
        self._load_cancel = threading.Event()
        self._load_id += 1
        self.loading = True
        if self.model_info is None:
            self._set_state(EngineState.LOADING)
        self.load_started.emit(_load_name(settings))
        previous = self.settings_in_use if self.model_info is not None else None
        self._load_requested.emit(self._load_id, settings, self._load_cancel, previous)

    def cancel_load(self) -> None:
        """Stop the running load at llama.cpp's next progress step (thread-safe flag)."""
        self._load_cancel.set()

    def apply_settings(self, settings: Settings) -> None:
        self._settings_changed.emit(settings)

    def ask(
        self,
        request_id: int,
        transcript: Transcript,
        pinned: Sequence[CannedResponse] = (),
        understood: Understanding | None = None,
    ) -> None:
        """Start request `request_id` (the caller's draft); it supersedes a running one.

        `understood`: what the window already read of this transcript, so that the model
        thread does not rank and read it a second time.
        """
        self._cancel.set()
        self._cancel = threading.Event()
        self._writing_cancel.set()  # a draft comes before a writing check
        self._request_id = request_id
        self._set_state(EngineState.GENERATING)
        self._generate_requested.emit(
            request_id, transcript, tuple(pinned), understood, self._cancel
        )

    def rewrite(self, request_id: int, action: Action, text: str, sources: Sequence[str]) -> None:
        """Start rewrite request `request_id`; its text arrives as Token events."""
        self._cancel.set()
        self._cancel = threading.Event()
        self._request_id = request_id
        self._set_state(EngineState.GENERATING)
        self._rewrite_requested.emit(request_id, action, text, tuple(sources), self._cancel)

    def check_writing(self, only_if_needed: bool = False) -> None:
        """Check whether the loaded model writes whole replies well (a few short drafts).

        Runs on the model thread; a draft asked for meanwhile stops it (nothing is kept).
        `only_if_needed`: the model thread first asks whether the check would decide anything.
        """
        self._writing_cancel.set()
        self._writing_cancel = threading.Event()
        self._writing_requested.emit(self._writing_cancel, only_if_needed)

    def summarize(self, transcript: Transcript) -> None:
        """Handover notes, queued on the model thread after any draft.

        Not a draft request: it neither streams into the draft nor changes the engine state.
        """
        self._summary_requested.emit(transcript, threading.Event())

    def cancel(self) -> None:
        """Stop at once: the flag is thread-safe, and tokens still in flight are dropped."""
        self._cancel.set()
        if self._state == EngineState.GENERATING:
            self._set_state(EngineState.IDLE)

    # --- loading ------------------------------------------------------------------------------
    def _is_current_load(self, load_id: int) -> bool:
        return load_id == self._load_id

    @Slot(int, float)
    def _on_loader_progress(self, load_id: int, fraction: float) -> None:
        if self._is_current_load(load_id):
            self.load_progress.emit(fraction)

    @Slot(int, object)
    def _on_loader_room_needed(self, load_id: int, room: threading.Event) -> None:
        """The next model does not fit beside this one: stop drafting and close it first."""
        self.cancel()
        self._room_requested.emit(room)

    @Slot()
    def _on_worker_released(self) -> None:
        self.model_info = None
        self._released = True
        self._set_state(EngineState.LOADING)

    @Slot(int, object, object)
    def _on_loader_loaded(self, load_id: int, engine: Engine, settings: Settings) -> None:
        if not self._is_current_load(load_id):
            self._discard_requested.emit(engine)  # superseded while it loaded
            return
        self.settings_in_use = settings
        self._install_requested.emit(engine, settings)  # after a running request, if any

    @Slot(int, str)
    def _on_loader_failed(self, load_id: int, message: str) -> None:
        if self._is_current_load(load_id):
            self._end_load()
            self._load_not_done(message)

    @Slot(int)
    def _on_loader_cancelled(self, load_id: int) -> None:
        if self._is_current_load(load_id):
            self._end_load()
            self._load_not_done("Loading the model was cancelled.")

    def _load_not_done(self, message: str) -> None:
        if self.settings_in_use is not None and (self.model_info is not None or self._released):
            # The model in use stays, or (closed to make room) the loader is loading it again.
            self.switch_failed.emit(message, self.settings_in_use)
        else:
            self._set_state(EngineState.NO_MODEL)
            self.model_failed.emit(message)

    def _end_load(self) -> None:
        self.loading = False
        self.load_ended.emit()

    @Slot(object)
    def _on_worker_ready(self, info: ModelInfo) -> None:
        self.model_info = info
        self._released = False
        self._end_load()
        if self._state in (EngineState.LOADING, EngineState.NO_MODEL):
            self._set_state(EngineState.IDLE)
        self.model_ready.emit(info)
        # A large model never checked here: free writing would otherwise be decided by the
        # size of its weights alone.
        self.check_writing(only_if_needed=True)

    @Slot(int, object)
    def _on_worker_news(self, request_id: int, event: DraftEvent) -> None:
        """The one place a request's news is matched to its request: the last one asked."""
        if request_id != self._request_id:
            return  # superseded: its tab asked again, or another tab's request runs now
        if isinstance(event, STREAMED) and self._cancel.is_set():
            return  # Stop stops at once: text still in flight is not shown
        if isinstance(event, Failed):
            self._set_state(EngineState.IDLE if self.model_info else EngineState.NO_MODEL)
        elif isinstance(event, ENDINGS):
            self._set_state(EngineState.IDLE)
        self.news.emit(event)

    def shutdown(self) -> None:
        """Connect to QApplication.aboutToQuit: stop generating, free the model, join."""
        self._cancel.set()
        self._load_cancel.set()
        self._loader_thread.stop(10_000)
        self._thread.stop(10_000)


def _load_name(settings: Settings) -> str:
    if settings.server_url:
        return settings.server_model or settings.server_url
    return settings.resolved_model_path().name
