"""EditAutosave: the library window's form, kept on disk a second after each change.

The form is read on the GUI thread (a few `text()` calls); the write with its fsync runs on
its own thread, so a slow or full disk never stalls typing. The timer throttles rather than
debounces: steady typing still lands a snapshot every second. A clean form removes the file;
so does a clean close once the final save has stored the form.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject

from desktop.autosave.library_edit import EditAutosaveStore, EditSnapshot
from desktop.autosave.store import SnapshotWriter
from desktop.ui.autosave import ThrottledSave
from desktop.ui.manager.editor import ResponseEditor

logger = logging.getLogger(__name__)

NOT_KEPT = "unsaved edits are not kept in case of a crash until then"


class EditAutosave(ThrottledSave):
    """Watches the library window's form; keeps a snapshot while it differs from the library.

    Signals:
        failed(str): the snapshot could not be written (status bar).
    """

    def __init__(
        self, store: EditAutosaveStore, editor: ResponseEditor, parent: QObject | None = None
    ) -> None:
        writer = SnapshotWriter(store, NOT_KEPT, "Could not keep unsaved edits: {exc}")
        super().__init__(writer, "library-autosave", parent)
        self._store = store
        self._editor = editor
        editor.changed.connect(self.changed)

    def snapshot(self) -> EditSnapshot | None:
        """The form while it differs from the library; None removes the file."""
        if not self._editor.is_dirty():
            return None
        return EditSnapshot(self._editor.base, self._editor.edited())

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

    def finish(self, saved: bool) -> None:
        """The window closes: stop the thread, then remove the file or keep the form in it.

        Written here, not queued: the thread has stopped. Kept when something is left unsaved.
        """
        if not self._stop():
            return
        try:
            kept = None if saved else self.snapshot()
            if kept is None:
                self._store.clear()
            else:
                self._store.save(kept)
        except OSError as exc:
            logger.warning("library edit autosave at close failed: %s", exc)
