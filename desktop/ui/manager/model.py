"""Table model over a list of canned responses, and the sort orders the manager offers."""

from __future__ import annotations

import enum
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from desktop.store.canned import CannedResponse

ModelIndex = QModelIndex | QPersistentModelIndex
RESPONSE_ROLE = Qt.ItemDataRole.UserRole + 1
COLUMNS = ("Title", "Short code", "Category", "Tags", "Used", "Last used", "Active")
ACTIVE_COLUMN = COLUMNS.index("Active")
# After the title of a response that tells the customer an action was already done (issue 20).
STATES_DONE_MARK = "  [states done]"


def states_done_note(response: CannedResponse) -> str:
    """The line that says what a response states as done, or "" when it states nothing."""
    action = response.stated
    if action is None:
        return ""
    phrase = re.sub(r"\byour\b", "the", action.phrase)
    return f"States as done: {phrase}. Offered only after you do it."


class SortOrder(enum.StrEnum):
    """How the list is ordered; relevance is the search order (title when not filtering)."""

    RELEVANCE = "Relevance"
    MOST_USED = "Most used"
    RECENT = "Recently used"
    TITLE = "Title"


def sort_responses(responses: Sequence[CannedResponse], order: SortOrder) -> list[CannedResponse]:
    """Order `responses`; pure, so the worker thread can call it."""
    if order == SortOrder.MOST_USED:
        # Stable sorts, least significant key first: count, then most recent, then title.
        ordered = sorted(responses, key=_title)
        ordered.sort(key=_last_used, reverse=True)
        ordered.sort(key=_usage, reverse=True)
        return ordered
    if order == SortOrder.RECENT:
        # Never used sorts last; ISO-8601 UTC stamps compare correctly as text.
        used = sorted((r for r in responses if r.last_used_at), key=_last_used, reverse=True)
        unused = sorted((r for r in responses if not r.last_used_at), key=_title)
        return used + unused
    if order == SortOrder.TITLE:
        return sorted(responses, key=_title)
    return list(responses)


def _title(response: CannedResponse) -> str:
    return response.title.casefold()


def _last_used(response: CannedResponse) -> str:
    return response.last_used_at or ""


def _usage(response: CannedResponse) -> int:
    return response.usage_count


def format_last_used(stamp: str | None) -> str:
    if not stamp:
        return ""
    try:
        return datetime.fromisoformat(stamp).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return stamp


class CannedTableModel(QAbstractTableModel):
    """Read-only rows of CannedResponse; edits go through the editor form and the worker."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[CannedResponse] = []

    def set_responses(self, responses: Sequence[CannedResponse]) -> None:
        self.beginResetModel()
        self._rows = list(responses)
        self.endResetModel()

    def responses(self) -> list[CannedResponse]:
        return list(self._rows)

    def response_at(self, row: int) -> CannedResponse | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, response_id: int | None) -> int:
        """The row showing `response_id`, or -1."""
        if response_id is None:
            return -1
        return next((i for i, r in enumerate(self._rows) if r.id == response_id), -1)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's API
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        response = self.response_at(index.row()) if index.isValid() else None
        if response is None:
            return None
        column = index.column()
        if role == RESPONSE_ROLE:
            return response
        if role == Qt.ItemDataRole.CheckStateRole and column == ACTIVE_COLUMN:
            return Qt.CheckState.Checked if response.active else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            note = states_done_note(response)
            return f"{note}\n\n{response.body[:500]}" if note else response.body[:500]
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        values: tuple[str | int, ...] = (
            response.title + (STATES_DONE_MARK if response.states_action else ""),
            response.shortcode,
            response.category,
            ", ".join(response.tags),
            response.usage_count,
            format_last_used(response.last_used_at),
            "",
        )
        return values[column]
