"""The conversation read at a glance: language, mood, urgency and intents, as compact chips."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.reading import Reading
from desktop.reading.cues import URGENCY_KINDS
from desktop.reading.language import NAMES
from desktop.ui.widgets.flow_layout import FlowLayout

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
    """Display only: the chips on one line (a "more" toggle shows the rest) and a language note.

    Intent chips are buttons: a click asks for the canned list filtered to that intent, a
    second click (or another chip) lifts or moves the filter. Folded, the row takes one line
    whatever the pane's width, and never asks for more width than one chip: the panes keep
    their width from tab to tab.

    Signals:
        intent_clicked(str): the intent whose chip was clicked ("" when its filter was lifted).
    """

    intent_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readingChips")
        self.setAccessibleName("Conversation at a glance")
        # The chips live in a scroll area: unfolded on a short window they scroll rather
        # than push the ready reply out of sight (they give way last, but they do).
        self._content = QWidget(self)
        self._area = QScrollArea(self)
        self._area.setFrameShape(QFrame.Shape.NoFrame)
        self._area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stops on what it holds, not on it
        self._area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._area.setWidgetResizable(True)
        self.language = self._chip("language")
        self.mood = self._chip("mood")
        self.urgency = self._chip("urgency")
        self.no_match = self._chip("noMatch")
        self.no_match.setText("No matching canned response")
        self.no_match.setToolTip(
            "No intent in your library fits this conversation well enough: the closest "
            "response is only a lead, and drafts are written without a canned answer."
        )
        self.more = QToolButton(self._content)
        self.more.setObjectName("moreChips")
        self.more.setCheckable(True)
        self.more.setAutoRaise(True)
        self.more.setAccessibleName("More chips")
        self.more.toggled.connect(self._on_more_toggled)
        self.intents: list[QPushButton] = []
        self._wanted: dict[QWidget, bool] = {}
        self._row = FlowLayout(self._content, spacing=6)
        for chip in (self.language, self.mood, self.urgency, self.no_match, self.more):
            self._row.addWidget(chip)
        self._area.setWidget(self._content)
        self.note = QLabel("", self)
        self.note.setObjectName("languageNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 2)
        layout.setSpacing(4)
        layout.addWidget(self._area)
        layout.addWidget(self.note)
        self._filtered = ""
        self.show_reading(None)

    def _chip(self, kind: str) -> QLabel:
        chip = QLabel(self._content)
        chip.setObjectName("chip")
        chip.setProperty("kind", kind)
        chip.setTextFormat(Qt.TextFormat.PlainText)
        return chip

    @property
    def expanded(self) -> bool:
        return self.more.isChecked()

    def chips(self) -> list[QWidget]:
        """Every chip that has something to say, folded away or not, in order."""
        return [w for w in self._ordered() if self._wanted.get(w, False)]

    def focus_widgets(self) -> list[QWidget]:
        """What Tab stops on here, in order: the intent chips, then the toggle."""
        return [*self.intents, self.more]

    def show_reading(self, reading: Reading | None) -> None:
        """Chips for `reading`; None (no conversation) hides the whole row."""
        self._clear_intents()
        if reading is None:
            self.hide()
            return
        self.language.setText(language_label(reading.language))
        self._wanted[self.language] = bool(reading.language)
        self.language.setToolTip("The customer's language, detected from their messages")
        self.mood.setText(mood_label(reading))
        self._wanted[self.mood] = True
        if self.mood.property("sentiment") != reading.sentiment:
            # unpolish + polish restyles the chip (seen in an event-loop stall profile): on change
            self.mood.setProperty("sentiment", reading.sentiment)
            self._repolish(self.mood)
        mood_cues = cue_lines(reading, (reading.emotion,)) if reading.emotion else []
        self.mood.setToolTip("\n".join(["The customer's mood", *mood_cues]))
        urgency = URGENCY_LABELS.get(reading.urgency, "")
        self.urgency.setText(urgency)
        self._wanted[self.urgency] = bool(urgency)
        self.urgency.setToolTip("\n".join(cue_lines(reading, (*URGENCY_KINDS, "shouting"))))
        self._wanted[self.no_match] = reading.abstain
        before = self.more
        for guess in () if reading.abstain else reading.intents:
            label = f"{guess.intent} {guess.confidence:.0%}"
            chip = QPushButton(label, self._content)
            chip.setObjectName("intentChip")
            chip.setCheckable(True)
            chip.setChecked(guess.intent == self._filtered)
            chip.setCursor(Qt.CursorShape.PointingHandCursor)
            chip.setAccessibleName(f"Intent {label}")
            chip.setToolTip(
                f"Likely intent: {guess.intent} ({guess.confidence:.0%} sure). "
                "Click to list only its canned responses."
            )
            chip.setProperty("intent", guess.intent)
            chip.clicked.connect(partial(self._on_intent_clicked, guess.intent))
            self._row.insertWidget(self._row.indexOf(before), chip)
            # Tab reaches it where it is seen: before the toggle.
            if (previous := self.more.previousInFocusChain()) is not None:
                QWidget.setTabOrder(previous, chip)
            QWidget.setTabOrder(chip, self.more)
            self._wanted[chip] = True
            self.intents.append(chip)
        self.show()
        self._fit()

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def set_filtered(self, intent: str) -> None:
        """Mark the chip of the intent the canned list is filtered to ("" for none)."""
        self._filtered = intent
        for chip in self.intents:
            chip.setChecked(chip.property("intent") == intent)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self._fit()

    def _ordered(self) -> list[QWidget]:
        return [self.language, self.mood, self.urgency, self.no_match, *self.intents]

    def _fit(self) -> None:
        """Folded: the chips that fit on one line, and "+N more"; unfolded: all of them."""
        wanted = self.chips()
        if self.expanded:
            shown = wanted
        else:
            room = self.width() - self._row.contentsMargins().left()
            spacing = 6
            needed = sum(w.sizeHint().width() + spacing for w in wanted) - spacing
            if needed <= room:
                shown = wanted
            else:
                self.more.setText(f"+{len(wanted)} more")  # the widest it will read
                room -= self.more.sizeHint().width() + spacing
                shown, used = [], 0
                for widget in wanted:
                    used += widget.sizeHint().width() + (spacing if shown else 0)
                    if used > room:
                        break
                    shown.append(widget)
        for widget in self._ordered():
            widget.setVisible(widget in shown)
        folded = len(wanted) - len(shown)
        self.more.setText("Less" if self.expanded else f"+{folded} more")
        self.more.setToolTip("Show the chips on one line" if self.expanded else "Show every chip")
        self.more.setAccessibleName("Fewer chips" if self.expanded else f"{folded} more chips")
        self.more.setVisible(self.expanded or folded > 0)
        self._fit_height()

    def _fit_height(self) -> None:
        """Folded: one line. Unfolded: every line when there is room, two (scrolling) when not."""
        width = self.width()
        if width <= 0:
            return
        if self.expanded:
            width -= self._area.verticalScrollBar().sizeHint().width()  # it may show
        need = max(self._row.heightForWidth(width), 0)
        self._content.setMinimumHeight(need)
        line = max(
            (w.sizeHint().height() for w in self._ordered() if w.isVisibleTo(self)), default=0
        )
        self._area.setMaximumHeight(need)
        self._area.setMinimumHeight(min(need, 2 * line + 6) if self.expanded else need)

    def _on_more_toggled(self, _checked: bool) -> None:
        self._fit()

    def _on_intent_clicked(self, intent: str, _checked: bool = False) -> None:
        chosen = "" if intent == self._filtered else intent
        self.set_filtered(chosen)
        self.intent_clicked.emit(chosen)

    def _clear_intents(self) -> None:
        for chip in self.intents:
            self._row.removeWidget(chip)
            self._wanted.pop(chip, None)
            chip.deleteLater()
        self.intents = []

    @staticmethod
    def _repolish(widget: QWidget) -> None:
        widget.style().unpolish(widget)
        widget.style().polish(widget)
