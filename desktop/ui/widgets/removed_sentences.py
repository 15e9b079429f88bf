"""Sentences the checks took out of the draft: struck through, each with a Restore button."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from desktop.drafting.effects import (
    RemovedSentence,
)
from desktop.ui.widgets.elided_label import ElidedLabel

SHOWN_ROWS = 2  # sentences in sight at once; more scroll


class RemovedSentences(QWidget):
    """Hidden while nothing was removed.

    Signals:
        restore_requested(int): put the sentence with this check index back in the draft.
        rows_changed(): the rows (and their Restore buttons) were replaced.
    """

    restore_requested = Signal(int)
    rows_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.header = ElidedLabel(
            "Taken out: not stated in the conversation or your canned responses", self
        )
        self.header.setObjectName("paneHint")
        # One line a sentence, at most SHOWN_ROWS in sight (the rest scroll): the list must
        # not push the draft or Copy out of a small window.
        self._body = QWidget(self)
        self._rows = QVBoxLayout(self._body)
        self._rows.setContentsMargins(0, 0, 0, 0)
        self._rows.setSpacing(2)
        self._scroll = QScrollArea(self)
        self._scroll.setWidget(self._body)
        self._scroll.setWidgetResizable(True)
        self._scroll.setFrameShape(QFrame.Shape.NoFrame)
        self._scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab stops on what it holds, not on it
        self._scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addWidget(self._scroll)
        self.labels: list[QLabel] = []
        self.buttons: list[QPushButton] = []
        self.hide()

    def show_removed(self, removed: Sequence[RemovedSentence]) -> None:
        while (item := self._rows.takeAt(0)) is not None:
            row = item.layout()
            while row is not None and (child := row.takeAt(0)) is not None:
                if (widget := child.widget()) is not None:
                    widget.deleteLater()
        self.labels, self.buttons = [], []
        for sentence in removed:
            label = ElidedLabel(sentence.text, self._body)
            label.setObjectName("removedSentence")
            font = label.font()
            font.setStrikeOut(True)
            label.setFont(font)
            label.setToolTip(f"{sentence.text}\n{sentence.reason}")
            button = QPushButton("Restore", self._body)
            button.setObjectName("small")
            button.setToolTip("Put it back in the draft, underlined (Ctrl+Z takes it out again)")
            button.setAccessibleName(f"Restore: {sentence.text}")
            button.clicked.connect(partial(self._restore, sentence.index))
            row = QHBoxLayout()
            row.addWidget(label, 1)
            row.addWidget(button, 0)
            self._rows.addLayout(row)
            self.labels.append(label)
            self.buttons.append(button)
        if self.buttons:
            row_height = self.buttons[0].sizeHint().height() + self._rows.spacing()
            self._scroll.setFixedHeight(row_height * min(len(self.buttons), SHOWN_ROWS))
        self.setVisible(bool(removed))
        self.rows_changed.emit()

    def _restore(self, index: int, *_checked: object) -> None:
        self.restore_requested.emit(index)
