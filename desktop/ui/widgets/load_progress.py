"""The status bar's model-load indicator: what is loading, how far, and a Cancel button."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QToolButton, QWidget

STEPS = 1000


class LoadProgress(QWidget):
    """Hidden unless a model loads. Display only: Cancel is wired to the AssistController.

    Signals:
        cancel_requested(): the agent pressed Cancel.
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("", self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, STEPS)
        self.bar.setFixedWidth(160)
        self.bar.setTextVisible(False)
        self.cancel_button = QToolButton(self)
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop loading; the current model stays in use")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.hide()

    @Slot(str)
    def begin(self, name: str) -> None:
        self.label.setText(f"Loading {name}…")
        self.bar.setRange(0, 0)  # busy until llama.cpp reports (a server reports nothing)
        self.cancel_button.setEnabled(True)
        self.show()

    @Slot(float)
    def advance(self, fraction: float) -> None:
        self.bar.setRange(0, STEPS)
        self.bar.setValue(round(fraction * STEPS))

    @Slot()
    def end(self) -> None:
        self.hide()
