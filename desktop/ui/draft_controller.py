"""DraftController: the Qt side of the draft lifecycle; the decisions are DraftSession's."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication

from desktop.drafting.session import (
    AppendText,
    Ask,
    Cancel,
    ClearDraft,
    CopyText,
    DraftSession,
    Effects,
    EngineState,
    FocusConversation,
    LoadModel,
    Notify,
    SaveSettings,
    SetControls,
    ShowProblem,
    ShowSources,
    UseSettings,
)
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.suggest import SuggestionResult
from desktop.ui.assist import AssistController
from desktop.ui.widgets.conversation_pane import ConversationPane
from desktop.ui.widgets.suggestion_panel import SuggestionPanel


class DraftController(QObject):
    """Feeds the session what the agent and the model do, and shows what it decides.

    Signals:
        message(str): something to show in the status bar.
        started(): a model draft was requested (the speed indicator starts over).
    """

    message = Signal(str)
    started = Signal()

    def __init__(
        self,
        session: DraftSession,
        assist: AssistController,
        conversation: ConversationPane,
        suggestion: SuggestionPanel,
        stop_action: QAction,
        save_settings: Callable[[Settings], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._assist = assist
        self._conversation = conversation
        self._suggestion = suggestion
        self._stop_action = stop_action
        self._save_settings = save_settings
        assist.state_changed.connect(self._on_assist_state_changed)
        assist.model_ready.connect(self._on_assist_model_ready)
        assist.model_failed.connect(self._on_assist_model_failed)
        assist.grounded.connect(self._on_assist_grounded)
        assist.token_received.connect(self._on_assist_token_received)
        assist.finished.connect(self._on_assist_finished)
        assist.failed.connect(self._on_assist_failed)
        self._on_assist_state_changed(assist.state)

    @property
    def settings(self) -> Settings:
        return self.session.settings

    # --- what the agent does ----------------------------------------------------------------
    @Slot()
    def generate(self) -> None:
        self._perform(self.session.generate(self._conversation.transcript()))

    @Slot()
    def regenerate(self) -> None:
        self._perform(self.session.regenerate(self._conversation.transcript()))

    @Slot()
    def stop(self) -> None:
        self._perform(self.session.stop())

    @Slot()
    def copy_draft(self) -> None:
        self._perform(self.session.copy(self._suggestion.draft.toPlainText()))

    @Slot(object)
    def use_canned(self, response: CannedResponse) -> None:
        transcript = self._conversation.transcript()
        self._perform(self.session.use_canned(response, transcript, self._conversation_text()))

    @Slot(object)
    def copy_canned(self, response: CannedResponse) -> None:
        self._perform(self.session.copy_canned(response, self._conversation_text()))

    @Slot(object)
    def apply_settings(self, settings: Settings) -> None:
        self._perform(self.session.apply_settings(settings))

    def placeholder_values(self) -> dict[str, str]:
        return self.session.placeholder_values(self._conversation_text())

    def _conversation_text(self) -> str:
        return self._conversation.editor.toPlainText()

    # --- what the model does ----------------------------------------------------------------
    @Slot(object)
    def _on_assist_state_changed(self, state: EngineState) -> None:
        loaded = self._assist.model_info is not None
        self._perform(self.session.engine_changed(state, loaded))

    @Slot(object)
    def _on_assist_model_ready(self, info: ModelInfo) -> None:
        self._perform(self.session.model_ready(info))
        self._on_assist_state_changed(self._assist.state)

    @Slot(str)
    def _on_assist_model_failed(self, message: str) -> None:
        self._on_assist_state_changed(self._assist.state)
        self._perform(self.session.model_failed(message))

    @Slot(object)
    def _on_assist_grounded(self, grounding: tuple[CannedResponse, ...]) -> None:
        self._perform(self.session.grounded(grounding))

    @Slot(str)
    def _on_assist_token_received(self, text: str) -> None:
        self._perform(self.session.token(text))

    @Slot(object)
    def _on_assist_finished(self, result: SuggestionResult) -> None:
        self._perform(self.session.finished(result))

    @Slot(str)
    def _on_assist_failed(self, message: str) -> None:
        self._perform(self.session.failed(message))

    # --- showing what the session decided ---------------------------------------------------
    def _perform(self, effects: Effects) -> None:
        for effect in effects:
            match effect:
                case Notify(text):
                    self.message.emit(text)
                case ShowProblem(text):
                    self._suggestion.show_error(text)
                case ClearDraft():
                    self._suggestion.begin_draft()
                case AppendText(text):
                    self._suggestion.append_text(text)
                case ShowSources(grounding):
                    self._suggestion.show_sources(grounding)
                case Ask(request_id, transcript, pinned):
                    self.started.emit()
                    self._assist.ask(request_id, transcript, pinned)
                case Cancel():
                    self._assist.cancel()
                case CopyText(text):
                    QGuiApplication.clipboard().setText(text)
                case FocusConversation():
                    self._conversation.editor.setFocus()
                case SaveSettings(settings):
                    self._save_settings(settings)
                case LoadModel(settings):
                    self._assist.load_model(settings)
                case UseSettings(settings):
                    self._assist.apply_settings(settings)
                case SetControls(can_generate, can_stop):
                    self._suggestion.set_controls(can_generate, can_stop)
                    self._stop_action.setEnabled(can_stop)
