"""A small form asking for placeholder values that could not be filled automatically."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget


def _label(name: str) -> str:
    """`input.order_note` -> `Order note`, `customer.first_name` -> `Customer first name`."""
    words = name.removeprefix("input.").replace(".", " ").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


class FillInForm(QDialog):
    """Opened with `open()` (window-modal, never blocks the event loop).

    Signals:
        filled(object): dict of placeholder name -> typed value (empty ones left out).
    """

    filled = Signal(object)

    def __init__(self, names: Sequence[str], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Fill in placeholders")
        self.fields: dict[str, QLineEdit] = {}
        layout = QFormLayout(self)
        layout.addRow(QLabel(f"“{title}” needs a few values:", self))
        for name in names:
            field = QLineEdit(self)
            field.setPlaceholderText("{{" + name + "}}")
            self.fields[name] = field
            layout.addRow(_label(name), field)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Insert as is")
        layout.addRow(buttons)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(self._on_accepted)
        self.rejected.connect(self._on_rejected)

    @Slot()
    def _on_accepted(self) -> None:
        self.filled.emit({name: f.text() for name, f in self.fields.items() if f.text().strip()})

    @Slot()
    def _on_rejected(self) -> None:
        self.filled.emit({})
