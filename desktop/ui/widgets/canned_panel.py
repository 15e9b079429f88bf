"""Right pane, bottom: canned responses ranked for the conversation, with a search box."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.store.canned import CannedResponse

PREVIEW_ROWS = 17  # below this many lines of height the panel shows no preview
LIST_ROWS = 2  # the fewest rows the list keeps on a short window (it gives way after the preview)


class CannedPanel(QWidget):
    """Lists responses; the controller feeds results and reacts to the two actions.

    Signals:
        query_changed(str): the search box text.
        copy_requested(object): copy this CannedResponse as is.
        use_requested(object): draft a reply based on this CannedResponse.
        insert_requested(object): insert this CannedResponse into the draft at its cursor.
        intent_cleared(): the agent lifted the intent filter.
    """

    intent_cleared = Signal()
    query_changed = Signal(str)
    copy_requested = Signal(object)
    use_requested = Signal(object)
    insert_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("Canned responses", self)
        self.title.setObjectName("paneTitle")
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search canned responses (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self.intent_filter = QPushButton("", self)
        self.intent_filter.setObjectName("filterChip")
        self.intent_filter.setToolTip("Listing one intent's responses: click to list them all")
        self.intent_filter.hide()
        self.search.setAccessibleName("Search canned responses")
        self.list = QListWidget(self)
        self.list.setAlternatingRowColors(True)
        self.list.setAccessibleName("Canned responses")
        self.list.setMinimumHeight(self.fontMetrics().lineSpacing() * LIST_ROWS + 6)
        self.preview = QPlainTextEdit(self)
        self.preview.setReadOnly(True)
        self.preview.setTabChangesFocus(True)
        self.preview.setAccessibleName("Canned response preview")
        # Its minimum must not hold the window open: it hides instead (see resizeEvent).
        self.preview.setMinimumHeight(self.fontMetrics().lineSpacing() * 2)
        self.preview.setPlaceholderText("Select a response to read it in full.")
        self.copy_button = QPushButton("Copy response", self)
        self.insert_button = QPushButton("Insert", self)
        self.insert_button.setToolTip(
            "Insert into the draft at the cursor, placeholders filled (Ctrl+Shift+I)"
        )
        self.use_button = QPushButton("Use for draft", self)
        self.use_button.setToolTip("Generate a reply based on this response (Ctrl+Shift+Enter)")
        self.split = split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("cannedSplitter")
        split.addWidget(self.list)
        split.addWidget(self.preview)
        split.setSizes([200, 120])
        split.setChildrenCollapsible(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.insert_button)
        buttons.addWidget(self.use_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 8, 8)
        layout.addWidget(self.title)
        search_row = QHBoxLayout()
        search_row.addWidget(self.search, 1)
        search_row.addWidget(self.intent_filter)
        layout.addLayout(search_row)
        layout.addWidget(split, 1)
        layout.addLayout(buttons)
        self.search.textChanged.connect(self.query_changed)
        self.intent_filter.clicked.connect(self.intent_cleared)
        self.list.currentItemChanged.connect(self._on_list_current_item_changed)
        self.list.itemDoubleClicked.connect(self._on_list_item_double_clicked)
        self.copy_button.clicked.connect(self.copy_current)
        self.use_button.clicked.connect(self.use_current)
        self.insert_button.clicked.connect(self.insert_current)
        self._update_buttons()

    def resizeEvent(self, event: QResizeEvent) -> None:
        # On a short window the preview goes first: the list and its buttons stay usable.
        super().resizeEvent(event)
        rows = self.fontMetrics().lineSpacing()
        self.preview.setVisible(event.size().height() >= PREVIEW_ROWS * rows)

    def show_results(self, mode: str, responses: Sequence[CannedResponse]) -> None:
        titles = {
            "searched": f"Canned responses: {len(responses)} matching",
            "ranked": "Canned responses: most relevant to this conversation",
            "intent": f"Canned responses: {len(responses)} filed under this intent",
        }
        self.title.setText(titles.get(mode, "Canned responses"))
        self.list.clear()
        for response in responses:
            label = response.title + (f"   ·  {response.category}" if response.category else "")
            item = QListWidgetItem(label, self.list)
            item.setData(Qt.ItemDataRole.UserRole, response)
            item.setToolTip(response.body[:500])
        if responses:
            self.list.setCurrentRow(0)
        self._update_buttons()

    def show_intent_filter(self, intent: str) -> None:
        """Show the intent the list is filtered to, as a chip that lifts it ("" hides it)."""
        self.intent_filter.setText(f"{intent}  ✕")
        self.intent_filter.setVisible(bool(intent))

    def current(self) -> CannedResponse | None:
        item: QListWidgetItem | None = self.list.currentItem()
        if item is None:
            return None
        response: CannedResponse = item.data(Qt.ItemDataRole.UserRole)
        return response

    def _update_buttons(self) -> None:
        has = self.current() is not None
        for button in (self.copy_button, self.insert_button, self.use_button):
            button.setEnabled(has)

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_list_current_item_changed(
        self, current: QListWidgetItem | None, _previous: QListWidgetItem | None
    ) -> None:
        response = current.data(Qt.ItemDataRole.UserRole) if current is not None else None
        self.preview.setPlainText(response.body if response else "")
        self._update_buttons()

    @Slot(QListWidgetItem)
    def _on_list_item_double_clicked(self, item: QListWidgetItem) -> None:
        self.copy_requested.emit(item.data(Qt.ItemDataRole.UserRole))

    @Slot()
    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    @Slot()
    def copy_current(self) -> None:
        if (response := self.current()) is not None:
            self.copy_requested.emit(response)

    @Slot()
    def insert_current(self) -> None:
        if (response := self.current()) is not None:
            self.insert_requested.emit(response)

    @Slot()
    def use_current(self) -> None:
        if (response := self.current()) is not None:
            self.use_requested.emit(response)
