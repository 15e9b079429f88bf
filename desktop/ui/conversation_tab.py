"""One conversation tab: its own conversation, draft, alternatives, ready reply and chips.

A tab is the single-conversation window of before, minus what all tabs share (the model, the
canned list, the status bar): a ConversationPane for the left stack, a page holding the
SuggestionPanel for the right stack, and the controllers that drive them, each talking to
the tab's own TabAssist (its turn on the model) and TabSearch (its rankings).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from desktop.drafting.session import DraftSession
from desktop.settings import Settings
from desktop.ui.assist import AssistController
from desktop.ui.canned_search import CannedSearch
from desktop.ui.draft_controller import DraftController
from desktop.ui.generation_queue import TabAssist
from desktop.ui.reading_controller import ReadingController
from desktop.ui.tab_search import TabSearch
from desktop.ui.widgets.canned_panel import CannedPanel
from desktop.ui.widgets.conversation_pane import ConversationPane
from desktop.ui.widgets.suggestion_panel import SuggestionPanel

NEW_TITLE = "New conversation"
TITLE_CHARS = 26


class ConversationTab(QObject):
    """The widgets and controllers of one conversation."""

    def __init__(
        self,
        key: int,
        tab_assist: TabAssist,
        assist: AssistController,
        search: CannedSearch,
        canned: CannedPanel,
        settings: Settings,
        save_settings: Callable[[Settings], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self.key = key
        self.history_row: int | None = None  # the history's row for this conversation
        self.assist = tab_assist
        self.search = TabSearch(search, self)
        self.conversation = ConversationPane(parent)
        self.page = QWidget(parent)
        self.queue_note = QLabel("", self.page)
        self.queue_note.setObjectName("queueNote")
        self.queue_note.setTextFormat(Qt.TextFormat.PlainText)
        self.queue_note.setWordWrap(True)
        self.queue_note.hide()
        self.suggestion = SuggestionPanel(self.page)
        layout = QVBoxLayout(self.page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.queue_note)
        layout.addWidget(self.suggestion, 1)
        self.stop_action = QAction("&Stop", self)  # enabled by the draft controller
        self.drafts = DraftController(
            DraftSession(settings),
            tab_assist,
            self.search,
            self.conversation,
            self.suggestion,
            self.stop_action,
            save_settings,
            self,
        )
        self.reading = ReadingController(
            self.search, assist, self.suggestion.chips, self.suggestion.ready, canned, self
        )
        self.suggestion.generate_button.clicked.connect(self.drafts.generate)
        self.suggestion.stop_button.clicked.connect(self.drafts.stop)
        self.suggestion.regenerate_button.clicked.connect(self.drafts.regenerate)
        self.suggestion.copy_button.clicked.connect(self.drafts.copy_draft)
        tab_assist.queued.connect(self._on_assist_queued)

    def title(self) -> str:
        """The first words of the customer's first message, else "New conversation"."""
        turns = self.conversation.transcript().customer_turns()
        first = " ".join(turns[0].text.split()) if turns else ""
        if not first:
            first = " ".join(self.conversation.editor.toPlainText().split())
        if not first:
            return NEW_TITLE
        return first if len(first) <= TITLE_CHARS else first[: TITLE_CHARS - 1].rstrip() + "…"

    def is_blank(self) -> bool:
        return (
            not self.conversation.editor.toPlainText().strip()
            and not self.suggestion.draft.toPlainText().strip()
        )

    def _on_assist_queued(self, position: int) -> None:
        if position > 0:
            ahead = "1 draft" if position == 1 else f"{position} drafts"
            self.queue_note.setText(
                f"Waiting for the model: {ahead} ahead in other tabs. "
                "This draft starts by itself; Esc takes it out of the line."
            )
        self.queue_note.setVisible(position > 0)

    def close(self) -> None:
        """Leave the model's line and drop the widgets (the history keeps the conversation)."""
        self.assist.close()
        self.conversation.deleteLater()
        self.page.deleteLater()
        self.deleteLater()
