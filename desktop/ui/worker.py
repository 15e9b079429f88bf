"""GenerationWorker: lives on the LLM thread and owns the engine and its own DB connection."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from desktop.store.library import Library
from desktop.engine.base import Engine
from desktop.errors import AgentAssistError
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.suggest import Suggester
from desktop.transcript import Transcript

logger = logging.getLogger(__name__)

EngineFactory = Callable[[Settings], Engine]
LibraryFactory = Callable[[], Library]


class GenerationWorker(QObject):
    """Loads the model and runs one request at a time, off the GUI thread.

    Signals:
        loading(str): a model load started; carries the model path.
        ready(object): the model loaded; carries its ModelInfo.
        load_failed(str): the model could not be loaded; carries the reason.
        grounded(int, object): request id, the canned responses given to the model.
        token(int, str): request id, text delta.
        finished(int, object): request id, SuggestionResult.
        failed(int, str): request id, error message.
    """

    loading = Signal(str)
    ready = Signal(object)
    load_failed = Signal(str)
    grounded = Signal(int, object)
    token = Signal(int, str)
    finished = Signal(int, object)
    failed = Signal(int, str)

    def __init__(
        self, engine_factory: EngineFactory, library_factory: LibraryFactory, system_prompt: str
    ) -> None:
        super().__init__()  # no parent: it is moved to another thread
        self._engine_factory = engine_factory
        self._library_factory = library_factory
        self._system_prompt = system_prompt
        self._engine: Engine | None = None
        self._library: Library | None = None
        self._settings = Settings()

    @Slot(object)
    def load(self, settings: Settings) -> None:
        """(Re)load the model named by `settings`; runs on the worker thread."""
        self._settings = settings
        self.close_engine()
        self.loading.emit(str(settings.resolved_model_path()))
        try:
            if self._library is None:
                self._library = self._library_factory()  # this thread's own connection
            self._engine = self._engine_factory(settings)
        except AgentAssistError as exc:
            self.load_failed.emit(str(exc))
            return
        except Exception as exc:
            logger.exception("model load failed")
            self.load_failed.emit(f"Unexpected error while loading the model: {exc}")
            return
        self.ready.emit(self._engine.info)

    @Slot(object)
    def apply_settings(self, settings: Settings) -> None:
        """Generation settings that need no reload (length, temperature, grounding)."""
        self._settings = settings

    @Slot(int, object, object, object)
    def generate(
        self,
        request_id: int,
        transcript: Transcript,
        pinned: tuple[CannedResponse, ...],
        cancel: threading.Event,
    ) -> None:
        if cancel.is_set():
            return  # superseded while queued
        if self._engine is None or self._library is None:
            self.failed.emit(
                request_id, "No model is loaded. Choose a GGUF model (Model > Choose model)."
            )
            return
        suggester = Suggester(self._engine, self._library.repo, self._settings, self._system_prompt)
        try:
            prompt = suggester.prepare(transcript, pinned)
            self.grounded.emit(request_id, prompt.grounding)
            result = suggester.run(prompt, cancel, lambda text: self.token.emit(request_id, text))
        except AgentAssistError as exc:
            self.failed.emit(request_id, str(exc))
            return
        except Exception as exc:
            logger.exception("generation failed")
            self.failed.emit(request_id, f"Generation failed: {exc}")
            return
        self.finished.emit(request_id, result)

    @Slot()
    def close_engine(self) -> None:
        if self._engine is not None:
            self._engine.close()
            self._engine = None

    @Slot()
    def shutdown(self) -> None:
        """Wired to QThread.finished, so the model and connection are freed on their thread."""
        self.close_engine()
        if self._library is not None:
            self._library.close()
            self._library = None
