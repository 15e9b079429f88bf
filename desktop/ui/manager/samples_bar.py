"""SamplesBar: after the first import into a library of untouched samples, offers to remove them."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget


class SamplesBar(QFrame):
    """A strip above the form: "Remove the 49 sample responses?", Remove / Keep.

    It asks after the import rather than before it: the import is not held up by a dialog,
    and the removal is one undoable delete (Ctrl+Z brings the samples back).

    Signals:
        remove_requested(): the agent wants the untouched samples removed.
    """

    remove_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerSamplesBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.remove_button = QPushButton("&Remove samples", self)
        self.keep_button = QPushButton("&Keep them", self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.remove_button)
        layout.addWidget(self.keep_button)
        self.remove_button.clicked.connect(self._on_remove_clicked)
        self.keep_button.clicked.connect(self.hide)
        self.hide()

    def offer(self, samples: int) -> None:
        self.label.setText(
            f"Before this import the library held only the {samples} sample responses that "
            f"come with Agent Assist. Remove the {samples} sample responses? (Samples you "
            "edited are kept; Ctrl+Z brings them back.)"
        )
        self.show()

    def _on_remove_clicked(self) -> None:
        self.hide()
        self.remove_requested.emit()
