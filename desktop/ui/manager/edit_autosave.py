"""EditAutosave: the library window's form, kept on disk a second after each change.

The form is read on the GUI thread (a few `text()` calls); the write with its fsync runs on
its own thread, so a slow or full disk never stalls typing. The timer throttles rather than
debounces: steady typing still lands a snapshot every second. A clean form removes the file;
so does a clean close once the final save has stored the form.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.manager_autosave import EditAutosaveStore, EditSnapshot
from desktop.store import storage
from desktop.ui.background import Worker, WorkerThread
from desktop.ui.manager.editor import ResponseEditor

logger = logging.getLogger(__name__)

DELAY_MS = 1_000
NOT_KEPT = "unsaved edits are not kept in case of a crash until then"


class EditAutosaveWorker(Worker):
    """Writes (or removes) the snapshot on its own thread, in the order asked.

    Signals:
        failed(str): a write failed; says why and what to do (once per kind of failure).
    """

    failed = Signal(str)

    def __init__(self, store: EditAutosaveStore) -> None:
        super().__init__()
        self._store = store
        self._told = ""

    @Slot(object)
    def save(self, snapshot: EditSnapshot | None) -> None:
        try:
            if snapshot is None:
                self._store.clear()
            else:
                self._store.save(snapshot)
        except OSError as exc:  # a full or read-only disk: the window keeps working without it
            logger.warning("library edit autosave failed: %s", exc)
            problem = storage.describe(exc, self._store.path.parent, NOT_KEPT)
            message = str(problem) if problem else f"Could not keep unsaved edits: {exc}"
            if message != self._told:  # once, not every second while typing goes on
                self._told = message
                self.failed.emit(message)
        else:
            self._told = ""


class EditAutosave(QObject):
    """Watches the library window's form; keeps a snapshot while it differs from the library.

    Signals:
        failed(str): the snapshot could not be written (status bar).
    """

    failed = Signal(str)
    _save_requested = Signal(object)

    def __init__(
        self, store: EditAutosaveStore, editor: ResponseEditor, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._store = store
        self._editor = editor
        self._finished = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DELAY_MS)
        self._timer.timeout.connect(self.save_now)
        worker = EditAutosaveWorker(store)
        self._save_requested.connect(worker.save)
        worker.failed.connect(self.failed)
        self._worker = worker  # PySide deletes a parentless QObject with its last reference
        self._thread = WorkerThread(worker, "library-autosave", self)
        editor.changed.connect(self._on_editor_changed)

    def kept(self) -> EditSnapshot | None:
        """What an unclean exit left, set aside until answered: the form's file is free."""
        try:
            return self._store.take_kept()
        except OSError as exc:
            logger.warning("could not read the kept library edit: %s", exc)
            return None

    def answered(self) -> None:
        """The agent restored or discarded the kept edit: it is not offered again."""
        try:
            self._store.drop_kept()
        except OSError as exc:  # a read-only folder: it is offered again next time
            logger.warning("could not remove the kept library edit: %s", exc)
        self.save_now()  # a restored edit is the form's now

    @Slot()
    def save_now(self) -> None:
        if self._finished:
            return
        self._timer.stop()
        dirty = self._editor.is_dirty()
        snapshot = EditSnapshot(self._editor.base, self._editor.edited()) if dirty else None
        self._save_requested.emit(snapshot)

    def finish(self, saved: bool) -> None:
        """The window closes: stop the thread, then remove the file or keep the form in it.

        Written here, not queued: the thread has stopped. Kept when something is left unsaved.
        """
        if self._finished:
            return
        self._finished = True
        self._timer.stop()
        self._thread.stop()
        try:
            if saved or not self._editor.is_dirty():
                self._store.clear()
            else:
                self._store.save(EditSnapshot(self._editor.base, self._editor.edited()))
        except OSError as exc:
            logger.warning("library edit autosave at close failed: %s", exc)

    @Slot()
    def _on_editor_changed(self) -> None:
        if not self._finished and not self._timer.isActive():
            self._timer.start()
