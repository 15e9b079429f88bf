"""ListPane: filter box, sort order, result banner and the table of responses."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop.store.canned import CannedResponse
from desktop.ui.manager.model import CannedTableModel, SortOrder


class ListPane(QWidget):
    """The left side of the manager; it shows what it is given and reports what the user picks.

    Signals:
        current_changed(object): the user moved to another row; carries its CannedResponse.
        filter_changed(str, object): the filter text or the SortOrder changed.
    """

    current_changed = Signal(object)
    filter_changed = Signal(str, object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._quiet = False
        self.model = CannedTableModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)  # the title gets the room
        # Short code, category, tags, used, last used, active: narrow, the title matters most.
        for column, width in enumerate((110, 90, 110, 45, 90, 50), start=1):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.table.setColumnWidth(column, width)
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter: words, short code, tag…")
        self.filter_edit.setClearButtonEnabled(True)
        self.sort_combo = QComboBox(self)
        for order in SortOrder:
            self.sort_combo.addItem(order.value, order)
        self.banner = QLabel(self)
        self.banner.setObjectName("managerBanner")
        self.banner.setWordWrap(True)
        self.banner.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.banner.hide()

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 1)
        bar.addWidget(QLabel("Sort by", self))
        bar.addWidget(self.sort_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.banner)
        layout.addWidget(self.table, 1)

        self.filter_edit.textChanged.connect(self._on_filter_edit_changed)
        self.sort_combo.currentIndexChanged.connect(self._on_filter_edit_changed)
        self.table.selectionModel().currentRowChanged.connect(self._on_current_row_changed)

    def order(self) -> SortOrder:
        return SortOrder(self.sort_combo.currentData())

    def set_responses(self, responses: Sequence[CannedResponse], current_id: int | None) -> None:
        self.model.set_responses(responses)
        self.select_id(current_id)

    def select_id(self, response_id: int | None) -> None:
        """Make the row of `response_id` current (none: clear), without reporting it."""
        row = self.model.row_of(response_id)
        self._quiet = True
        try:
            if row < 0:
                self.table.selectionModel().clear()
                return
            index = self.model.index(row, 0)
            flags = (
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows
            )
            self.table.selectionModel().setCurrentIndex(index, flags)
            self.table.scrollTo(index)
        finally:
            self._quiet = False

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        found = (self.model.response_at(row) for row in rows)
        return [r.id for r in found if r is not None and r.id is not None]

    @Slot()
    def _on_filter_edit_changed(self) -> None:
        self.filter_changed.emit(self.filter_edit.text(), self.order())

    @Slot(QModelIndex, QModelIndex)
    def _on_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        response = self.model.response_at(current.row())
        if not self._quiet and response is not None:
            self.current_changed.emit(response)
