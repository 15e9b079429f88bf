"""MainWindow: composes the panes, wires signals and shortcuts. Logic lives in the controllers."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QSplitter, QWidget

from desktop import APP_NAME
from desktop.autosave_store import AutosaveStore, default_path
from desktop.drafting.session import (
    DraftSession,
)
from desktop.settings import Settings
from desktop.store.library import LibraryFactory
from desktop.ui import window_state
from desktop.ui.assist import AssistController
from desktop.ui.autosave import Autosave
from desktop.ui.canned_search import CannedSearch
from desktop.ui.compact import COMPACT_KEY, CompactMode
from desktop.ui.copy_watch import CopyWatch
from desktop.ui.draft_controller import DraftController
from desktop.ui.history_keeper import HistoryKeeper
from desktop.ui.manager import CannedManager
from desktop.ui.model_choice import ModelChoice
from desktop.ui.placeholder_filler import PlaceholderFiller
from desktop.ui.reading_controller import ReadingController
from desktop.ui.widgets.about_box import about_box
from desktop.ui.widgets.canned_panel import CannedPanel
from desktop.ui.widgets.command_palette import CommandPalette, PaletteShortcutGuard
from desktop.ui.widgets.conversation_pane import ConversationPane
from desktop.ui.widgets.engine_status import EngineStatus
from desktop.ui.widgets.history_dialog import HistoryDialog
from desktop.ui.widgets.ready_reply_box import COPY_KEY
from desktop.ui.widgets.settings_dialog import SettingsDialog
from desktop.ui.widgets.stats_dialog import DAYS, StatsDialog
from desktop.ui.widgets.suggestion_panel import NEXT_KEY, PREVIOUS_KEY, SuggestionPanel
from desktop.ui.widgets.summary_box import SummaryBox


class MainWindow(QMainWindow):
    """Conversation on the left; suggestion and canned responses on the right.

    Composition only: the draft lifecycle is DraftController's (deciding in DraftSession),
    searches are CannedSearch's, the model is AssistController's.
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
        self.manager: CannedManager | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.about_box: QMessageBox | None = None
        self.stats_dialog: StatsDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self._history_days = settings.history_days
        self.summary_box: SummaryBox | None = None
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)

        self.conversation = ConversationPane(self)
        self.suggestion = SuggestionPanel(self)
        self.canned = CannedPanel(self)
        self.command_palette = CommandPalette(self)
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.addWidget(self.suggestion)
        self.right_splitter.addWidget(self.canned)
        self.right_splitter.setSizes([560, 240])
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.addWidget(self.conversation)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setSizes([560, 720])
        self.setCentralWidget(self.main_splitter)
        self.engine_status = EngineStatus(self.statusBar(), assist)

        self.stop_action = QAction("&Stop", self)  # enabled by the draft controller
        self.drafts = DraftController(
            DraftSession(settings),
            assist,
            search,
            self.conversation,
            self.suggestion,
            self.stop_action,
            save_settings,
            self,
        )
        self.reading = ReadingController(
            search, assist, self.suggestion.chips, self.suggestion.ready, self.canned, self
        )
        self.models = ModelChoice(assist, self._current_settings, self.drafts.apply_settings, self)
        self.filler = PlaceholderFiller(
            self, self.drafts.placeholder_values, self.suggestion.insert_at_cursor
        )
        self.autosave = Autosave(
            AutosaveStore(default_path()), self.conversation, self.suggestion.draft, self
        )
        self._build_actions()
        self._connect()
        guard = PaletteShortcutGuard(self)
        for editor in (self.conversation.editor, self.suggestion.draft, self.canned.search):
            editor.installEventFilter(guard)

    # --- setup ------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        return self._bind(QAction(text, self), shortcut, slot)

    def _bind(
        self,
        action: QAction,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        drafts = self.drafts
        generate_action = self._action("&Generate reply", "Ctrl+Return", drafts.generate)
        self._action("Generate (keypad Enter)", "Ctrl+Enter", drafts.generate)
        self._bind(self.stop_action, "Esc", drafts.stop)
        regenerate_action = self._action("&Regenerate", "Ctrl+R", drafts.regenerate)
        copy_action = self._action("&Copy reply", "Ctrl+Shift+C", drafts.copy_draft)
        ready_action = self._action("Copy &ready reply", COPY_KEY, drafts.copy_ready)
        previous_action = self._action("&Previous alternative", PREVIOUS_KEY, drafts.show_previous)
        next_action = self._action("&Next alternative", NEXT_KEY, drafts.show_next)
        use_action = self._action(
            "Use selected canned response", "Ctrl+Shift+Return", self.canned.use_current
        )
        self._action("Search canned responses", "Ctrl+F", self.canned.focus_search)
        palette_action = self._action(
            "Insert canned response…", "Ctrl+K", self.command_palette.open_palette
        )
        self._action("Insert selected canned response", "Ctrl+Shift+I", self.canned.insert_current)
        open_action = self._action(
            "&Open conversation…", QKeySequence.StandardKey.Open, self.open_conversation
        )
        model_action = self._action("Choose &model…", "Ctrl+M", self.choose_model)
        settings_action = self._action("&Settings…", "Ctrl+,", self.open_settings)
        quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        about_action = self._action("&About Agent Assist", None, self.show_about)
        stats_action = self._action("&Statistics…", None, self.show_stats)
        summary_action = self._action("Summarize for &handover…", "Ctrl+Alt+S", self.summarize)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([open_action, model_action, settings_action])
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        reply_menu = self.menuBar().addMenu("&Reply")
        reply_menu.addActions(
            [
                palette_action,
                generate_action,
                self.stop_action,
                regenerate_action,
                copy_action,
                ready_action,
                previous_action,
                next_action,
                use_action,
            ]
        )
        reply_menu.addMenu(self.suggestion.rewrite_menu)
        reply_menu.addAction(summary_action)
        manage_action = self._action("&Manage canned responses…", "Ctrl+Shift+L", self.open_manager)
        self.menuBar().addMenu("&Library").addAction(manage_action)
        self.copy_watch = CopyWatch(
            (
                (copy_action.triggered, "draft"),
                (ready_action.triggered, "ready_reply"),
                (self.suggestion.copy_button.clicked, "draft"),
                (self.suggestion.ready.copy_button.clicked, "ready_reply"),
            ),
            self,
        )
        self.compact_mode = CompactMode(self, (self.conversation,), self.right_splitter)
        self.copy_watch.copied.connect(self.compact_mode.after_copy)
        self.compact_action = self._action("&Compact mode", COMPACT_KEY, self.compact_mode.toggle)
        self.compact_action.setCheckable(True)
        self.compact_mode.toggled.connect(self.compact_action.setChecked)
        self.send_behind_action = QAction("Send the window &behind after Copy", self)
        self.send_behind_action.setCheckable(True)
        self.send_behind_action.setChecked(self.compact_mode.send_behind)
        self.send_behind_action.toggled.connect(self.compact_mode.set_send_behind)
        self.history = HistoryKeeper(
            self._library_factory, self._history_days, self.conversation, self
        )
        self.copy_watch.copied.connect(self.history.record_copy)
        self.history.failed.connect(self._show_message)
        history_action = self._action("&History…", "Ctrl+H", self.open_history)
        file_menu.insertAction(model_action, history_action)
        view_menu = self.menuBar().addMenu("&View")
        view_menu.addActions([self.compact_action, self.send_behind_action])
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addActions([stats_action, about_action])

    def _connect(self) -> None:
        self.suggestion.generate_button.clicked.connect(self.drafts.generate)
        self.suggestion.stop_button.clicked.connect(self.drafts.stop)
        self.suggestion.regenerate_button.clicked.connect(self.drafts.regenerate)
        self.suggestion.copy_button.clicked.connect(self.drafts.copy_draft)
        self.drafts.started.connect(self.engine_status.begin_draft)
        self.drafts.message.connect(self._show_message)
        self.conversation.transcript_changed.connect(self.search.set_transcript)
        self.conversation.message.connect(self._show_message)
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
        self.canned.copy_requested.connect(self.drafts.copy_canned)
        self.canned.use_requested.connect(self.drafts.use_canned)
        self.canned.insert_requested.connect(self.filler.insert)
        self.command_palette.chosen.connect(self.filler.insert)

    # --- dialogs and windows ----------------------------------------------------------------
    @Slot()
    def open_conversation(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open conversation", "", "Text files (*.txt *.log *.md);;All files (*)"
        )
        if name:
            self.conversation.load_file(name)

    @Slot()
    def open_history(self) -> None:
        """Kept conversations, searched on the history thread; reopening replaces the pane."""
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
        return self.drafts.settings

    @Slot()
    def open_settings(self) -> None:
        self.settings_dialog = SettingsDialog(self.drafts.settings, self)
        self.settings_dialog.saved.connect(self.drafts.apply_settings)
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
        self.autosave.finish()  # a clean quit: nothing to restore next time

    @Slot(str)
    def _show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    # --- lifetime ---------------------------------------------------------------------------
    def _splitters(self) -> dict[str, QSplitter]:
        return {"main_splitter": self.main_splitter, "right_splitter": self.right_splitter}

    def restore_layout(self) -> None:
        """Window size and pane sizes as the agent left them."""
        window_state.restore(self, self._splitters())

    def save_layout(self) -> None:
        window_state.save(self, self._splitters())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.assist.cancel()
        self.compact_mode.leave_for_close()
        self.save_layout()
        if self.manager is not None:
            self.manager.shutdown()  # saves valid edits, waits, stops its thread
            self.manager.close()
        super().closeEvent(event)
