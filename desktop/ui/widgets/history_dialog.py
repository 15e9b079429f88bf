"""The history view: search kept conversations, read one, reopen it into the window.

Display only: the window feeds it search results from the HistoryKeeper (whose worker runs
the FTS5 query) and reopens what it asks for.
"""

from __future__ import annotations

import time

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.store.history import Conversation
from desktop.ui.wording import count

ID_ROLE = Qt.ItemDataRole.UserRole


class HistoryDialog(QDialog):
    """Search box, conversations newest first, the selected one's text, Reopen.

    Signals:
        query_changed(str): the search text ("" lists the most recent).
        reopen_requested(int): the id of the conversation to put back in the window.
    """

    query_changed = Signal(str)
    reopen_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("History")
        self.resize(820, 560)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search conversations and copied replies…")
        self.search.setClearButtonEnabled(True)
        self.list = QListWidget(self)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.count_label = QLabel("", self)
        self.count_label.setObjectName("paneHint")
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.list)
        splitter.addWidget(self.preview)
        splitter.setSizes([320, 500])
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.reopen_button = self.buttons.addButton(
            "&Reopen", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.reopen_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.search)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.buttons)
        self._texts: dict[int, str] = {}
        self.search.textChanged.connect(self.query_changed)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.list.itemActivated.connect(lambda _item: self._reopen())
        self.buttons.accepted.connect(self._reopen)
        self.buttons.rejected.connect(self.reject)

    @Slot(object)
    def show_results(self, found: object) -> None:
        conversations: list[Conversation] = list(found)  # type: ignore[call-overload]
        self.list.clear()
        self._texts = {c.id: c.text for c in conversations}
        for conversation in conversations:
            when = time.strftime("%d %b %H:%M", time.localtime(conversation.updated_at))
            item = QListWidgetItem(f"{conversation.title or '(empty)'}\n{when}")
            item.setData(ID_ROLE, conversation.id)
            self.list.addItem(item)
        self.count_label.setText(count(len(conversations), "conversation"))
        if conversations:
            self.list.setCurrentRow(0)
        else:
            self.preview.clear()
            self.reopen_button.setEnabled(False)

    def _on_list_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        self.reopen_button.setEnabled(current is not None)
        if current is not None:
            self.preview.setPlainText(self._texts.get(int(current.data(ID_ROLE)), ""))

    @Slot()
    def _reopen(self) -> None:
        item: QListWidgetItem | None = self.list.currentItem()  # None when the list is empty
        if item is None:
            return
        self.reopen_requested.emit(int(item.data(ID_ROLE)))
        self.accept()
