"""Ctrl+K palette: type a short code, title, tag or body words; pick with the keyboard."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from PySide6.QtCore import QEvent, QKeyCombination, QObject, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.store.canned import CannedResponse


class CommandPalette(QDialog):
    """A keyboard-first picker; the window feeds it results for `query_changed`.

    Signals:
        query_changed(str): the typed text.
        chosen(object): the CannedResponse picked with Enter (insert into the draft).
    """

    query_changed = Signal(str)
    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Insert canned response")
        self.setModal(False)
        self.resize(560, 360)
        self.input = QLineEdit(self)
        self.input.setPlaceholderText(
            "Short code, title, tag or words… (Enter inserts, Esc closes)"
        )
        self.list = QListWidget(self)
        self.hint = QLabel("", self)
        self.hint.setObjectName("paneHint")
        layout = QVBoxLayout(self)
        layout.addWidget(self.input)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.hint)
        self.input.textChanged.connect(self.query_changed)
        self.input.installEventFilter(self)
        self.list.itemActivated.connect(self._on_list_item_activated)

    def open_palette(self) -> None:
        self.input.clear()
        self.query_changed.emit("")
        self.show()
        self.raise_()
        self.activateWindow()
        self.input.setFocus()

    def show_results(self, _mode: str, responses: Sequence[CannedResponse]) -> None:
        self.list.clear()
        for response in responses:
            code = f"/{response.shortcode}  " if response.shortcode else ""
            item = QListWidgetItem(f"{code}{response.title}", self.list)
            item.setData(Qt.ItemDataRole.UserRole, response)
            item.setToolTip(response.body[:500])
        if responses:
            self.list.setCurrentRow(0)
        self.hint.setText(f"{len(responses)} responses" if responses else "No match")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Arrow keys move the selection while the caret stays in the input.
        if (
            watched is self.input
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
        ):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up):
                step = 1 if key == Qt.Key.Key_Down else -1
                row = max(0, min(self.list.count() - 1, self.list.currentRow() + step))
                self.list.setCurrentRow(row)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._choose(self.list.currentItem())
                return True
        return super().eventFilter(watched, event)

    @Slot(QListWidgetItem)
    def _on_list_item_activated(self, item: QListWidgetItem) -> None:
        self._choose(item)

    def _choose(self, item: QListWidgetItem | None) -> None:
        if item is None:
            return
        self.chosen.emit(item.data(Qt.ItemDataRole.UserRole))
        self.hide()


PALETTE_KEYS = QKeyCombination(Qt.KeyboardModifier.ControlModifier, Qt.Key.Key_K)


class PaletteShortcutGuard(QObject):
    """Event filter for text widgets, which claim Ctrl+K (delete to end of line) for themselves.

    Filtering the ShortcutOverride leaves it unaccepted, so the window's Ctrl+K shortcut fires.
    `also`: more keys the window keeps (Ctrl+Tab, which an editor would take as typed text).
    """

    def __init__(self, parent: QObject | None = None, also: Iterable[QKeyCombination] = ()) -> None:
        super().__init__(parent)
        self._keys = {PALETTE_KEYS, *also}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and event.keyCombination() in self._keys
        ):
            return True
        return super().eventFilter(watched, event)
