"""RestoreBar: offers back the unsaved edit an unclean exit left, until the agent answers."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from desktop.autosave.library_edit import EditSnapshot


class RestoreBar(QFrame):
    """A strip above the form: what was kept, and Restore / Discard.

    Signals:
        restore_requested(object): the agent wants the EditSnapshot back in the form.
        discard_requested(): the agent drops it.
    """

    restore_requested = Signal(object)
    discard_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("managerRestoreBar")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._snapshot: EditSnapshot | None = None
        self.label = QLabel(self)
        self.label.setWordWrap(True)
        self.restore_button = QPushButton("&Restore", self)
        self.discard_button = QPushButton("Discar&d", self)
        layout = QHBoxLayout(self)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.restore_button)
        layout.addWidget(self.discard_button)
        self.restore_button.clicked.connect(self._on_restore_clicked)
        self.discard_button.clicked.connect(self._on_discard_clicked)
        self.hide()

    def offer(self, snapshot: EditSnapshot) -> None:
        self._snapshot = snapshot
        self.label.setText(
            f"Unsaved edits to “{snapshot.label}” were kept when the app last closed "
            "unexpectedly. Restore them into the form, or discard them?"
        )
        self.show()

    def _on_restore_clicked(self) -> None:
        snapshot, self._snapshot = self._snapshot, None
        self.hide()
        if snapshot is not None:
            self.restore_requested.emit(snapshot)

    def _on_discard_clicked(self) -> None:
        self._snapshot = None
        self.hide()
        self.discard_requested.emit()
