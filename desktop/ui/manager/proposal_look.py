"""How a suggested response looks: its placeholders marked in the body and in the list.

The list's items keep plain text (what a screen reader reads and tests compare); the
delegate only paints it richer: the title in bold, the count dimmed, and in the body's preview
each placeholder on a tinted background, as the editor's highlighter marks them.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QPainter,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from desktop.placeholders import PATTERN

PLACEHOLDER_BACKGROUND = "#fff1c2"  # a marker's yellow: readable on light and selected rows
PLACEHOLDER_TEXT = "#6a4a00"
PREVIEW_CHARS = 140
MARGIN = 6

Index = QModelIndex | QPersistentModelIndex


def preview(body: str) -> str:
    """The body's start on one line, cut at a word."""
    flat = " ".join(body.split())
    if len(flat) <= PREVIEW_CHARS:
        return flat
    return flat[:PREVIEW_CHARS].rsplit(" ", 1)[0] + " …"


def marked_html(text: str) -> str:
    """`text` as HTML with each placeholder on the marker's background."""
    out, last = [], 0
    for match in PATTERN.finditer(text):
        out.append(html.escape(text[last : match.start()]))
        out.append(
            f'<span style="background-color:{PLACEHOLDER_BACKGROUND};'
            f'color:{PLACEHOLDER_TEXT};">{html.escape(match.group(0))}</span>'
        )
        last = match.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


class PlaceholderHighlighter(QSyntaxHighlighter):
    """Marks every `{{placeholder}}` of the body as it is edited."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._format = QTextCharFormat()
        self._format.setBackground(QColor(PLACEHOLDER_BACKGROUND))
        self._format.setForeground(QColor(PLACEHOLDER_TEXT))
        self._format.setFontWeight(QFont.Weight.DemiBold)

    def highlightBlock(self, text: str) -> None:
        for match in PATTERN.finditer(text):
            self.setFormat(match.start(), match.end() - match.start(), self._format)


class ProposalDelegate(QStyledItemDelegate):
    """Paints an item's three lines (title, count, body preview) as rich text."""

    def _document(self, option: QStyleOptionViewItem, index: Index) -> QTextDocument:
        title, answered, body = (str(index.data(Qt.ItemDataRole.DisplayRole)) + "\n\n").split("\n")[
            :3
        ]
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(MARGIN)
        # Dimmed only off the selection: grey on the highlight colour cannot be read.
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        dim = "" if selected else " style='color:#666;'"
        document.setHtml(
            f"<b>{html.escape(title)}</b> &nbsp;<span{dim}>{html.escape(answered)}</span>"
            f"<br>{marked_html(body)}"
        )
        document.setTextWidth(max(option.rect.width(), 200))
        return document

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        style = option.widget.style()
        text_free = QStyleOptionViewItem(option)
        text_free.text = ""
        # The row's background, selection and focus frame as the style draws them.
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_free, painter, option.widget)
        document = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            palette = option.palette
            context.palette.setColor(
                context.palette.ColorRole.Text, palette.highlightedText().color()
            )
        painter.save()
        painter.translate(option.rect.topLeft())
        document.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        self.initStyleOption(option, index)
        document = self._document(option, index)
        return QSize(int(document.idealWidth()), int(document.size().height()))
