"""AssistController: the GUI thread's handle on the generation worker thread."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal, Slot

from desktop.drafting.rewrite import Action, Rewrite
from desktop.drafting.session import EngineState
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.library import LibraryFactory
from desktop.suggest import Draft, ReadyReply, SuggestionResult
from desktop.transcript import Transcript
from desktop.ui.background import WorkerThread
from desktop.ui.worker import EngineFactory, GenerationWorker


class AssistController(QObject):
    """Owns the LLM thread; turns worker signals into UI-level signals for the current request.

    Signals:
        state_changed(object): the new EngineState.
        model_ready(object): ModelInfo of the loaded model.
        model_failed(str): why no model is loaded.
        ready_reply(object): the current draft's ReadyReply (or None), before any token.
        grounded(object): canned responses given to the model for the current draft.
        drafted(object): the first checked Draft of the current request (alternatives follow).
        alternative(object): one more checked Draft of the current request.
        token_received(str): text delta of the current draft.
        finished(object): SuggestionResult of the current draft (also when stopped).
        rewritten(object): the Rewrite of the current rewrite request (also when stopped).
        failed(str): the current draft failed; carries the reason.
    """

    state_changed = Signal(object)
    model_ready = Signal(object)
    model_failed = Signal(str)
    ready_reply = Signal(object)
    grounded = Signal(object)
    drafted = Signal(object)
    alternative = Signal(object)
    token_received = Signal(str)
    finished = Signal(object)
    rewritten = Signal(object)
    failed = Signal(str)
    # Private bridges into the worker thread (AutoConnection -> queued across threads).
    _load_requested = Signal(object)
    _settings_changed = Signal(object)
    _generate_requested = Signal(int, object, object, object)
    _rewrite_requested = Signal(int, object, str, object, object)

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
        self._worker = GenerationWorker(engine_factory, library_factory, system_prompt)
        self._load_requested.connect(self._worker.load)
        self._settings_changed.connect(self._worker.apply_settings)
        self._generate_requested.connect(self._worker.generate)
        self._rewrite_requested.connect(self._worker.rewrite)
        self._worker.ready.connect(self._on_worker_ready)
        self._worker.load_failed.connect(self._on_worker_load_failed)
        self._worker.ready_reply.connect(self._on_worker_ready_reply)
        self._worker.grounded.connect(self._on_worker_grounded)
        self._worker.alternative.connect(self._on_worker_alternative)
        self._worker.drafted.connect(self._on_worker_drafted)
        self._worker.rewritten.connect(self._on_worker_rewritten)
        self._worker.token.connect(self._on_worker_token)
        self._worker.finished.connect(self._on_worker_finished)
        self._worker.failed.connect(self._on_worker_failed)
        self._thread = WorkerThread(self._worker, "llm-worker", self)

    @property
    def state(self) -> EngineState:
        return self._state

    def _set_state(self, state: EngineState) -> None:
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)

    def load_model(self, settings: Settings) -> None:
        """Load (or switch to) the model in `settings`, in the background."""
        self.cancel()
        self._set_state(EngineState.LOADING)
        self._load_requested.emit(settings)

    def apply_settings(self, settings: Settings) -> None:
        self._settings_changed.emit(settings)

    def ask(
        self, request_id: int, transcript: Transcript, pinned: Sequence[CannedResponse] = ()
    ) -> None:
        """Start request `request_id` (the caller's draft); it supersedes a running one."""
        self._cancel.set()
        self._cancel = threading.Event()
        self._request_id = request_id
        self._set_state(EngineState.GENERATING)
        self._generate_requested.emit(request_id, transcript, tuple(pinned), self._cancel)

    def rewrite(self, request_id: int, action: Action, text: str, sources: Sequence[str]) -> None:
        """Start rewrite request `request_id`; its tokens arrive as token_received."""
        self._cancel.set()
        self._cancel = threading.Event()
        self._request_id = request_id
        self._set_state(EngineState.GENERATING)
        self._rewrite_requested.emit(request_id, action, text, tuple(sources), self._cancel)

    def cancel(self) -> None:
        """Stop at once: the flag is thread-safe, and tokens still in flight are dropped."""
        self._cancel.set()
        if self._state == EngineState.GENERATING:
            self._set_state(EngineState.IDLE)

    def _is_current(self, request_id: int) -> bool:
        return request_id == self._request_id

    @Slot(object)
    def _on_worker_ready(self, info: ModelInfo) -> None:
        self.model_info = info
        self._set_state(EngineState.IDLE)
        self.model_ready.emit(info)

    @Slot(str)
    def _on_worker_load_failed(self, message: str) -> None:
        self.model_info = None
        self._set_state(EngineState.NO_MODEL)
        self.model_failed.emit(message)

    @Slot(int, object)
    def _on_worker_ready_reply(self, request_id: int, reply: ReadyReply | None) -> None:
        if self._is_current(request_id):
            self.ready_reply.emit(reply)

    @Slot(int, object)
    def _on_worker_drafted(self, request_id: int, draft: Draft) -> None:
        if self._is_current(request_id) and not self._cancel.is_set():
            self.drafted.emit(draft)

    @Slot(int, object)
    def _on_worker_alternative(self, request_id: int, draft: Draft) -> None:
        if self._is_current(request_id) and not self._cancel.is_set():
            self.alternative.emit(draft)

    @Slot(int, object)
    def _on_worker_rewritten(self, request_id: int, result: Rewrite) -> None:
        if self._is_current(request_id):
            self._set_state(EngineState.IDLE)
            self.rewritten.emit(result)

    @Slot(int, object)
    def _on_worker_grounded(self, request_id: int, grounding: tuple[CannedResponse, ...]) -> None:
        if self._is_current(request_id):
            self.grounded.emit(grounding)

    @Slot(int, str)
    def _on_worker_token(self, request_id: int, text: str) -> None:
        if self._is_current(request_id) and not self._cancel.is_set():
            self.token_received.emit(text)

    @Slot(int, object)
    def _on_worker_finished(self, request_id: int, result: SuggestionResult) -> None:
        if self._is_current(request_id):
            self._set_state(EngineState.IDLE)
            self.finished.emit(result)

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if self._is_current(request_id):
            self._set_state(EngineState.IDLE if self.model_info else EngineState.NO_MODEL)
            self.failed.emit(message)

    def shutdown(self) -> None:
        """Connect to QApplication.aboutToQuit: stop generating, free the model, join."""
        self._cancel.set()
        self._thread.stop(10_000)
