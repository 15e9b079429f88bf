"""Sentences the checks took out of the draft: struck through, each with a Restore button."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop.drafting.effects import (
    RemovedSentence,
)


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
        self.header = QLabel(
            "Taken out: not stated in the conversation or your canned responses", self
        )
        self.header.setWordWrap(True)
        self.header.setObjectName("paneHint")
        self._rows = QVBoxLayout()
        self._rows.setSpacing(2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.header)
        layout.addLayout(self._rows)
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
            label = QLabel(sentence.text, self)
            label.setObjectName("removedSentence")
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setWordWrap(True)
            font = label.font()
            font.setStrikeOut(True)
            label.setFont(font)
            label.setToolTip(sentence.reason)
            button = QPushButton("Restore", self)
            button.setObjectName("small")
            button.setToolTip("Put it back in the draft, underlined (Ctrl+Z takes it out again)")
            button.setAccessibleName(f"Restore: {sentence.text}")
            button.clicked.connect(partial(self._restore, sentence.index))
            row = QHBoxLayout()
            row.addWidget(label, 1)
            row.addWidget(button, 0, Qt.AlignmentFlag.AlignTop)
            self._rows.addLayout(row)
            self.labels.append(label)
            self.buttons.append(button)
        self.setVisible(bool(removed))
        self.rows_changed.emit()

    def _restore(self, index: int, *_checked: object) -> None:
        self.restore_requested.emit(index)
