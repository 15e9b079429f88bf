"""The outcome of Library > Learn from past tickets: what the ranking learned, and what not.

The words are made by plain functions (`headline`, `unknown_text`, `failure_text`), so the
dialog only lays them out and the status bar and tests read the same sentences.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.library.ticket_history import LearnReport

SHOWN_RESPONSES = 10
SHOWN_UNKNOWN = 5
FORMAT_HINT = (
    "Choose a CSV whose first row names a conversation and a canned column, JSON Lines of "
    '{"conversation": …, "canned": "<title or id>"}, or a Zendesk tickets export with audits.'
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def headline(report: LearnReport) -> str:
    return (
        f"Learned {_plural(report.learned, 'example')} from "
        f"{_plural(report.rows, 'conversation')} in {report.file_name}."
    )


def unknown_text(report: LearnReport) -> str:
    """The names that match no canned response: the first few, and how many in all."""
    if not report.unknown:
        return ""
    shown = ", ".join(f"“{name}”" for name in report.unknown[:SHOWN_UNKNOWN])
    more = len(report.unknown) - SHOWN_UNKNOWN
    rest = f" and {more} more" if more > 0 else ""
    return (
        f"{_plural(report.unknown_rows, 'conversation')} named "
        f"{_plural(len(report.unknown), 'canned response')} the library does not have and "
        f"{'was' if report.unknown_rows == 1 else 'were'} skipped: {shown}{rest}. "
        f"To learn from them, add those responses (or correct the names in the file) and "
        f"import those rows again."
    )


def failure_text(file_name: str, message: str, bad_file: bool) -> str:
    """What went wrong, that nothing was learned, and (for a file we cannot read) what to do."""
    # The importers' messages name the file first ("tickets.csv, line 3: ..."): said once.
    problem = message if message.startswith(file_name) else f"{file_name}: {message}"
    hint = f" {FORMAT_HINT}" if bad_file else ""
    return f"Could not learn from {problem}\n\nNothing was learned.{hint}"


class LearnResultDialog(QDialog):
    """Examples learned per canned response, the skipped rows and the unknown names."""

    def __init__(self, report: LearnReport, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle("Learned from past tickets")
        self.headline = QLabel(headline(report), self)
        self.headline.setStyleSheet("font-weight: 600;")
        self.note = QLabel("The ranking uses them from now on.", self)
        self.responses = QTreeWidget(self)
        self.responses.setHeaderLabels(["Canned response", "Examples"])
        self.responses.setRootIsDecorated(False)
        self.responses.setAccessibleName("Examples learned per canned response")
        for title, count in report.per_response[:SHOWN_RESPONSES]:
            item = QTreeWidgetItem([title, str(count)])
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            self.responses.addTopLevelItem(item)
        self.responses.resizeColumnToContents(0)
        more = len(report.per_response) - SHOWN_RESPONSES
        self.more = QLabel(f"… and {_plural(more, 'more response')}." if more > 0 else "", self)
        skipped = report.skipped
        self.skipped = QLabel(
            f"{_plural(skipped, 'conversation')} without the customer's words taught nothing."
            if skipped
            else "",
            self,
        )
        self.unknown = QLabel(unknown_text(report), self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok, self)
        buttons.accepted.connect(self.accept)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.note)
        layout.addWidget(self.responses)
        for label in (self.more, self.skipped, self.unknown):
            label.setWordWrap(True)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setVisible(bool(label.text()))
            layout.addWidget(label)
        layout.addWidget(buttons)
        self.resize(520, 400)
