"""ManagerWorker: every database read and write of the manager, on its own thread."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot

from desktop.store.library import Library
from desktop.errors import AgentAssistError
from desktop import library_service
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.ui.manager.model import SortOrder, sort_responses
from desktop.ui.worker import LibraryFactory

logger = logging.getLogger(__name__)

# The filter box asks for at most this many matches; the unfiltered list is the whole library.
SEARCH_LIMIT = 1_000


class ManagerWorker(QObject):
    """Owns one library connection and serves one request at a time.

    Signals:
        listed(int, object): request id, list of CannedResponse in display order.
        saved(int, object): request id, the stored CannedResponse (with its id).
        deleted(int, object): request id, the CannedResponse list as it was before deleting.
        restored(int, object): request id, the CannedResponse list put back.
        imported(int, str, object): request id, file path, ImportReport.
        exported(int, str, int): request id, file path, number of responses written.
        failed(int, str, str): request id, operation ("list", "save", ...), message.
    """

    listed = Signal(int, object)
    saved = Signal(int, object)
    deleted = Signal(int, object)
    restored = Signal(int, object)
    imported = Signal(int, str, object)
    exported = Signal(int, str, int)
    failed = Signal(int, str, str)

    def __init__(self, library_factory: LibraryFactory) -> None:
        super().__init__()  # no parent: it is moved to the worker thread
        self._library_factory = library_factory
        self._library: Library | None = None

    def _repo(self) -> CannedRepository:
        if self._library is None:
            self._library = self._library_factory()
        return self._library.repo

    @Slot(int, str, str)
    def list_responses(self, request_id: int, text: str, order: str) -> None:
        try:
            repo = self._repo()
            found = (
                repo.search(text, SEARCH_LIMIT, include_inactive=True)
                if text.strip()
                else repo.all()
            )
            self.listed.emit(request_id, sort_responses(found, SortOrder(order)))
        except Exception as exc:  # noqa: BLE001 - report, never kill the thread
            self._fail(request_id, "list", f"Cannot read the library: {exc}", exc)

    @Slot(int, object)
    def save(self, request_id: int, response: CannedResponse) -> None:
        try:
            repo = self._repo()
            stored = repo.add(response) if response.id is None else repo.update(response)
            self.saved.emit(request_id, repo.get(stored.id or 0) or stored)
        except AgentAssistError as exc:
            self._fail(request_id, "save", str(exc))
        except Exception as exc:  # noqa: BLE001
            self._fail(request_id, "save", f"Cannot save: {exc}", exc)

    @Slot(int, object)
    def delete(self, request_id: int, ids: list[int]) -> None:
        try:
            self.deleted.emit(request_id, self._repo().delete_many(ids))
        except Exception as exc:  # noqa: BLE001
            self._fail(request_id, "delete", f"Cannot delete: {exc}", exc)

    @Slot(int, object)
    def restore(self, request_id: int, responses: list[CannedResponse]) -> None:
        """Put deleted responses back under their old ids, all or none."""
        try:
            self._repo().restore(responses)  # same ids: anything that remembered one finds it
            self.restored.emit(request_id, list(responses))
        except AgentAssistError as exc:
            self._fail(request_id, "restore", f"Cannot undo the delete: {exc}")
        except Exception as exc:  # noqa: BLE001
            self._fail(request_id, "restore", f"Cannot undo the delete: {exc}", exc)

    @Slot(int, str, str)
    def import_file(self, request_id: int, path: str, fmt: str) -> None:
        try:
            report = library_service.import_file(self._repo(), Path(path), fmt)
            self.imported.emit(request_id, path, report)
        except AgentAssistError as exc:
            self._fail(request_id, "import", str(exc))
        except Exception as exc:  # noqa: BLE001
            self._fail(request_id, "import", f"Cannot import {Path(path).name}: {exc}", exc)

    @Slot(int, str, str)
    def export(self, request_id: int, path: str, fmt: str) -> None:
        try:
            count = library_service.export(self._repo(), Path(path), fmt)
            self.exported.emit(request_id, path, count)
        except AgentAssistError as exc:
            self._fail(request_id, "export", str(exc))
        except Exception as exc:  # noqa: BLE001
            self._fail(request_id, "export", f"Cannot export: {exc}", exc)

    @Slot()
    def shutdown(self) -> None:
        """Close the connection; wired to QThread.finished, so it runs on the worker thread."""
        if self._library is not None:
            self._library.close()
            self._library = None

    def _fail(
        self, request_id: int, operation: str, message: str, exc: Exception | None = None
    ) -> None:
        if exc is not None:
            logger.exception("manager %s failed", operation)
        self.failed.emit(request_id, operation, message)


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
