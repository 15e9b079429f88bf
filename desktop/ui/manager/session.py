"""EditSession: keeps the form's edits safe by saving them before anything replaces them."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from desktop.store.canned import CannedResponse
from desktop.ui.manager.controller import ManagerController
from desktop.ui.manager.editor import ResponseEditor
from desktop.ui.manager.worker import Operation

AUTO_SAVED = "Saved changes to “{}” automatically."


class EditSession(QObject):
    """Saves the editor through the worker; one save in flight at a time.

    Signals:
        saved(object): a save landed; carries the stored CannedResponse.
        message(str): something to show in the status bar.
        refused(): a save could not happen; the form keeps its content (select it again).
    """

    saved = Signal(object)
    message = Signal(str)
    refused = Signal()

    def __init__(
        self, editor: ResponseEditor, controller: ManagerController, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._editor = editor
        self._controller = controller
        self._pending: int | None = None
        self._note = ""
        self._after: Callable[[], object] | None = None
        controller.saved.connect(self._on_controller_saved)
        controller.failed.connect(self._on_controller_failed)

    @property
    def busy(self) -> bool:
        return self._pending is not None

    def commit_then(self, action: Callable[[], object]) -> None:
        """Run `action` now if the form is clean, else once an auto-save has stored it."""
        if not self._editor.is_dirty():
            action()
            return
        if problem := self._editor.problem():
            self._editor.show_error(f"{problem} (Or press Revert to discard the changes.)")
            self.refused.emit()
            return
        self._after = action
        if self._pending is None:
            self._request(AUTO_SAVED)

    def save(self, note: str = "Saved “{}”.", force: bool = False) -> None:
        """Save the form now (Ctrl+S); `note` is formatted with the title once it landed."""
        if not force and not self._editor.is_dirty():
            self.message.emit("No changes to save.")
        elif problem := self._editor.problem():
            self._editor.show_error(problem)
        elif self._pending is None:
            self._after = None
            self._request(note)

    def final_edit(self) -> CannedResponse | None:
        """What to save, waiting, when the window shuts down; None when nothing is safe to."""
        if not self._editor.is_dirty() or self._editor.problem():
            return None
        edited = self._editor.edited()
        # A new response whose first save is still queued: saving again would add it twice.
        return None if edited.id is None and self._pending is not None else edited

    def _request(self, note: str) -> None:
        self._note = note
        self._pending = self._controller.save(self._editor.edited())
        self.message.emit("Saving…")

    @Slot(int, object)
    def _on_controller_saved(self, request_id: int, stored: CannedResponse) -> None:
        if request_id != self._pending:
            return
        self._pending = None
        self._editor.mark_saved(stored)
        self._editor.show_error("")
        self.message.emit(self._note.format(stored.title))
        action, self._after = self._after, None
        if action is not None:
            self.commit_then(action)  # if the user typed on while it saved, that is saved too
        self.saved.emit(stored)

    @Slot(int, object, str)
    def _on_controller_failed(self, request_id: int, operation: Operation, message: str) -> None:
        if operation != Operation.SAVE or request_id != self._pending:
            return
        self._pending, self._after = None, None
        self._editor.show_error(message)  # the form keeps every edit
        # A full disk or a read-only folder already says the change was not saved.
        self.message.emit(message if "not saved" in message else "Not saved: " + message)
        self.refused.emit()
