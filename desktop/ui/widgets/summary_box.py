"""Reply > Summarize for handover: the notes in a box with Copy, filled in when they arrive."""

from __future__ import annotations

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from desktop.drafting.summary import Summary


class SummaryBox(QMessageBox):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(
            QMessageBox.Icon.Information, "Handover summary", "Summarizing…", parent=parent
        )
        self.copy_button = self.addButton("Copy", QMessageBox.ButtonRole.ActionRole)
        self.copy_button.setEnabled(False)
        self.addButton(QMessageBox.StandardButton.Close)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button.clicked.disconnect()  # an ActionRole button would close the box
        self.copy_button.clicked.connect(self._copy)

    @Slot(object)
    def show_summary(self, summary: Summary) -> None:
        self.setText(summary.text)
        self.copy_button.setEnabled(True)

    @Slot(str)
    def show_error(self, message: str) -> None:
        self.setText(message)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
