"""The draft editor: flagged sentences underlined with their reason on hover; rewrites in place."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QToolTip, QWidget

from desktop.drafting.effects import (
    Mark,
)

MARK_COLOR = QColor("#dc2626")


class DraftEditor(QPlainTextEdit):
    """A plain-text editor that shows marks as wavy red underlines (extra selections).

    The marks' cursors belong to the document, so they follow the agent's edits: a tooltip
    always names the sentence under the mouse as it is now. A rewrite streams into the place
    of the text it replaces, and the whole rewrite is one undo step.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabChangesFocus(True)  # Tab leaves for the buttons: a reply has no tab stops
        self._reasons: list[str] = []  # parallel to extraSelections()
        self._rewrite_start = 0
        self._rewrite_cursor: QTextCursor | None = None

    # --- marks --------------------------------------------------------------------------------
    def set_marks(self, marks: Sequence[Mark], offset: int = 0, keep: bool = False) -> None:
        """Underline `marks` (offsets into the text, plus `offset`); `keep` adds to the others."""
        selections = list(self.extraSelections()) if keep else []
        reasons = list(self._reasons) if keep else []
        size = self.document().characterCount() - 1
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        fmt.setUnderlineColor(MARK_COLOR)
        for mark in marks:
            start, end = min(offset + mark.start, size), min(offset + mark.end, size)
            if end <= start:
                continue
            selection = QTextEdit.ExtraSelection()
            cursor = QTextCursor(self.document())
            cursor.setPosition(start)
            cursor.setPosition(end, QTextCursor.MoveMode.KeepAnchor)
            selection.cursor = cursor
            selection.format = fmt
            selections.append(selection)
            reasons.append(mark.reason)
        self.setExtraSelections(selections)
        self._reasons = reasons

    def marks(self) -> list[tuple[str, str]]:
        """(underlined text, reason) of each mark as the text is now; gone ones left out."""
        found = []
        for selection, reason in zip(self.extraSelections(), self._reasons, strict=True):
            text = selection.cursor.selectedText()
            if text:
                found.append((text.replace("\u2029", "\n"), reason))
        return found

    def reason_at(self, position: int) -> str | None:
        """The reason of the mark covering `position` in the text, if any."""
        for selection, reason in zip(self.extraSelections(), self._reasons, strict=True):
            cursor: QTextCursor = selection.cursor
            if cursor.selectionStart() <= position < cursor.selectionEnd():
                return reason
        return None

    def viewportEvent(self, event: QEvent) -> bool:
        # Tooltips arrive at the viewport: position -> character -> the mark there.
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            reason = self.reason_at(self.cursorForPosition(event.pos()).position())
            if reason:
                QToolTip.showText(event.globalPos(), reason, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    # --- replacing the text -------------------------------------------------------------------
    def replace_text(self, text: str, undoable: bool) -> None:
        """The whole text replaced; as one undoable edit, or as a fresh document."""
        if not undoable:
            self.setPlainText(text)
            return
        cursor = QTextCursor(self.document())
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.insertText(text)
        cursor.endEditBlock()

    # --- rewrites: one undo step from the removal of the old text to the final new text ----------
    def begin_rewrite(self) -> None:
        cursor = self.textCursor()
        if not cursor.hasSelection():
            cursor.select(QTextCursor.SelectionType.Document)
        cursor.beginEditBlock()
        cursor.removeSelectedText()
        cursor.endEditBlock()
        self._rewrite_start = cursor.position()
        self._rewrite_cursor = cursor

    def rewrite_text(self, text: str) -> None:
        if self._rewrite_cursor is not None:
            self._rewrite_cursor.joinPreviousEditBlock()
            self._rewrite_cursor.insertText(text)
            self._rewrite_cursor.endEditBlock()

    def finish_rewrite(self, text: str, marks: Sequence[Mark]) -> None:
        """What streamed is replaced by the final text, in the same undo step, then marked."""
        cursor = self._rewrite_cursor
        if cursor is None:
            return
        self._rewrite_cursor = None
        start = self._rewrite_start
        cursor.setPosition(start, QTextCursor.MoveMode.KeepAnchor)
        cursor.joinPreviousEditBlock()
        cursor.insertText(text)
        cursor.endEditBlock()
        self.set_marks(marks, offset=start, keep=True)
        # The caret after the new text, nothing selected: a selection would hide the marks.
        cursor.setPosition(start + len(text))
        self.setTextCursor(cursor)

    @property
    def rewriting(self) -> bool:
        return self._rewrite_cursor is not None

    def selected_text(self) -> str:
        return self.textCursor().selectedText().replace("\u2029", "\n")
