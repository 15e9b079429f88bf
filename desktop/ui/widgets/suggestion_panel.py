"""Right pane, top: the streamed, editable reply draft and its actions."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop.store.canned import CannedResponse


class SuggestionPanel(QWidget):
    """Layout only; the window wires the buttons to DraftController. Editable while streaming."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Suggested reply", self)
        title.setObjectName("paneTitle")
        self.sources = QLabel("", self)
        self.sources.setObjectName("paneHint")
        self.sources.setWordWrap(True)
        self.sources.setTextFormat(Qt.TextFormat.PlainText)  # titles are user data, not markup
        self.error = QLabel("", self)
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        self.draft = QPlainTextEdit(self)
        self.draft.setPlaceholderText(
            "Press Generate (Ctrl+Enter) to draft a reply grounded on your canned responses.\n"
            "Edit it here, then Copy (Ctrl+Shift+C) and paste it into your helpdesk."
        )
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setObjectName("primary")
        self.generate_button.setToolTip("Draft a reply (Ctrl+Enter)")
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setToolTip("Stop generating (Esc)")
        self.regenerate_button = QPushButton("Regenerate", self)
        self.regenerate_button.setToolTip("Discard this draft and write a new one (Ctrl+R)")
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip("Copy the draft as plain text (Ctrl+Shift+C)")
        buttons = QHBoxLayout()
        for button in (self.generate_button, self.stop_button, self.regenerate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 8, 4)
        layout.addWidget(title)
        layout.addWidget(self.error)
        layout.addWidget(self.draft, 1)
        layout.addWidget(self.sources)
        layout.addLayout(buttons)

    def begin_draft(self) -> None:
        self.draft.clear()
        self.sources.setText("")
        self.show_error("")

    def show_error(self, message: str) -> None:
        """Show a problem above the draft (empty hides it)."""
        self.error.setText(message)
        self.error.setVisible(bool(message))

    def append_text(self, text: str) -> None:
        """Append a streamed delta at the end without moving the user's cursor or selection."""
        bar = self.draft.verticalScrollBar()
        following = bar.value() >= bar.maximum() - 4  # the agent has not scrolled up to read
        cursor = QTextCursor(self.draft.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertText(text)
        if following:
            bar.setValue(bar.maximum())

    def insert_at_cursor(self, text: str, caret: int | None = None) -> None:
        """Insert at the draft's cursor, keeping what is there; `caret` is an offset into text."""
        cursor = self.draft.textCursor()
        start = cursor.selectionStart() if cursor.hasSelection() else cursor.position()
        cursor.insertText(text)
        if caret is not None:
            cursor.setPosition(start + caret)
        self.draft.setTextCursor(cursor)
        self.draft.setFocus()

    def show_sources(self, grounding: Sequence[CannedResponse]) -> None:
        if not grounding:
            self.sources.setText("Not grounded: no canned response matched this conversation.")
            return
        names = ", ".join(f"[{i}] {c.title}" for i, c in enumerate(grounding, 1))
        self.sources.setText(f"Grounded on: {names}")

    def set_controls(self, can_generate: bool, can_stop: bool) -> None:
        self.generate_button.setEnabled(can_generate)
        self.regenerate_button.setEnabled(can_generate)
        self.stop_button.setEnabled(can_stop)
