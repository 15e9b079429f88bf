"""One tab's view of the shared CannedSearch: only the rankings of its own conversation."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from desktop.drafting.understand import Understanding
from desktop.reading import Reading
from desktop.store.canned import CannedResponse
from desktop.store.feedback import FeedbackEvent
from desktop.transcript import Transcript
from desktop.ui.canned_search import CannedSearch


class TabSearch(QObject):
    """One tab's view of the shared CannedSearch: only its own rankings reach it.

    Signals:
        ranked(object, object, object): as CannedSearch.ranked, for this tab's conversation.
    """

    ranked = Signal(object, object, object)

    def __init__(self, search: CannedSearch, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._search = search

    @property
    def intent(self) -> str:
        return self._search.intent

    def set_intent(self, intent: str) -> None:
        self._search.set_intent(intent)

    def record_use(self, response: CannedResponse) -> None:
        self._search.record_use(response)

    def record_feedback(self, event: FeedbackEvent) -> None:
        self._search.record_feedback(event)

    def deliver(
        self,
        transcript: Transcript,
        understood: Understanding | None,
        reading: Reading | None,
    ) -> None:
        self.ranked.emit(transcript, understood, reading)
