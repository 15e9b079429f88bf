"""The settings' "Test connection", run on its own thread: a server can take seconds to answer."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.api_key import get_api_key
from desktop.engine.openai_server import ServerCheck, check_server
from desktop.ui.background import Worker, WorkerThread


class CheckWorker(Worker):
    """Calls check_server on the server-check thread.

    Signals:
        checked(int, object): check id, the ServerCheck.
    """

    checked = Signal(int, object)

    @Slot(int, str, str, str)
    def check(self, check_id: int, url: str, model: str, key: str) -> None:
        # The saved key is read here too: the keyring can be slow to answer.
        result = check_server(url, model, key or get_api_key(url))
        self.checked.emit(check_id, result)


class ServerCheckRunner(QObject):
    """GUI-side handle; only the newest check's result is delivered.

    Signals:
        checked(object): the ServerCheck (ok, message) of the newest check.
    """

    checked = Signal(object)
    _check_requested = Signal(int, str, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._check_id = 0
        self._worker = CheckWorker()
        self._check_requested.connect(self._worker.check)
        self._worker.checked.connect(self._on_worker_checked)
        self._thread = WorkerThread(self._worker, "server-check", self)

    def start(self, url: str, model: str, key: str) -> None:
        self._check_id += 1
        self._check_requested.emit(self._check_id, url, model, key)

    @Slot(int, object)
    def _on_worker_checked(self, check_id: int, result: ServerCheck) -> None:
        if check_id == self._check_id:
            self.checked.emit(result)

    def shutdown(self) -> None:
        self._thread.stop()
