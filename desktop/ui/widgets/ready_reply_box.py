"""The ready reply: the top canned response for this conversation, rendered, before any token."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop import placeholders
from desktop.drafting.results import ReadyReply
from desktop.ui.widgets.elided_label import ElidedLabel

COPY_KEY = "Ctrl+Shift+R"
TEXT_LINES = 5  # the gist at a glance; the rest scrolls


class ReadyReplyBox(QFrame):
    """Title, confidence, the rendered text and one Copy; hidden while there is none.

    Display only: the window wires `copy_button` to DraftController, which decides.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("readyReply")
        self.heading = QLabel("Ready reply", self)
        self.heading.setObjectName("readyHeading")
        self.title = ElidedLabel("", self)  # user data, plain text: a long one is shortened
        self.title.setObjectName("readyTitle")
        self.hint = QLabel("", self)
        self.hint.setObjectName("paneHint")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("readyText")
        self.text.setReadOnly(True)
        self.text.setTabChangesFocus(True)
        self.text.setAccessibleName("Ready reply")
        self.setAccessibleName("Ready reply")
        self.note = QLabel("", self)
        self.note.setObjectName("readyNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip(f"Copy the ready reply ({COPY_KEY})")
        self.copy_button.setAccessibleName("Copy ready reply")
        header = QHBoxLayout()
        header.addWidget(self.heading)
        header.addWidget(self.title, 1)
        header.addWidget(self.hint)
        header.addWidget(self.copy_button)
        # One column: the header, the text, then notes; more lines (other needs, things to
        # do) go in `column` below the text and stay whole, as the text does.
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(8, 6, 8, 6)
        self.column.setSpacing(4)
        self.column.addLayout(header)
        self.column.addWidget(self.text)
        self.column.addWidget(self.note)
        self._reply: ReadyReply | None = None
        self._no_match = False
        self.hide()

    def set_no_match(self, no_match: bool) -> None:
        """The reading found no canned response that fits: say so over the closest one."""
        self._no_match = no_match
        if self._reply is not None:
            self._show_heading(self._reply)

    def show_reply(self, reply: ReadyReply | None) -> None:
        self._reply = reply
        if reply is None:
            self.hide()
            return
        self._show_heading(reply)
        self.text.setPlainText(reply.text)
        self._fit_lines()
        asked = [n for n in reply.unresolved if placeholders.is_known(n)]
        shown = ", ".join("{{" + n + "}}" for n in asked)
        notes = [f"To fill in: {shown}. Copy asks for them."] if asked else []
        if reply.pending and reply.action is not None:
            # It says the action is done; nobody in the thread did it yet.
            notes.insert(0, f"To do first: {reply.action.todo}. This reply says it is done.")
        self.note.setText("\n".join(notes))
        self.note.setVisible(bool(notes))
        self.show()

    def _show_heading(self, reply: ReadyReply) -> None:
        confident = reply.confident and not self._no_match
        if self._no_match:
            heading, title = "No saved reply fits", f"· closest: {reply.canned.title}"
        elif reply.pending:
            heading, title = "After you act", f"· {reply.canned.title}"
        else:
            heading = "Ready reply" if confident else "Closest canned response"
            title = f"· {reply.canned.title}"
            if reply.also:
                # Another need found in the message: named on the title line (no extra line
                # on a small screen), not pasted into the reply (often a false lead).
                title += " · also asked: " + "; ".join(c.title for c in reply.also)
        self.heading.setText(heading)
        self.title.setText(title)
        self.setProperty("confident", confident)
        self.style().unpolish(self)
        self.style().polish(self)
        self.hint.setText(f"match {reply.confidence:.0%}" if confident else "low confidence")
        self.hint.setToolTip(
            "The measured chance that this reply is right for the conversation"
            if confident
            else "No canned response matches this conversation well: read it before you send it"
        )

    def _fit_lines(self) -> None:
        """Whole lines only, measured once the style sheet set the font: a cut line looks broken."""
        self.text.ensurePolished()
        # The document's margin counts once: below the last line the editor would paint the
        # top of the next one (a half-cut line) into it.
        margin = 2 * self.text.frameWidth() + int(self.text.document().documentMargin())
        self.text.setFixedHeight(self.text.fontMetrics().lineSpacing() * TEXT_LINES + margin)
