"""The conversation read at a glance: language, mood, urgency and intents, as compact chips."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.reading import Reading
from desktop.reading.cues import URGENCY_KINDS
from desktop.reading.language import NAMES

URGENCY_LABELS = {"high": "Urgent", "medium": "Time-sensitive"}  # low: no chip
CUE_NAMES = {
    "urgent": "says it is urgent",
    "deadline": "a deadline",
    "repeat": "contacted before",
    "threat": "threatens to cancel or escalate",
    "shouting": "shouting",
}


def language_label(code: str) -> str:
    """The chip text, e.g. "ES Spanish"; an unknown code shows as itself."""
    return f"{code.upper()} {NAMES.get(code, '')}".strip()


def mood_label(reading: Reading) -> str:
    mood = reading.sentiment.capitalize()
    return f"{mood} · {reading.emotion}" if reading.emotion else mood


def cue_lines(reading: Reading, kinds: Sequence[str]) -> list[str]:
    """The words behind a label, one line per kind: what the tooltip shows."""
    lines = []
    for kind, words in reading.cues:
        if kind in kinds:
            lines.append(f"“{words}” ({CUE_NAMES.get(kind, kind)})")
    return lines


class ReadingChips(QWidget):
    """Display only: a row of chips and, below it, a note on the reply language.

    Intent chips are buttons: a click asks for the canned list filtered to that intent, a
    second click (or another chip) lifts or moves the filter.

    Signals:
        intent_clicked(str): the intent whose chip was clicked ("" when its filter was lifted).
    """

    intent_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingChips")
        self.language = self._chip("language")
        self.mood = self._chip("mood")
        self.urgency = self._chip("urgency")
        self.no_match = self._chip("noMatch")
        self.no_match.setText("No matching canned response")
        self.no_match.setToolTip(
            "No intent in your library fits this conversation well enough: the closest "
            "response is only a lead, and drafts are written without a canned answer."
        )
        self.intents: list[QPushButton] = []
        self._row = QHBoxLayout()
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setSpacing(6)
        for chip in (self.language, self.mood, self.urgency, self.no_match):
            self._row.addWidget(chip)
        self._row.addStretch(1)
        self.note = QLabel("", self)
        self.note.setObjectName("languageNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 2)
        layout.setSpacing(4)
        layout.addLayout(self._row)
        layout.addWidget(self.note)
        self._filtered = ""
        self.show_reading(None)

    def _chip(self, kind: str) -> QLabel:
        chip = QLabel(self)
        chip.setObjectName("chip")
        chip.setProperty("kind", kind)
        chip.setTextFormat(Qt.TextFormat.PlainText)
        return chip

    def show_reading(self, reading: Reading | None) -> None:
        """Chips for `reading`; None (no conversation) hides the whole row."""
        self._clear_intents()
        if reading is None:
            self.hide()
            return
        self.language.setText(language_label(reading.language))
        self.language.setVisible(bool(reading.language))
        self.language.setToolTip("The customer's language, detected from their messages")
        self.mood.setText(mood_label(reading))
        if self.mood.property("sentiment") != reading.sentiment:
            # unpolish + polish restyles the chip (seen in an event-loop stall profile): on change
            self.mood.setProperty("sentiment", reading.sentiment)
            self._repolish(self.mood)
        mood_cues = cue_lines(reading, (reading.emotion,)) if reading.emotion else []
        self.mood.setToolTip("\n".join(["The customer's mood", *mood_cues]))
        urgency = URGENCY_LABELS.get(reading.urgency, "")
        self.urgency.setText(urgency)
        self.urgency.setVisible(bool(urgency))
        self.urgency.setToolTip("\n".join(cue_lines(reading, (*URGENCY_KINDS, "shouting"))))
        self.no_match.setVisible(reading.abstain)
        position = self._row.indexOf(self.no_match) + 1
        for n, guess in enumerate(() if reading.abstain else reading.intents):
            chip = QPushButton(f"{guess.intent} {guess.confidence:.0%}", self)
            chip.setObjectName("intentChip")
            chip.setCheckable(True)
            chip.setChecked(guess.intent == self._filtered)
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.setToolTip(
                f"Likely intent: {guess.intent} ({guess.confidence:.0%} sure). "
                "Click to list only its canned responses."
            )
            chip.setProperty("intent", guess.intent)
            chip.clicked.connect(partial(self._on_intent_clicked, guess.intent))
            self._row.insertWidget(position + n, chip)
            self.intents.append(chip)
        self.show()

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def set_filtered(self, intent: str) -> None:
        """Mark the chip of the intent the canned list is filtered to ("" for none)."""
        self._filtered = intent
        for chip in self.intents:
            chip.setChecked(chip.property("intent") == intent)

    def _on_intent_clicked(self, intent: str, _checked: bool = False) -> None:
        chosen = "" if intent == self._filtered else intent
        self.set_filtered(chosen)
        self.intent_clicked.emit(chosen)

    def _clear_intents(self) -> None:
        for chip in self.intents:
            self._row.removeWidget(chip)
            chip.deleteLater()
        self.intents = []

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
