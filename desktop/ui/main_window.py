"""MainWindow: composes the panes and wires signals. Logic lives in the controllers.

Its actions, their keys and the menu bar are built in window_menus.py.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QKeyCombination, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop import APP_NAME, paths
from desktop.autosave.workspace import AutosaveStore, Workspace, default_path
from desktop.settings import Settings
from desktop.store import storage
from desktop.store.history import Conversation
from desktop.store.library import LibraryFactory
from desktop.ui import window_state
from desktop.ui.assist import AssistController
from desktop.ui.autosave import Autosave, restored_message
from desktop.ui.canned_search import CannedSearch
from desktop.ui.compact import CompactMode
from desktop.ui.conversation_tab import ConversationTab
from desktop.ui.conversation_tabs import ConversationTabs
from desktop.ui.copy_watch import CopyWatch
from desktop.ui.draft_controller import DraftController
from desktop.ui.history_keeper import HistoryKeeper
from desktop.ui.keyboard import FocusReturn, chain
from desktop.ui.learn_import import LearnImport
from desktop.ui.manager import CannedManager
from desktop.ui.model_choice import ModelChoice
from desktop.ui.placeholder_filler import PlaceholderFiller
from desktop.ui.reading_controller import ReadingController
from desktop.ui.team_sync import TeamSync
from desktop.ui.widgets.about_box import about_box
from desktop.ui.widgets.canned_panel import CannedPanel
from desktop.ui.widgets.command_palette import CommandPalette, PaletteShortcutGuard
from desktop.ui.widgets.conversation_pane import ConversationPane
from desktop.ui.widgets.engine_status import EngineStatus
from desktop.ui.widgets.history_dialog import HistoryDialog
from desktop.ui.widgets.settings_dialog import SettingsDialog
from desktop.ui.widgets.shortcuts_dialog import ShortcutsDialog, shortcut_rows
from desktop.ui.widgets.stats_dialog import DAYS, StatsDialog
from desktop.ui.widgets.suggestion_panel import SuggestionPanel
from desktop.ui.widgets.summary_box import SummaryBox
from desktop.ui.window_menus import NEW_TAB_KEY, build_menus

SETTINGS_NOT_SAVED = "the settings apply until you quit but were not saved"
_CTRL, _SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier
# Editors would take these as typed text (a tab character); the window switches tabs instead.
TAB_SWITCH_KEYS = (
    QKeyCombination(_CTRL, Qt.Key.Key_Tab),
    QKeyCombination(_CTRL | _SHIFT, Qt.Key.Key_Tab),
    QKeyCombination(_CTRL | _SHIFT, Qt.Key.Key_Backtab),
)


class MainWindow(QMainWindow):
    """Conversation tabs on the left; suggestion and canned responses on the right.

    Composition only: each tab's draft lifecycle is its DraftController's (deciding in
    DraftSession), tabs are ConversationTabs', searches CannedSearch's, the model
    AssistController's (one draft at a time, through the tabs' GenerationQueue).
    """

    def __init__(
        self,
        assist: AssistController,
        search: CannedSearch,
        palette_search: CannedSearch,
        settings: Settings,
        save_settings: Callable[[Settings], None],
        library_factory: LibraryFactory,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.assist = assist
        self.search = search
        self.palette_search = palette_search
        self._library_factory = library_factory
        self._settings = settings
        self._save_settings_to_disk = save_settings
        self.manager: CannedManager | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.about_box: QMessageBox | None = None
        self.stats_dialog: StatsDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self._history_days = settings.history_days
        self.summary_box: SummaryBox | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)

        self.canned = CannedPanel(self)
        self.command_palette = CommandPalette(self)
        self.engine_status = EngineStatus(self.statusBar(), assist)
        self.stop_action = QAction("&Stop", self)  # follows the shown tab's draft
        self.copy_watch = CopyWatch((), self)
        self.history = HistoryKeeper(self._library_factory, self._history_days, self)
        self.autosave = Autosave(
            AutosaveStore(default_path()),
            lambda: self.tabs.workspace(),
            self._restore_workspace,
            self,
        )
        self._palette_guard = PaletteShortcutGuard(self, TAB_SWITCH_KEYS)
        self.tabs = ConversationTabs(
            assist, search, self.canned, self._current_settings, self._save_settings, self
        )
        self.tabs.added.connect(self._on_tabs_added)
        self.tabs.closing.connect(self._on_tabs_closing)
        self.tabs.current_changed.connect(self._on_tabs_current_changed)
        self.tabs.message.connect(self._show_message)
        self.autosave.failed.connect(self._show_message)
        self.tabs.bar.tabMoved.connect(self.autosave.changed)
        self.new_tab_button = QToolButton(self)
        self.new_tab_button.setText("+")
        self.new_tab_button.setAutoRaise(True)
        self.new_tab_button.setToolTip(f"New conversation ({NEW_TAB_KEY})")
        self.new_tab_button.setAccessibleName("New conversation tab")
        self.tabs.bar.setAccessibleName("Conversations")
        self.new_tab_button.clicked.connect(self.new_tab)
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.addWidget(self.tabs.right)
        self.right_splitter.addWidget(self.canned)
        self.right_splitter.setSizes([480, 320])
        # Both grow with the window; shrinking, the suggestion stops at its minimum (the ready
        # reply, the draft's first lines, Copy) and the canned panel gives way below it.
        self.right_splitter.setStretchFactor(0, 3)
        self.right_splitter.setStretchFactor(1, 2)
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.addWidget(self.tabs.left)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setSizes([520, 760])
        self.main_splitter.setStretchFactor(0, 2)
        self.main_splitter.setStretchFactor(1, 3)
        for splitter in (self.right_splitter, self.main_splitter):
            splitter.setChildrenCollapsible(False)  # a dragged pane never vanishes
        tab_row = QHBoxLayout()
        tab_row.setContentsMargins(4, 2, 4, 0)
        tab_row.addWidget(self.tabs.bar)
        tab_row.addWidget(self.new_tab_button)
        tab_row.addStretch(1)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(tab_row)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

        self.models = ModelChoice(assist, self._current_settings, self._apply_settings, self)
        self.models.message.connect(self.statusBar().showMessage)
        self.focus_return = FocusReturn(self)
        self.shortcuts_dialog: ShortcutsDialog | None = None
        self.filler = PlaceholderFiller(self, self._placeholder_values, self._insert_in_draft)
        self.tabs.new_tab()
        self._build_helpers()
        built = build_menus(self)
        self.compact_action, self.send_behind_action = built.compact, built.send_behind
        self.panes = built.panes
        self._connect()
        self.canned.search.installEventFilter(self._palette_guard)

    # --- the shown tab ------------------------------------------------------------------------
    @property
    def current_tab(self) -> ConversationTab:
        return self.tabs.current

    @property
    def conversation(self) -> ConversationPane:
        return self.tabs.current.conversation

    @property
    def suggestion(self) -> SuggestionPanel:
        return self.tabs.current.suggestion

    @property
    def drafts(self) -> DraftController:
        return self.tabs.current.drafts

    @property
    def reading(self) -> ReadingController:
        return self.tabs.current.reading

    @Slot()
    def new_tab(self) -> ConversationTab:
        tab = self.tabs.new_tab()
        tab.conversation.editor.setFocus()
        return tab

    def receive_conversation(self, text: str) -> ConversationTab:
        """Show handed-over text: in the shown tab if it is empty or its conversation grown.

        Otherwise in a new tab: the shown one keeps its conversation.
        """
        tab = self.tabs.current
        shown = tab.conversation.editor.toPlainText().strip()
        if shown and not text.strip().startswith(shown):
            tab = self.tabs.new_tab()
        tab.conversation.set_text(text)
        return tab

    def _on_tabs_added(self, tab: ConversationTab) -> None:
        tab.drafts.started.connect(self.engine_status.begin_draft)
        tab.drafts.message.connect(self._show_message)
        tab.conversation.message.connect(self._show_message)
        self.copy_watch.watch(tab.suggestion.copy_button.clicked, "draft")
        self.copy_watch.watch(tab.suggestion.ready.copy_button.clicked, "ready_reply")
        self.history.watch(tab.key, tab.conversation, tab.history_row)
        self.autosave.watch(tab.conversation.editor, tab.suggestion.draft)
        self.autosave.changed()
        tab.stop_action.changed.connect(self._sync_stop)
        for editor in (tab.conversation.editor, tab.suggestion.draft):
            editor.installEventFilter(self._palette_guard)
        tab.conversation.editor.pasted.connect(self.statusBar().clearMessage)  # not stale
        tab.suggestion.removed.rows_changed.connect(self.apply_focus_order)  # Restore buttons

    def _on_tabs_closing(self, tab: ConversationTab) -> None:
        self.history.forget_tab(tab.key)
        self.autosave.changed()

    def _on_tabs_current_changed(self, tab: ConversationTab) -> None:
        self._sync_stop()
        self.apply_focus_order()
        tab.reading.filter_intent("")  # the canned list shows this conversation's ranking
        self.autosave.changed()

    @Slot()
    def _sync_stop(self) -> None:
        self.stop_action.setEnabled(self.tabs.current.stop_action.isEnabled())

    @Slot(int, int)
    def _on_history_row_saved(self, key: int, row: int) -> None:
        tab = self.tabs.by_key(key)
        if tab is not None:
            tab.history_row = row

    @Slot()
    def apply_focus_order(self) -> None:
        """Tab goes through the shown tab's panes in reading order (see focus_chain)."""
        chain(self.focus_chain())

    def focus_chain(self) -> list[QWidget]:
        """The shown tab's controls as the eye reads them: tabs, left pane, right top to bottom."""
        canned, conversation = self.canned, self.conversation
        suggestion = self.suggestion
        ready = suggestion.ready
        return [
            self.tabs.bar,
            self.new_tab_button,
            conversation.editor,
            conversation.clear_button,
            *suggestion.chips.focus_widgets(),
            ready.copy_button,
            ready.text,
            suggestion.previous_button,
            suggestion.next_button,
            suggestion.draft,
            *suggestion.removed.buttons,
            suggestion.tone,
            suggestion.length,
            suggestion.rewrite_button,
            suggestion.generate_button,
            suggestion.stop_button,
            suggestion.regenerate_button,
            suggestion.copy_button,
            canned.search,
            canned.intent_filter,
            canned.list,
            canned.preview,
            canned.copy_button,
            canned.insert_button,
            canned.use_button,
        ]

    def _restore_workspace(self, workspace: Workspace) -> str:
        self.tabs.restore(workspace)
        return restored_message(workspace)

    def _placeholder_values(self) -> dict[str, str]:
        return self.tabs.current.drafts.placeholder_values()

    def _insert_in_draft(self, text: str, caret: int | None = None) -> None:
        self.tabs.current.suggestion.insert_at_cursor(text, caret)

    # --- setup ------------------------------------------------------------------------------
    def _build_helpers(self) -> None:
        """The window's own helpers beside the tabs: imports, team sync, compact mode."""
        self.learn_import = LearnImport(self._library_factory, self)  # off the GUI thread
        self.learn_import.learned.connect(self.search.refresh_now)  # re-rank with the examples
        self.learn_import.message.connect(self._show_message)
        # Subscribed team libraries (and, when shared, the team's picks) kept current.
        self.team_sync = TeamSync(
            self._library_factory, lambda: self._settings.share_examples, self
        )
        self.team_sync.changed.connect(self.search.refresh_now)
        self.team_sync.changed.connect(self.palette_search.refresh_now)
        self.team_sync.message.connect(self._show_message)
        self.team_sync.start()
        self.compact_mode = CompactMode(self, (self.tabs.left, self.canned), self.right_splitter)
        self.copy_watch.copied.connect(self.compact_mode.after_copy)
        self.copy_watch.copied.connect(self._on_copied)
        self.history.failed.connect(self._show_message)
        self.history.opened.connect(self._on_history_opened)
        self.history.row_saved.connect(self._on_history_row_saved)

    @Slot()
    def show_shortcuts(self) -> None:
        """Every action that has a key, read from the actions themselves."""
        self.shortcuts_dialog = ShortcutsDialog(shortcut_rows(self.actions()), self)
        self.shortcuts_dialog.open()

    def _connect(self) -> None:
        self.filler.message.connect(self._show_message)
        self.canned.query_changed.connect(self.search.set_query)
        self.search.results_ready.connect(self.canned.show_results)
        self.search.failed.connect(self._show_message)
        self.command_palette.query_changed.connect(self.palette_search.set_query)
        self.palette_search.results_ready.connect(self.command_palette.show_results)
        # Every copy, insert and use of a canned response counts towards "most used".
        for requested in (
            self.canned.copy_requested,
            self.canned.use_requested,
            self.canned.insert_requested,
            self.command_palette.chosen,
        ):
            requested.connect(self.search.record_use)
        self.canned.copy_requested.connect(lambda r: self.tabs.current.drafts.copy_canned(r))
        self.canned.use_requested.connect(lambda r: self.tabs.current.drafts.use_canned(r))
        self.canned.insert_requested.connect(self.filler.insert)
        self.command_palette.chosen.connect(self.filler.insert)

    # --- dialogs and windows ----------------------------------------------------------------
    @Slot()
    def open_conversation(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open conversation", "", "Text files (*.txt *.log *.md);;All files (*)"
        )
        if name:
            self.open_file(name)

    def open_file(self, name: str) -> None:
        """A conversation file opens in the shown tab if that is empty, else in a new one."""
        self.tabs.blank_or_new().conversation.load_file(name)

    @Slot(str, str)
    def _on_copied(self, kind: str, text: str) -> None:
        self.history.record_copy(self.tabs.current.key, kind, text)

    @Slot(object)
    def _on_history_opened(self, conversation: Conversation) -> None:
        """A kept conversation comes back in a tab: its own if open, else a new one."""
        for tab in self.tabs.tabs:
            if tab.history_row == conversation.id:
                self.tabs.show_tab(tab)
                return
        tab = self.tabs.blank_or_new()
        self.history.adopt(tab.key, conversation.id, conversation.text)
        tab.history_row = conversation.id
        tab.conversation.set_text(conversation.text)

    @Slot()
    def open_history(self) -> None:
        """Kept conversations, searched on the history thread; reopening shows one in a tab."""
        self.history_dialog = HistoryDialog(self)
        self.history_dialog.query_changed.connect(self.history.search)
        self.history.results_ready.connect(self.history_dialog.show_results)
        self.history_dialog.reopen_requested.connect(self.history.reopen)
        self.history_dialog.finished.connect(self._on_history_dialog_finished)
        self.history.search("")
        self.history_dialog.open()

    @Slot()
    def _on_history_dialog_finished(self) -> None:
        if self.history_dialog is not None:
            self.history.results_ready.disconnect(self.history_dialog.show_results)
            self.history_dialog.deleteLater()
            self.history_dialog = None

    @Slot()
    def choose_model(self) -> None:
        self.models.open()

    def _current_settings(self) -> Settings:
        return self._settings

    def _save_settings(self, settings: Settings) -> None:
        """One set of settings for every tab: whichever tab saved, all use them from now on."""
        self._settings = settings
        self.tabs.adopt_settings(settings)
        try:
            self._save_settings_to_disk(settings)
        except OSError as exc:  # used for this session all the same
            described = storage.describe(exc, paths.settings_path().parent, SETTINGS_NOT_SAVED)
            self._show_message(str(described or f"Could not save the settings: {exc}"))

    def _apply_settings(self, settings: Settings) -> None:
        self.tabs.current.drafts.apply_settings(settings)

    @Slot()
    def open_settings(self) -> None:
        self.settings_dialog = SettingsDialog(self._settings, self)
        self.settings_dialog.saved.connect(self._apply_settings)
        self.settings_dialog.key_failed.connect(self._show_message)
        self.settings_dialog.open()

    @Slot()
    def summarize(self) -> None:
        """Handover notes made on the model thread; the box fills in when they arrive."""
        transcript = self.conversation.transcript()
        if transcript.is_empty:
            self.statusBar().showMessage("Paste the conversation first.", 5000)
            return
        self.summary_box = SummaryBox(self)
        self.assist.summarized.connect(self.summary_box.show_summary)
        self.assist.summary_failed.connect(self.summary_box.show_error)
        self.assist.summarize(transcript)
        self.summary_box.open()

    def show_stats(self) -> None:
        """Local feedback summed up on the search thread; the dialog fills in when it arrives."""
        self.stats_dialog = StatsDialog(self)
        self.search.stats_ready.connect(self.stats_dialog.show_stats)
        self.search.request_stats(DAYS)
        self.stats_dialog.open()

    def show_about(self) -> None:
        self.about_box = about_box(self, self.assist.model_info)
        self.about_box.open()  # window-modal without blocking the event loop

    @Slot()
    def open_manager(self) -> None:
        """One manager at a time; a closed one has stopped its thread, so a new one is made."""
        if self.manager is None:
            self.manager = CannedManager(self._library_factory, self)
            self.manager.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.manager.library_changed.connect(self.search.refresh_now)
            self.manager.library_changed.connect(self.palette_search.refresh_now)
            self.search.use_recorded.connect(self.manager.usage_changed)
            self.manager.destroyed.connect(self._on_manager_destroyed)
        self.manager.show()
        self.manager.raise_()
        self.manager.activateWindow()

    @Slot()
    def _on_manager_destroyed(self) -> None:
        self.manager = None

    def shutdown_manager(self) -> None:
        """Stop the window's own worker threads (library window, model scan); aboutToQuit."""
        if self.manager is not None:
            self.manager.shutdown()
        self.models.shutdown()
        self.history.shutdown()
        self.team_sync.shutdown()
        self.autosave.finish()  # a clean quit: the tabs are kept for the next start

    @Slot(str)
    def _show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # --- lifetime ---------------------------------------------------------------------------
    def _splitters(self) -> dict[str, QSplitter]:
        return {
            "main_splitter": self.main_splitter,
            "right_splitter": self.right_splitter,
            "canned_splitter": self.canned.split,
        }

    def restore_layout(self) -> None:
        """Window size and pane sizes as the agent left them."""
        window_state.restore(self, self._splitters())

    def save_layout(self) -> None:
        window_state.save(self, self._splitters())

    @Slot()
    def copy_ready(self) -> None:
        """The shown tab's ready reply to the clipboard (the tray's quick action)."""
        self.tabs.current.drafts.copy_ready()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.assist.cancel()
        self.compact_mode.leave_for_close()
        self.save_layout()
        if self.manager is not None:
            self.manager.shutdown()  # saves valid edits, waits, stops its thread
            self.manager.close()
        super().closeEvent(event)
