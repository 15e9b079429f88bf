"""DraftController: the Qt side of the draft lifecycle; the decisions are DraftSession's."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QGuiApplication

from desktop.drafting.effects import (
    AppendText,
    Ask,
    AskRewrite,
    BeginRewrite,
    Cancel,
    ClearDraft,
    CopyText,
    CountUse,
    Effects,
    FillThenCopy,
    FinishRewrite,
    FocusConversation,
    LoadModel,
    Notify,
    RecordFeedback,
    RewriteText,
    SaveSettings,
    SetControls,
    ShowAlternatives,
    ShowDraft,
    ShowProblem,
    ShowReadyReply,
    ShowSources,
    UseSettings,
)
from desktop.drafting.events import DraftEvent
from desktop.drafting.rewrite import Action
from desktop.drafting.session import DraftSession, EngineState
from desktop.drafting.understand import Understanding
from desktop.drafting.versions import Draft
from desktop.engine.types import ModelInfo
from desktop.reading import Reading
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.transcript import Transcript
from desktop.ui.generation_queue import TabAssist
from desktop.ui.placeholder_filler import PlaceholderFiller
from desktop.ui.tab_search import TabSearch
from desktop.ui.widgets.conversation_pane import ConversationPane
from desktop.ui.widgets.suggestion_panel import SuggestionPanel


class DraftController(QObject):
    """Feeds the session what the agent, the ranking and the model do; shows what it decides.

    Signals:
        message(str): something to show in the status bar.
        started(): a model draft was requested (the speed indicator starts over).
    """

    message = Signal(str)
    started = Signal()

    def __init__(
        self,
        session: DraftSession,
        assist: TabAssist,
        search: TabSearch,
        conversation: ConversationPane,
        suggestion: SuggestionPanel,
        stop_action: QAction,
        save_settings: Callable[[Settings], None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self._assist = assist
        self._search = search
        self._conversation = conversation
        self._suggestion = suggestion
        self._stop_action = stop_action
        self._save_settings = save_settings
        self._rewritten_from = ""  # the text a running rewrite replaces
        self._drafted_style: tuple[str, str] | None = None  # tone, length of the tab's draft
        # The ready reply's fill-in form copies instead of inserting.
        self.ready_filler = PlaceholderFiller(
            suggestion, self.placeholder_values, self._copy_filled
        )
        self.ready_filler.message.connect(self.message)
        suggestion.set_style(session.settings.tone, session.settings.draft_length)
        assist.state_changed.connect(self._on_assist_state_changed)
        assist.model_ready.connect(self._on_assist_model_ready)
        assist.model_failed.connect(self._on_assist_model_failed)
        assist.switch_failed.connect(self._on_assist_switch_failed)
        assist.news.connect(self._on_assist_news)
        search.ranked.connect(self._on_search_ranked)
        suggestion.ready.copy_button.clicked.connect(self.copy_ready)
        suggestion.removed.restore_requested.connect(self.restore)
        suggestion.flip_requested.connect(self.flip)
        suggestion.tone_changed.connect(self.set_tone)
        suggestion.length_changed.connect(self.set_length)
        suggestion.rewrite_requested.connect(self.rewrite)
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
        self._perform(self.session.copy(self._draft_text()))

    @Slot()
    def copy_ready(self) -> None:
        self._perform(self.session.copy_ready())

    @Slot(int)
    def restore(self, index: int) -> None:
        self._perform(self.session.restore(index, self._draft_text()))

    @Slot(int)
    def flip(self, step: int) -> None:
        self._perform(self.session.flip(step, self._draft_text()))

    @Slot()
    def show_previous(self) -> None:
        self.flip(-1)

    @Slot()
    def show_next(self) -> None:
        self.flip(1)

    @Slot(str)
    def set_tone(self, tone: str) -> None:
        self._perform(self.session.set_style(self._conversation.transcript(), tone=tone))

    @Slot(str)
    def set_length(self, length: str) -> None:
        self._perform(self.session.set_style(self._conversation.transcript(), length=length))

    @Slot(object)
    def rewrite(self, action: Action) -> None:
        editor = self._suggestion.draft
        self._perform(
            self.session.rewrite(
                action, editor.selected_text(), self._draft_text(), self._conversation.transcript()
            )
        )

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
        self._suggestion.set_style(settings.tone, settings.draft_length)

    def adopt_settings(self, settings: Settings) -> None:
        """Settings another tab saved: used from now on, without reloading anything.

        A tab showing a draft keeps showing the tone and length that draft was written with:
        its selectors describe its own draft, not another tab's choice. Its next draft uses
        the new ones, and shows them.
        """
        self.session.settings = settings
        if self._drafted_style is None:
            self._suggestion.set_style(settings.tone, settings.draft_length)

    def resume(self, draft: Draft | None, editor_text: str) -> None:
        """A reopened tab's draft, with its alternatives (see DraftSession.resume)."""
        self._perform(self.session.resume(draft, editor_text))

    def placeholder_values(self) -> dict[str, str]:
        return self.session.placeholder_values(self._conversation_text())

    def _conversation_text(self) -> str:
        return self._conversation.editor.toPlainText()

    def _draft_text(self) -> str:
        return self._suggestion.draft.toPlainText()

    def _copy_filled(self, text: str, _caret: int | None = None) -> None:
        self._perform(self.session.ready_copied(text))

    # --- what the ranking and the model do ----------------------------------------------------
    @Slot(object, object, object)
    def _on_search_ranked(
        self,
        transcript: Transcript,
        understood: Understanding | None,
        _reading: Reading | None,
    ) -> None:
        self._perform(self.session.understood(transcript, understood, self._conversation_text()))

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

    @Slot(str, object)
    def _on_assist_switch_failed(self, message: str, kept: Settings) -> None:
        self._perform(self.session.model_switch_failed(message, kept))

    @Slot(object)
    def _on_assist_news(self, event: DraftEvent) -> None:
        self._perform(self.session.on_event(event))

    # --- showing what the session decided ---------------------------------------------------
    def _perform(self, effects: Effects) -> None:
        panel = self._suggestion
        for effect in effects:
            match effect:
                case Notify(text):
                    self.message.emit(text)
                case ShowProblem(text):
                    panel.show_error(text)
                case ClearDraft():
                    panel.begin_draft()
                case AppendText(text):
                    panel.append_text(text)
                case ShowDraft(text, marks, removed, undoable):
                    panel.show_draft(text, marks, removed, undoable)
                case ShowAlternatives(index, count):
                    panel.show_alternatives(index, count)
                case ShowReadyReply(reply):
                    panel.ready.show_reply(reply)
                case ShowSources(grounding):
                    panel.show_sources(grounding)
                case Ask(transcript, pinned, understood):
                    settings = self.session.settings
                    self._drafted_style = (settings.tone, settings.draft_length)
                    panel.set_style(*self._drafted_style)
                    self.started.emit()
                    self._assist.ask(transcript, pinned, settings, understood)
                case BeginRewrite():
                    self._rewritten_from = panel.draft.selected_text() or self._draft_text()
                    panel.draft.begin_rewrite()
                case AskRewrite(action, text, sources):
                    self.started.emit()
                    self._assist.rewrite(action, text, sources)
                case RewriteText(text):
                    panel.draft.rewrite_text(text)
                case FinishRewrite(text, marks):
                    replaced = panel.draft.rewriting and text != self._rewritten_from
                    panel.draft.finish_rewrite(text, marks)
                    if replaced:
                        panel.removed.show_removed(())  # they belonged to the text now gone
                case Cancel():
                    self._assist.cancel()
                case CopyText(text):
                    QGuiApplication.clipboard().setText(text)
                case FillThenCopy(response):
                    self.ready_filler.insert(response)
                case CountUse(response):
                    self._search.record_use(response)
                case RecordFeedback(event):
                    self._search.record_feedback(event)
                case FocusConversation():
                    self._conversation.editor.setFocus()
                case SaveSettings(settings):
                    self._save_settings(settings)
                case LoadModel(settings):
                    self._assist.load_model(settings)
                case UseSettings(settings):
                    self._assist.apply_settings(settings)
                case SetControls(can_generate, can_stop):
                    panel.set_controls(can_generate, can_stop)
                    self._stop_action.setEnabled(can_stop)
