"""The window's local HTTP API (issue 12): started, restarted and stopped off the GUI thread.

`start_api` binds the port and waits for uvicorn to accept connections, and `ApiHandle.stop`
waits for streams to end and the model to be freed: both run on the "api-host" thread, one
after another, so a restart never races a stop and the window never waits on either. The
server then runs on threads of its own (desktop.api.server), and its generations on its own
engine, loaded from the same model file: llama.cpp memory-maps the weights, so their pages
are shared with the window's engine and only the second context (KV cache, buffers) costs
memory. The token comes from the OS keyring (desktop.engine.api_key); it is never logged.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.api_key import cached_local_api_token, local_api_token
from desktop.engine.base import Engine
from desktop.settings import Settings
from desktop.store.library import LibraryFactory
from desktop.ui.background import Worker, WorkerThread

if TYPE_CHECKING:
    from desktop.api import ApiHandle

logger = logging.getLogger(__name__)

EngineLoader = Callable[[Settings], Engine]
STOPPED = "The local API is off."
# Stopping waits for open streams to end and the model to be freed (ApiHandle.stop: 10 s).
STOP_WAIT_MS = 20_000


def port_in_use(port: int) -> str:
    return f"Port {port} is in use by another program: choose another port in Settings > Local API."


def listening(url: str) -> str:
    return f"Local API on {url} (token in Settings)"


def _wanted(settings: Settings) -> tuple[object, ...]:
    """What a running API was started with: a change to any of these restarts it."""
    return (settings.api_port, settings.api_origins, str(settings.resolved_model_path()),
            settings.server_url, settings.server_model)  # fmt: skip


class ApiWorker(Worker):
    """Lives on the api-host thread and owns the running server, if any.

    Signals:
        started(int, str, str): request id, the API's URL, the token it checks.
        failed(int, str): request id, what went wrong and what to do.
        stopped(int): request id.
    """

    started = Signal(int, str, str)
    failed = Signal(int, str)
    stopped = Signal(int)

    def __init__(self, library_factory: LibraryFactory, engine_loader: EngineLoader) -> None:
        super().__init__()
        self._library_factory = library_factory
        self._engine_loader = engine_loader
        self._handle: ApiHandle | None = None

    @Slot(int, object)
    def start(self, request_id: int, settings: Settings) -> None:
        """(Re)start on the settings' port; the model loads on the API's own thread after."""
        from desktop.api import PortInUseError, start_api  # uvicorn only once the API is on
        from desktop.errors import AgentAssistError

        self._stop_server()
        token, _source = local_api_token()  # here: the keyring can be slow to answer
        try:
            self._handle = start_api(
                settings,
                self._library_factory,
                lambda: self._engine_loader(settings),
                token=token,
                port=settings.api_port,
            )
        except PortInUseError as exc:
            self.failed.emit(request_id, port_in_use(exc.port))
            return
        except AgentAssistError as exc:
            self.failed.emit(request_id, f"The local API did not start: {exc}")
            return
        except Exception as exc:
            logger.exception("local API did not start")
            self.failed.emit(request_id, f"The local API did not start: {exc}")
            return
        self.started.emit(request_id, self._handle.url, token)

    @Slot(int)
    def stop(self, request_id: int) -> None:
        self._stop_server()
        self.stopped.emit(request_id)

    def wait_loaded(self, timeout: float) -> bool:
        """The running API's model has loaded (any thread; for tests and figures)."""
        handle = self._handle
        return handle is not None and handle.wait_loaded(timeout)

    def _stop_server(self) -> None:
        if self._handle is not None:
            handle, self._handle = self._handle, None
            handle.stop()
            logger.info("local API stopped")

    def release(self) -> None:
        self._stop_server()
        super().release()


class ApiHost(QObject):
    """GUI-side handle: follows the saved settings, reports in one status-bar line.

    Signals:
        message(str): what the API is doing now (listening, stopped, why it could not start).
        changed(): `url` or `status` changed (the settings dialog shows them).
    """

    message = Signal(str)
    changed = Signal()
    _start_requested = Signal(int, object)
    _stop_requested = Signal(int)

    def __init__(
        self,
        library_factory: LibraryFactory,
        engine_loader: EngineLoader,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("apiHost")
        self.url = ""  # while listening
        self.token = ""  # the token the running API checks
        self.status = STOPPED
        self._request_id = 0
        self._applied: tuple[object, ...] | None = None  # None: off (or going off)
        self._library_factory = library_factory
        self._engine_loader = engine_loader
        # Made on the first start: with the API off (the default) no thread exists at all.
        self._worker: ApiWorker | None = None
        self._thread: WorkerThread | None = None

    def _ensure_worker(self) -> ApiWorker:
        if self._worker is None:
            self._worker = ApiWorker(self._library_factory, self._engine_loader)
            self._start_requested.connect(self._worker.start)
            self._stop_requested.connect(self._worker.stop)
            self._worker.started.connect(self._on_worker_started)
            self._worker.failed.connect(self._on_worker_failed)
            self._worker.stopped.connect(self._on_worker_stopped)
            self._thread = WorkerThread(self._worker, "api-host", self)
        return self._worker

    def apply(self, settings: Settings) -> None:
        """Start, restart or stop to match `settings`; nothing when nothing relevant changed.

        A token renewed in the settings (cached by then: no keyring call here) restarts too.
        """
        if not settings.api_enabled:
            if self._applied is not None:
                self._applied = None
                self._request_id += 1
                self._stop_requested.emit(self._request_id)
            return
        wanted = _wanted(settings)
        token = cached_local_api_token()
        renewed = bool(self.token) and token is not None and token != self.token
        if wanted == self._applied and not renewed:
            return
        self._applied = wanted
        self._request_id += 1
        self._ensure_worker()
        self._start_requested.emit(self._request_id, settings)

    def wait_loaded(self, timeout: float) -> bool:
        """Blocks: for tests and measurements only, never from a slot."""
        return self._worker is not None and self._worker.wait_loaded(timeout)

    def _report(self, url: str, token: str, status: str) -> None:
        self.url, self.token, self.status = url, token, status
        self.message.emit(status)
        self.changed.emit()

    @Slot(int, str, str)
    def _on_worker_started(self, request_id: int, url: str, token: str) -> None:
        if request_id == self._request_id:
            self._report(url, token, listening(url))

    @Slot(int, str)
    def _on_worker_failed(self, request_id: int, message: str) -> None:
        if request_id == self._request_id:
            self._applied = None  # saving the same settings again tries again
            self._report("", "", message)

    @Slot(int)
    def _on_worker_stopped(self, request_id: int) -> None:
        if request_id == self._request_id:
            self._report("", "", STOPPED)

    @Slot()
    def shutdown(self) -> None:
        """Stop the server and the thread (on quit): waits for streams to end."""
        self._applied = None
        self._request_id += 1
        if self._thread is not None and not self._thread.stop(STOP_WAIT_MS):
            logger.warning("the local API did not stop within %d ms", STOP_WAIT_MS)
        self._worker, self._thread = None, None  # deleted on its thread; a new start makes one


def find_api_host(widget: QObject | None) -> ApiHost | None:
    """The window's ApiHost (the settings dialog's parent is the window), if it has one."""
    return None if widget is None else widget.findChild(ApiHost, "apiHost")
