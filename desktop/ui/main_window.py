"""MainWindow: composes the panes, wires signals and shortcuts. Logic lives in the controllers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMainWindow, QMessageBox, QSplitter, QWidget

from desktop import APP_NAME, placeholders
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.suggest import SuggestionResult
from desktop.ui import window_state
from desktop.ui.assist import AssistController, EngineState
from desktop.ui.canned_search import CannedSearch
from desktop.ui.manager import CannedManager
from desktop.ui.placeholder_filler import PlaceholderFiller
from desktop.ui.widgets.about_box import about_box
from desktop.ui.widgets.canned_panel import CannedPanel
from desktop.ui.widgets.command_palette import CommandPalette, PaletteShortcutGuard
from desktop.ui.widgets.conversation_pane import ConversationPane
from desktop.ui.widgets.engine_status import EngineStatus
from desktop.ui.widgets.settings_dialog import SettingsDialog
from desktop.ui.widgets.suggestion_panel import SuggestionPanel
from desktop.ui.worker import LibraryFactory


class MainWindow(QMainWindow):
    """Conversation on the left; suggestion and canned responses on the right."""

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
        self.settings = settings
        self._save_settings = save_settings
        self._pinned: tuple[CannedResponse, ...] = ()
        self._copy_warned_for: str | None = None
        self._library_factory = library_factory
        self.manager: CannedManager | None = None
        self.settings_dialog: SettingsDialog | None = None
        self.about_box: QMessageBox | None = None
        self.command_palette = CommandPalette(self)
        self.palette_search = palette_search
        self.setWindowTitle(APP_NAME)
        self.resize(1280, 800)

        self.conversation = ConversationPane(self)
        self.suggestion = SuggestionPanel(self)
        self.canned = CannedPanel(self)
        self.filler = PlaceholderFiller(
            self, self.placeholder_values, self.suggestion.insert_at_cursor
        )
        self.right_splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.right_splitter.addWidget(self.suggestion)
        self.right_splitter.addWidget(self.canned)
        self.right_splitter.setSizes([430, 370])
        self.main_splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_splitter.addWidget(self.conversation)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setSizes([560, 720])
        self.setCentralWidget(self.main_splitter)

        self.engine_status = EngineStatus(self.statusBar(), assist)
        self.model_label = self.engine_status.model_label
        self.speed_label = self.engine_status.speed_label
        self.state_label = self.engine_status.state_label
        self._build_actions()
        self._connect()
        guard = PaletteShortcutGuard(self)
        for editor in (self.conversation.editor, self.suggestion.draft, self.canned.search):
            editor.installEventFilter(guard)
        self._on_assist_state_changed(assist.state)

    # --- setup ------------------------------------------------------------------------------
    def _action(
        self,
        text: str,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None,
        slot: Callable[[], object],
    ) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.generate_action = self._action("&Generate reply", "Ctrl+Return", self.generate)
        self._action("Generate (keypad Enter)", "Ctrl+Enter", self.generate)
        self.stop_action = self._action("&Stop", "Esc", self.stop)
        self.regenerate_action = self._action("&Regenerate", "Ctrl+R", self.regenerate)
        self.copy_action = self._action("&Copy reply", "Ctrl+Shift+C", self.copy_draft)
        self.use_action = self._action(
            "Use selected canned response", "Ctrl+Shift+Return", self._use_current_canned
        )
        self._action("Search canned responses", "Ctrl+F", self._focus_search)
        self.palette_action = self._action("Insert canned response…", "Ctrl+K", self.open_palette)
        self._action("Insert selected canned response", "Ctrl+Shift+I", self._insert_current_canned)
        open_action = self._action(
            "&Open conversation…", QKeySequence.StandardKey.Open, self.open_conversation
        )
        model_action = self._action("Choose &model…", "Ctrl+M", self.choose_model)
        settings_action = self._action("&Settings…", "Ctrl+,", self.open_settings)
        quit_action = self._action("&Quit", QKeySequence.StandardKey.Quit, self.close)
        about_action = self._action("&About Agent Assist", None, self.show_about)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addActions([open_action, model_action, settings_action])
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        reply_menu = self.menuBar().addMenu("&Reply")
        reply_menu.addActions(
            [
                self.palette_action,
                self.generate_action,
                self.stop_action,
                self.regenerate_action,
                self.copy_action,
                self.use_action,
            ]
        )
        manage_action = self._action("&Manage canned responses…", "Ctrl+Shift+L", self.open_manager)
        self.menuBar().addMenu("&Library").addAction(manage_action)
        self.menuBar().addMenu("&Help").addAction(about_action)

    def _connect(self) -> None:
        self.suggestion.generate_button.clicked.connect(self.generate)
        self.suggestion.stop_button.clicked.connect(self.stop)
        self.suggestion.regenerate_button.clicked.connect(self.regenerate)
        self.suggestion.copy_button.clicked.connect(self.copy_draft)
        self.conversation.transcript_changed.connect(self.search.set_transcript)
        self.conversation.message.connect(self._show_message)
        self.filler.message.connect(self._show_message)
        self.canned.query_changed.connect(self.search.set_query)
        self.canned.copy_requested.connect(self._on_canned_copy_requested)
        self.canned.use_requested.connect(self._on_canned_use_requested)
        self.canned.insert_requested.connect(self._on_canned_insert_requested)
        self.search.results_ready.connect(self.canned.show_results)
        self.command_palette.query_changed.connect(self.palette_search.set_query)
        self.palette_search.results_ready.connect(self.command_palette.show_results)
        self.command_palette.chosen.connect(self._on_canned_insert_requested)
        self.search.failed.connect(self._show_message)
        self.assist.state_changed.connect(self._on_assist_state_changed)
        self.assist.model_ready.connect(self._on_assist_model_ready)
        self.assist.model_failed.connect(self._on_assist_model_failed)
        self.assist.grounded.connect(self.suggestion.show_sources)
        self.assist.token_received.connect(self.suggestion.append_text)
        self.assist.finished.connect(self._on_assist_finished)
        self.assist.failed.connect(self._on_assist_failed)

    # --- actions ----------------------------------------------------------------------------
    @Slot()
    def generate(self) -> None:
        """Draft a reply grounded on the best-ranked canned responses."""
        self._start_draft(())

    def _start_draft(self, pinned: Sequence[CannedResponse]) -> None:
        if self.assist.state not in (EngineState.IDLE, EngineState.GENERATING):
            self._show_message(
                "The model is not ready yet."
                if self.assist.state == EngineState.LOADING
                else "No model is loaded: choose one with File > Choose model."
            )
            return
        transcript = self.conversation.transcript()
        if transcript.is_empty:
            self._show_message("Paste the customer's conversation on the left first.")
            self.conversation.editor.setFocus()
            return
        self._pinned = tuple(pinned)
        self.suggestion.begin_draft()
        self.engine_status.begin_draft()
        self.assist.ask(transcript, self._pinned)

    @Slot()
    def regenerate(self) -> None:
        self._start_draft(self._pinned)

    @Slot()
    def stop(self) -> None:
        if self.assist.state == EngineState.GENERATING:
            self.assist.cancel()
            self._show_message("Stopped.")

    @Slot()
    def copy_draft(self) -> None:
        text = self.suggestion.draft.toPlainText()
        if not text.strip():
            self._show_message("Nothing to copy yet.")
            return
        unfilled = [p for p in placeholders.names(text) if placeholders.is_known(p)]
        if unfilled and self._copy_warned_for != text:
            # Warn once, without a modal box: a second Copy copies anyway.
            self._copy_warned_for = text
            shown = ", ".join("{{" + name + "}}" for name in unfilled)
            self.suggestion.show_error(
                f"The reply still has unfilled placeholders: {shown}. "
                "Fill them in, or press Copy again to copy anyway."
            )
            return
        self._copy_warned_for = None
        self.suggestion.show_error("")
        QGuiApplication.clipboard().setText(text)
        self._show_message("Reply copied to the clipboard.")

    def placeholder_values(self) -> dict[str, str]:
        """Values known for placeholders: settings, then what the conversation states."""
        values = placeholders.extract_values(self.conversation.editor.toPlainText())
        if self.settings.agent_name:
            values["agent.name"] = self.settings.agent_name
            values["agent.first_name"] = self.settings.agent_name.split()[0]
        if self.settings.company_name:
            values["company.name"] = self.settings.company_name
        return values

    @Slot()
    def open_conversation(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Open conversation", "", "Text files (*.txt *.log *.md);;All files (*)"
        )
        if name:
            self.conversation.load_file(name)

    @Slot()
    def choose_model(self) -> None:
        start = str(self.settings.resolved_model_path().parent)
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a GGUF model", start, "GGUF models (*.gguf);;All files (*)"
        )
        if name:
            self.switch_model(Path(name))

    def switch_model(self, path: Path) -> None:
        self.apply_settings(self.settings.replace(model_path=str(path)))

    @Slot()
    def open_settings(self) -> None:
        self.settings_dialog = SettingsDialog(self.settings, self)
        self.settings_dialog.saved.connect(self.apply_settings)
        self.settings_dialog.open()

    @Slot(object)
    def apply_settings(self, settings: Settings) -> None:
        """Save; reload the model only when a setting that shapes it changed."""
        old, self.settings = self.settings, settings
        self._save_settings(settings)
        reload_keys = ("model_path", "context_tokens", "threads")
        if any(getattr(old, key) != getattr(settings, key) for key in reload_keys):
            self.assist.load_model(settings)
        else:
            self.assist.apply_settings(settings)

    @Slot()
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
        if self.manager is not None:
            self.manager.shutdown()

    @Slot()
    def open_palette(self) -> None:
        self.command_palette.open_palette()

    @Slot()
    def _focus_search(self) -> None:
        self.canned.search.setFocus()
        self.canned.search.selectAll()

    @Slot()
    def _insert_current_canned(self) -> None:
        if (response := self.canned.current()) is not None:
            self._on_canned_insert_requested(response)

    @Slot()
    def _use_current_canned(self) -> None:
        if (response := self.canned.current()) is not None:
            self._on_canned_use_requested(response)

    # --- slots ------------------------------------------------------------------------------
    @Slot(object)
    def _on_canned_copy_requested(self, response: CannedResponse) -> None:
        rendered = placeholders.render(response.body, self.placeholder_values())
        QGuiApplication.clipboard().setText(rendered.text)
        self.search.record_use(response)
        left = f" Unfilled: {', '.join(rendered.unresolved)}." if rendered.unresolved else ""
        self._show_message(f"Copied “{response.title}”.{left}")

    @Slot(object)
    def _on_canned_insert_requested(self, response: CannedResponse) -> None:
        self.search.record_use(response)
        self.filler.insert(response)

    @Slot(object)
    def _on_canned_use_requested(self, response: CannedResponse) -> None:
        self.search.record_use(response)
        if self.assist.state in (EngineState.IDLE, EngineState.GENERATING):
            self._start_draft((response,))
        else:
            # Canned-only mode: the response itself becomes the draft, ready to edit and copy.
            self.suggestion.begin_draft()
            self.suggestion.append_text(
                placeholders.render(response.body, self.placeholder_values()).text
            )
            self.suggestion.show_sources((response,))

    @Slot(object)
    def _on_assist_state_changed(self, state: EngineState) -> None:
        busy = state == EngineState.GENERATING
        loaded = self.assist.model_info is not None
        self.suggestion.set_busy(busy, loaded and state != EngineState.LOADING)
        self.stop_action.setEnabled(busy)

    @Slot(object)
    def _on_assist_model_ready(self, info: ModelInfo) -> None:
        self.suggestion.show_error("")
        self._show_message(f"Model loaded in {info.load_seconds:.1f} s.")
        self._on_assist_state_changed(self.assist.state)

    @Slot(str)
    def _on_assist_model_failed(self, message: str) -> None:
        self._on_assist_state_changed(self.assist.state)
        # A banner, not a modal box: the agent keeps working in canned-only mode.
        self.suggestion.show_error(
            f"{message}\nCanned responses still work: copy one, or use it as your draft. "
            "Choose another model with File > Choose model (Ctrl+M)."
        )

    @Slot(object)
    def _on_assist_finished(self, result: SuggestionResult) -> None:
        if result.finish_reason == "length":
            self._show_message("Draft reached the length limit.")

    @Slot(str)
    def _on_assist_failed(self, message: str) -> None:
        self._show_message(message)
        self.suggestion.show_error(message)

    @Slot(str)
    def _show_message(self, message: str) -> None:
        self.statusBar().showMessage(message, 8000)

    def _splitters(self) -> dict[str, QSplitter]:
        return {"main_splitter": self.main_splitter, "right_splitter": self.right_splitter}

    def restore_layout(self) -> None:
        """Window size and pane sizes as the agent left them."""
        window_state.restore(self, self._splitters())

    def save_layout(self) -> None:
        window_state.save(self, self._splitters())

    def closeEvent(self, event: QCloseEvent) -> None:
        self.assist.cancel()
        self.save_layout()
        if self.manager is not None:
            self.manager.shutdown()  # saves valid edits, waits, stops its thread
            self.manager.close()
        super().closeEvent(event)
