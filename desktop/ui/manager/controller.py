"""GUI-side handle on the manager's worker thread, and the undoable delete command."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QUndoCommand

from desktop.store.canned import CannedResponse
from desktop.store.library import LibraryFactory
from desktop.ui.background import WorkerThread
from desktop.ui.manager.model import SortOrder
from desktop.ui.manager.worker import ManagerWorker


class ManagerController(QObject):
    """Sends requests to the ManagerWorker; lists are delivered for the newest request only.

    Signals:
        listed(object): list of CannedResponse for the latest list request.
        saved(int, object): request id, the stored CannedResponse.
        deleted(int, object): request id, the CannedResponse list as it was before deleting.
        restored(object): the CannedResponse list put back by an undo.
        imported(int, str, object): request id, file path, ImportReport.
        exported(str, int): file path, number of responses written.
        failed(int, object, str): request id, the Operation, message.
        notice(str): something about the library itself to show (opened read-only).
    """

    listed = Signal(object)
    saved = Signal(int, object)
    deleted = Signal(int, object)
    restored = Signal(object)
    imported = Signal(int, str, object)
    exported = Signal(str, int)
    failed = Signal(int, object, str)
    notice = Signal(str)
    # Private bridges into the worker thread (AutoConnection across threads = queued).
    _list_requested = Signal(int, str, object)
    _save_requested = Signal(int, object)
    _final_save_requested = Signal(int, object)
    _delete_requested = Signal(int, object)
    _restore_requested = Signal(int, object)
    _import_requested = Signal(int, str, str)
    _remove_samples_requested = Signal(int)
    _export_requested = Signal(int, str, str)

    def __init__(self, library_factory: LibraryFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._request_id = 0
        self._list_id = 0
        self._text = ""
        self._order = SortOrder.RELEVANCE
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.refresh_now)
        self._worker = ManagerWorker(library_factory)
        self._list_requested.connect(self._worker.list_responses)
        self._save_requested.connect(self._worker.save)
        self._final_save_requested.connect(
            self._worker.save, Qt.ConnectionType.BlockingQueuedConnection
        )
        self._delete_requested.connect(self._worker.delete)
        self._restore_requested.connect(self._worker.restore)
        self._import_requested.connect(self._worker.import_file)
        self._remove_samples_requested.connect(self._worker.remove_samples)
        self._export_requested.connect(self._worker.export)
        self._worker.listed.connect(self._on_worker_listed)
        self._worker.saved.connect(self.saved)
        self._worker.deleted.connect(self.deleted)
        self._worker.restored.connect(self._on_worker_restored)
        self._worker.imported.connect(self.imported)
        self._worker.exported.connect(self._on_worker_exported)
        self._worker.failed.connect(self.failed)
        self._worker.notice.connect(self.notice)
        self._thread = WorkerThread(self._worker, "canned-manager", self)

    def _next_id(self) -> int:
        self._request_id += 1
        return self._request_id

    # --- requests ---------------------------------------------------------------------------
    @Slot(str, object)
    def set_filter(self, text: str, order: SortOrder) -> None:
        """Debounced: typing in the filter box sends one query when the user pauses."""
        self._text, self._order = text, order
        self._debounce.start()

    @Slot()
    def refresh_now(self) -> None:
        self._debounce.stop()
        self._list_id = self._next_id()
        self._list_requested.emit(self._list_id, self._text, self._order)

    def save(self, response: CannedResponse) -> int:
        request_id = self._next_id()
        self._save_requested.emit(request_id, response)
        return request_id

    def delete(self, ids: Sequence[int]) -> int:
        request_id = self._next_id()
        self._delete_requested.emit(request_id, list(ids))
        return request_id

    def restore(self, responses: Sequence[CannedResponse]) -> int:
        request_id = self._next_id()
        self._restore_requested.emit(request_id, list(responses))
        return request_id

    def import_file(self, path: str, fmt: str = "auto") -> int:
        request_id = self._next_id()
        self._import_requested.emit(request_id, path, fmt)
        return request_id

    def remove_samples(self) -> int:
        """Remove the untouched sample responses; answered by `deleted`, like a delete."""
        request_id = self._next_id()
        self._remove_samples_requested.emit(request_id)
        return request_id

    def export(self, path: str, fmt: str) -> int:
        request_id = self._next_id()
        self._export_requested.emit(request_id, path, fmt)
        return request_id

    # --- results ----------------------------------------------------------------------------
    @Slot(int, object)
    def _on_worker_listed(self, request_id: int, responses: list[CannedResponse]) -> None:
        if request_id == self._list_id:  # drop results of superseded queries
            self.listed.emit(responses)

    @Slot(int, object)
    def _on_worker_restored(self, _request_id: int, responses: list[CannedResponse]) -> None:
        self.restored.emit(responses)

    @Slot(int, str, int)
    def _on_worker_exported(self, _request_id: int, path: str, count: int) -> None:
        self.exported.emit(path, count)

    @property
    def working(self) -> bool:
        """Whether the library window's thread still runs."""
        return self._thread.running

    def shutdown(self, final_save: CannedResponse | None = None) -> bool:
        """Stop the thread; `final_save` is written first, waiting for it (used at quit).

        Returns whether `final_save` was stored (False when it failed: a full disk...).
        """
        self._debounce.stop()
        if not self._thread.running:
            return final_save is None
        stored = final_save is None
        if final_save is not None:
            request_id = self._next_id()
            self._final_save_requested.emit(request_id, final_save)
            stored = self._worker.last_saved == request_id  # set on the worker, which waited
        self._thread.stop()
        return stored


class DeleteCommand(QUndoCommand):
    """Undo entry for responses the worker has already deleted; undo puts them back."""

    def __init__(self, controller: ManagerController, responses: Sequence[CannedResponse]) -> None:
        titles = ", ".join(f"“{r.title}”" for r in responses[:3])
        more = f" and {len(responses) - 3} more" if len(responses) > 3 else ""
        super().__init__(f"Delete {titles}{more}")
        self._controller = controller
        self._responses = tuple(responses)
        self._done = True  # pushed after the delete happened: the first redo() does nothing

    def redo(self) -> None:
        if self._done:
            return
        self._done = True
        self._controller.delete([r.id for r in self._responses if r.id is not None])

    def undo(self) -> None:
        self._done = False
        self._controller.restore(self._responses)
