"""CannedManager: the "Canned responses" window. Layout and wiring; the database is the worker's.

Unsaved edits are never dropped silently: changing the selection, New, Duplicate, Delete,
Export and closing first auto-save the form (and say so in the status bar); a form that cannot
be saved (no title or body, a short-code clash) keeps its content and shows why inline.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import QComboBox, QMainWindow, QSplitter, QVBoxLayout, QWidget

from desktop.autosave.library_edit import EditAutosaveStore, EditSnapshot, default_path
from desktop.library.service import only_samples
from desktop.store.canned import CannedResponse
from desktop.store.library import LibraryFactory
from desktop.ui.manager import transfer
from desktop.ui.manager.controller import DeleteCommand, ManagerController
from desktop.ui.manager.edit_autosave import EditAutosave
from desktop.ui.manager.editor import ResponseEditor
from desktop.ui.manager.list_pane import ListPane
from desktop.ui.manager.restore_bar import RestoreBar
from desktop.ui.manager.samples_bar import SamplesBar
from desktop.ui.manager.session import EditSession
from desktop.ui.manager.worker import Operation, duplicate_of
from desktop.ui.wording import count

if TYPE_CHECKING:
    from desktop.ui.manager.suggestions import SuggestionsDialog


class CannedManager(QMainWindow):
    """Browse, edit, import and export the canned-response library.

    Signals:
        library_changed(): a response was saved, deleted, restored or imported.
    """

    library_changed = Signal()

    def __init__(self, library_factory: LibraryFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Canned responses")
        self.resize(1100, 700)
        self.setAcceptDrops(True)
        self.controller = ManagerController(library_factory, self)
        self._library_factory = library_factory
        self.suggestions: SuggestionsDialog | None = None  # made when first opened
        self.undo_stack = QUndoStack(self)
        self._user_deletes: set[int] = set()
        self._shut_down = False
        self.pane = ListPane(self)
        self.editor = ResponseEditor(self)
        self.session = EditSession(self.editor, self.controller, self)
        self.transfer = transfer.ImportExport(self.controller, self.pane.banner, self)
        self.autosave = EditAutosave(EditAutosaveStore(default_path()), self.editor, self)
        self.restore_bar = RestoreBar(self)
        self.samples_bar = SamplesBar(self)
        self._samples_before_import = -1  # -1: not asked yet; asked once per window
        right = QWidget(self)
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.restore_bar)
        column.addWidget(self.samples_bar)
        column.addWidget(self.editor, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.pane)
        splitter.addWidget(right)
        splitter.setSizes([760, 440])
        self.setCentralWidget(splitter)
        self._build_actions()
        self._connect()
        self.controller.refresh_now()
        kept = self.autosave.kept()  # what an unclean exit left in the form
        if kept is not None:
            self.restore_bar.offer(kept)
            self._status(f"Unsaved edits to “{kept.label}” were kept: Restore or Discard them.")

    # --- setup ------------------------------------------------------------------------------
    def _action(self, text: str, shortcut: str | None, slot: Callable[[], None]) -> QAction:
        action = QAction(text, self)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)  # slots take no argument: the `checked` bool is dropped
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("&New", "Ctrl+N", self.new_response)
        self.duplicate_action = self._action("D&uplicate", "Ctrl+D", self.duplicate)
        self.delete_action = QAction("&Delete", self)
        self.delete_action.triggered.connect(self.delete_selected)
        # Del only on the list: in a text field it must delete text.
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.pane.table.addAction(self.delete_action)
        self.save_action = self._action("&Save", "Ctrl+S", self.save)
        self.revert_action = self._action("&Revert", None, self.revert)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Redo))
        self.addActions([self.undo_action, self.redo_action])
        # Esc and Ctrl+W close it as they close every dialog; unsaved edits are saved first.
        self.close_action = self._action("&Close window", "Ctrl+W", self._close)
        self.close_action.setShortcuts([QKeySequence("Ctrl+W"), QKeySequence("Esc")])
        self.import_action = self._action("&Import…", None, self.import_files)
        self.export_action = self._action("&Export…", None, self.export_library)
        self.format_combo = QComboBox(self)
        self.format_combo.setToolTip("Format of the files to import")
        for label, fmt in transfer.import_formats():
            self.format_combo.addItem(label, fmt)
        toolbar = self.addToolBar("Library")
        toolbar.setObjectName("managerToolbar")
        toolbar.addActions([self.new_action, self.duplicate_action, self.delete_action])
        toolbar.addActions([self.save_action, self.revert_action, self.undo_action])
        toolbar.addSeparator()
        toolbar.addAction(self.import_action)
        toolbar.addWidget(self.format_combo)
        toolbar.addAction(self.export_action)
        toolbar.addSeparator()
        self.suggest_action = self._action(
            "Suggested &responses…", "Ctrl+Shift+M", self.show_suggestions
        )
        self.suggest_action.setToolTip(
            "New canned responses from the replies agents keep writing (Ctrl+Shift+M)"
        )
        toolbar.addAction(self.suggest_action)

    def _connect(self) -> None:
        self.pane.filter_changed.connect(self.controller.set_filter)
        self.pane.current_changed.connect(self._on_pane_current_changed)
        self.editor.changed.connect(self._on_editor_changed)
        self.session.saved.connect(self._on_library_changed)
        self.session.message.connect(self._status)
        self.session.refused.connect(self._sync_selection)
        self.transfer.imported.connect(self._on_library_changed)
        self.controller.listed.connect(self._on_listed)
        self.controller.deleted.connect(self._on_controller_deleted)
        self.controller.restored.connect(self._on_controller_restored)
        self.controller.failed.connect(self._on_controller_failed)
        self.controller.notice.connect(self._on_controller_notice)
        self.autosave.failed.connect(self._status)
        self.restore_bar.restore_requested.connect(self._on_restore_requested)
        self.samples_bar.remove_requested.connect(self._remove_samples)
        self.transfer.imported.connect(self._offer_sample_removal)
        self.restore_bar.discard_requested.connect(self._on_discard_requested)
        self._on_editor_changed()

    # --- actions ----------------------------------------------------------------------------
    @Slot()
    def new_response(self) -> None:
        self.session.commit_then(self._start_new)

    @Slot()
    def duplicate(self) -> None:
        self.session.commit_then(self._duplicate_current)

    @Slot()
    def delete_selected(self) -> None:
        ids = self.pane.selected_ids()
        if not ids and self.editor.base.id is not None:
            ids = [self.editor.base.id]
        if not ids:
            self._status("Select the responses to delete first.")
            return
        # Edits are saved first, so that Undo brings back the response as last seen.
        self.session.commit_then(partial(self._delete_ids, ids))

    @Slot()
    def _close(self) -> None:
        self.close()

    @Slot()
    def save(self) -> None:
        self.session.save()

    @Slot()
    def revert(self) -> None:
        """Discard the form's edits: the one way to drop them, and always on purpose."""
        self.editor.load(self.editor.base)
        self._status("Changes discarded.")

    @Slot()
    def import_files(self) -> None:
        for name in transfer.ask_import_files(self):
            self.import_file(name)

    def import_file(self, path: str, fmt: str | None = None) -> None:
        """Import off the GUI thread (format: the combo's); a summary appears above the list."""
        if self._samples_before_import < 0 and not self.pane.filter_edit.text():
            # The unfiltered list is the whole library: is it still only the shipped samples?
            self._samples_before_import = only_samples(self.pane.model.responses())
        self.transfer.import_file(path, fmt or str(self.format_combo.currentData()))

    @Slot()
    def _offer_sample_removal(self) -> None:
        """The first import into a library of untouched samples asks whether to remove them."""
        if self._samples_before_import > 0:
            self.samples_bar.offer(self._samples_before_import)
            self._samples_before_import = 0

    @Slot()
    def _remove_samples(self) -> None:
        self._user_deletes.add(self.controller.remove_samples())  # one undoable delete

    @Slot()
    def export_library(self) -> None:
        name, chosen_filter = transfer.ask_export_path(self)
        if name:
            path, fmt = transfer.export_target(name, chosen_filter)
            self.session.commit_then(partial(self.transfer.export, str(path), fmt))

    @Slot()
    def show_suggestions(self) -> None:
        """New canned responses mined from a history file (desktop/ui/manager/suggestions.py)."""
        if self.suggestions is None:
            from desktop.ui.manager.suggestions import SuggestionsDialog  # numpy: when asked

            self.suggestions = SuggestionsDialog(self._library_factory, self)
            self.suggestions.added.connect(self._on_library_changed)
        self.suggestions.show()
        self.suggestions.raise_()
        self.suggestions.activateWindow()

    def _start_new(self) -> None:
        self.editor.load(None)
        self._sync_selection()
        self.editor.focus_title()
        self._status("New response: fill it in and press Ctrl+S.")

    def _duplicate_current(self) -> None:
        if self.editor.base.id is None:
            self._status("Select a response to duplicate first.")
            return
        self.editor.load(duplicate_of(self.editor.base))
        self.session.save("Duplicated as “{}”.", force=True)

    def _delete_ids(self, ids: list[int]) -> None:
        self._user_deletes.add(self.controller.delete(ids))

    def _restore_edit(self, snapshot: EditSnapshot) -> None:
        self.editor.show_edits(snapshot.base, snapshot.edited)
        self._sync_selection()
        self.autosave.answered()
        self._status(f"Restored unsaved edits to “{snapshot.label}”: press Ctrl+S to save them.")

    def _show(self, response: CannedResponse) -> None:
        self.editor.load(response)  # the list already shows it as current

    @Slot()
    def _sync_selection(self) -> None:
        """Select the row of the response in the form (none for a new one)."""
        self.pane.select_id(self.editor.base.id)

    # --- slots ------------------------------------------------------------------------------
    @Slot(object)
    def _on_pane_current_changed(self, response: CannedResponse) -> None:
        if response.id != self.editor.base.id:
            self.session.commit_then(partial(self._show, response))

    @Slot()
    def _on_editor_changed(self) -> None:
        dirty = self.editor.is_dirty()
        self.save_action.setEnabled(dirty)
        self.revert_action.setEnabled(dirty)

    @Slot()
    def _on_library_changed(self) -> None:
        self.library_changed.emit()
        self.controller.refresh_now()

    @Slot(object)
    def _on_listed(self, responses: list[CannedResponse]) -> None:
        self.pane.set_responses(responses, self.editor.base.id)
        base = self.editor.base
        fresh = next((r for r in responses if base.id is not None and r.id == base.id), None)
        if fresh is not None and fresh != base and _same_but_usage(fresh, base):
            self.editor.mark_saved(fresh)  # the form's edits stay; only the count is new

    @Slot(int)
    def usage_changed(self, _response_id: int) -> None:
        """The main window counted a use (copy, insert, use for draft): show the new count."""
        self.controller.refresh_now()

    @Slot(int, object)
    def _on_controller_deleted(self, request_id: int, responses: list[CannedResponse]) -> None:
        if request_id in self._user_deletes:  # not a redo: those are on the stack already
            self._user_deletes.discard(request_id)
            self.undo_stack.push(DeleteCommand(self.controller, responses))
        if any(r.id == self.editor.base.id for r in responses):
            self.editor.load(None)
        self._status(f"Deleted {count(len(responses), 'response')}. Undo with Ctrl+Z.")
        self._on_library_changed()

    @Slot(object)
    def _on_controller_restored(self, responses: list[CannedResponse]) -> None:
        if responses and not self.editor.is_dirty():
            self.editor.load(responses[0])
        self._status(f"Restored {count(len(responses), 'response')}.")
        self._on_library_changed()

    @Slot(object)
    def _on_restore_requested(self, snapshot: EditSnapshot) -> None:
        # Edits typed since the window opened are saved first, as before any other switch.
        self.session.commit_then(partial(self._restore_edit, snapshot))

    @Slot()
    def _on_discard_requested(self) -> None:
        self.autosave.answered()
        self._status("Discarded the kept edits.")

    @Slot(str)
    def _on_controller_notice(self, message: str) -> None:
        self.transfer.show(message, error=True)
        self._status(message)

    @Slot(int, object, str)
    def _on_controller_failed(self, _request_id: int, operation: Operation, message: str) -> None:
        # Save, import and export report their own failures.
        if operation in (Operation.LIST, Operation.DELETE, Operation.RESTORE):
            self.transfer.show(message, error=True)

    # --- lifetime ---------------------------------------------------------------------------
    @Slot(str)
    def _status(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        urls = event.mimeData().urls()
        if urls and all(url.isLocalFile() for url in urls):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.import_file(url.toLocalFile())
        event.acceptProposedAction()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self._shut_down and self.editor.is_dirty():
            event.ignore()  # save first; the window closes when the save lands
            self.session.commit_then(self.close)
            return
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        """Stop the worker thread; valid edits still in the form are saved first, waiting."""
        if self._shut_down:
            return
        self._shut_down = True
        if self.suggestions is not None:
            self.suggestions.shutdown()
        final = self.session.final_edit()
        stored = self.controller.shutdown(final)
        # The kept copy goes only once nothing in the form is left unsaved.
        self.autosave.finish(saved=stored and (final is not None or not self.editor.is_dirty()))
        if final is not None and stored:
            self.library_changed.emit()


def _same_but_usage(a: CannedResponse, b: CannedResponse) -> bool:
    return replace(a, usage_count=b.usage_count, last_used_at=b.last_used_at) == b
