"""ManagerWorker: every database read and write of the manager, on its own thread."""

from __future__ import annotations

from dataclasses import replace
from enum import Enum
from functools import partial
from pathlib import Path

from PySide6.QtCore import Signal, Slot

from desktop.library import service as library_service
from desktop.store.canned import CannedResponse
from desktop.ui.background import LibraryWorker, Reporter
from desktop.ui.manager.model import SortOrder, sort_responses

# The filter box asks for at most this many matches; the unfiltered list is the whole library.
SEARCH_LIMIT = 1_000


class Operation(Enum):
    """What a request asked the worker to do; a failure says which one failed."""

    LIST = "list"
    SAVE = "save"
    DELETE = "delete"
    RESTORE = "restore"
    IMPORT = "import"
    EXPORT = "export"


class ManagerWorker(LibraryWorker):
    """Owns one library connection and serves one request at a time.

    Signals:
        listed(int, object): request id, list of CannedResponse in display order.
        saved(int, object): request id, the stored CannedResponse (with its id).
        deleted(int, object): request id, the CannedResponse list as it was before deleting.
        restored(int, object): request id, the CannedResponse list put back.
        imported(int, str, object): request id, file path, ImportReport.
        exported(int, str, int): request id, file path, number of responses written.
        failed(int, object, str): request id, the Operation, message.
        notice(str): the library could only be opened read-only; says why (told once).
    """

    listed = Signal(int, object)
    saved = Signal(int, object)
    deleted = Signal(int, object)
    restored = Signal(int, object)
    imported = Signal(int, str, object)
    exported = Signal(int, str, int)
    failed = Signal(int, object, str)
    notice = Signal(str)

    # The id of the last save that stored its response: read by the GUI thread after the
    # blocking final save at shutdown, to know whether the form's edits are safe.
    last_saved = 0
    _told_read_only = False

    def _reporting(
        self, request_id: int, operation: Operation, unexpected: str, expected: str = ""
    ) -> Reporter:
        return Reporter(partial(self.failed.emit, request_id, operation), unexpected, expected)

    @Slot(int, str, object)
    def list_responses(self, request_id: int, text: str, order: SortOrder) -> None:
        problem = "Cannot read the library: "
        with self._reporting(request_id, Operation.LIST, problem, problem):
            library = self.library()
            if library.read_only and not self._told_read_only:
                self._told_read_only = True
                self.notice.emit(library.read_only)
            repo = library.repo
            found = (
                repo.search(text, SEARCH_LIMIT, include_inactive=True)
                if text.strip()
                else repo.all()
            )
            self.listed.emit(request_id, sort_responses(found, order))

    @Slot(int, object)
    def save(self, request_id: int, response: CannedResponse) -> None:
        with self._reporting(request_id, Operation.SAVE, "Cannot save: "):
            repo = self.library().repo
            stored = repo.add(response) if response.id is None else repo.update(response)
            self.last_saved = request_id
            self.saved.emit(request_id, repo.get(stored.id or 0) or stored)

    @Slot(int, object)
    def delete(self, request_id: int, ids: list[int]) -> None:
        with self._reporting(request_id, Operation.DELETE, "Cannot delete: ", "Cannot delete: "):
            self.deleted.emit(request_id, self.library().repo.delete_many(ids))

    @Slot(int, object)
    def restore(self, request_id: int, responses: list[CannedResponse]) -> None:
        """Put deleted responses back under their old ids, all or none."""
        problem = "Cannot undo the delete: "
        with self._reporting(request_id, Operation.RESTORE, problem, problem):
            # Same ids: anything that remembered one finds it again.
            self.library().repo.restore(responses)
            self.restored.emit(request_id, list(responses))

    @Slot(int, str, str)
    def import_file(self, request_id: int, path: str, fmt: str) -> None:
        with self._reporting(request_id, Operation.IMPORT, f"Cannot import {Path(path).name}: "):
            report = library_service.import_file(self.library().repo, Path(path), fmt)
            self.imported.emit(request_id, path, report)

    @Slot(int)
    def remove_samples(self, request_id: int) -> None:
        """Delete the samples still as shipped; answered as a delete, so it can be undone."""
        with self._reporting(request_id, Operation.DELETE, "Cannot remove the samples: "):
            self.deleted.emit(request_id, library_service.remove_samples(self.library().repo))

    @Slot(int, str, str)
    def export(self, request_id: int, path: str, fmt: str) -> None:
        with self._reporting(request_id, Operation.EXPORT, "Cannot export: "):
            count = library_service.export(self.library().repo, Path(path), fmt)
            self.exported.emit(request_id, path, count)


def duplicate_of(response: CannedResponse) -> CannedResponse:
    """A new, unsaved copy: no short code (it must stay unique), no import origin, no usage."""
    return replace(
        response,
        id=None,
        title=f"{response.title} (copy)",
        shortcode="",
        source="",
        source_id="",
        usage_count=0,
        last_used_at=None,
    )
