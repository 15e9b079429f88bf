"""Left pane: the customer conversation, editable, with customer and agent turns shown apart."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QMimeData, QRect, QTimer, Signal, Slot
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPaintEvent,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from desktop import textfile
from desktop.errors import InputError
from desktop.threads.labels import role_of_name
from desktop.threads.lines import line_roles
from desktop.transcript import MAX_CHARS, Transcript, classify_line, clean, parse
from desktop.ui.wording import count

CUSTOMER, AGENT = 0, 1  # QTextBlock.userState values; -1 (unset) reads as customer
ROLE_COLORS = {CUSTOMER: QColor("#1d4ed8"), AGENT: QColor("#047857")}
ROLE_BANDS = {CUSTOMER: QColor("#eef4ff"), AGENT: QColor("#ecfdf5")}
MAX_FILE_BYTES = 5_000_000

PLACEHOLDER = (
    "Paste the conversation here (Ctrl+V), drop a text file, or use File > Open conversation.\n\n"
    "Customer: Hi, my parcel hasn't arrived yet...\n"
    "Agent: Sorry to hear that! Could you share your order number?\n\n"
    "Unlabelled text counts as the customer's message."
)


class TurnHighlighter(QSyntaxHighlighter):
    """Colours each line by the role of the turn it belongs to and bolds the labels.

    Labels alone say little in an email chain or a helpdesk export ("Chloe (Larkfield
    Support)", "On Tue ... wrote:", quoted lines), so once the conversation is parsed each line
    takes the side the parser read it as (`set_roles`); until then, and for lines typed since,
    the labels decide.
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._roles: list[str | None] = []

    def set_roles(self, roles: Sequence[str | None]) -> None:
        if list(roles) != self._roles:  # repainting only on a change: no loop with the parse
            self._roles = list(roles)
            self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        role, label_length = classify_line(text)
        number = self.currentBlock().blockNumber()
        parsed = self._roles[number] if number < len(self._roles) else None
        previous = self.previousBlockState()
        if parsed is not None:
            state = CUSTOMER if parsed == "customer" else AGENT
        else:
            state = (CUSTOMER if role == "customer" else AGENT) if role else max(previous, CUSTOMER)
        self.setCurrentBlockState(state)
        if label_length:
            label = QTextCharFormat()
            label.setFontWeight(QFont.Weight.Bold)
            label.setForeground(ROLE_COLORS[state])
            self.setFormat(0, label_length, label)


class ConversationEditor(QPlainTextEdit):
    """Plain-text editor that refuses binary, trims huge pastes and paints a band per turn.

    Signals:
        input_rejected(str): a paste or drop was refused or trimmed; carries the message.
        file_dropped(str): a file was dropped on the editor; carries its path.
        pasted(): text was pasted or dropped in (read it now: no typing to wait for).
    """

    input_rejected = Signal(str)
    file_dropped = Signal(str)
    pasted = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText(PLACEHOLDER)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        # Tab moves on to the next pane; a pasted conversation keeps its own tab characters.
        self.setTabChangesFocus(True)
        self.setAccessibleName("Conversation")
        self.highlighter = TurnHighlighter(self.document())

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasUrls() and source.urls()[0].isLocalFile():
            self.file_dropped.emit(source.urls()[0].toLocalFile())
            return
        text = source.text()
        try:
            cleaned, truncated = clean(text)
        except InputError as exc:
            self.input_rejected.emit(str(exc))
            return
        self.insertPlainText(cleaned)
        self.pasted.emit()  # the window clears the last paste's news: this paste's comes after
        if truncated:
            self.input_rejected.emit(
                f"The pasted text was longer than {MAX_CHARS:,} characters; "
                "only its newest part was kept."
            )

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasUrls() or super().canInsertFromMimeData(source)

    def paintEvent(self, event: QPaintEvent) -> None:
        # Full-width tinted bands (a char format only tints the text itself).
        painter = QPainter(self.viewport())
        block = self.firstVisibleBlock()
        offset = self.contentOffset()
        width = self.viewport().width()
        while block.isValid():
            rect = self.blockBoundingGeometry(block).translated(offset)
            if rect.top() > event.rect().bottom():
                break
            if block.text().strip() or block.userState() >= 0:
                state = max(block.userState(), CUSTOMER)
                band = QRect(0, int(rect.top()), width, int(rect.height()) + 1)
                painter.fillRect(band, ROLE_BANDS[state])
                painter.fillRect(QRect(0, band.top(), 3, band.height()), ROLE_COLORS[state])
            block = block.next()
        painter.end()
        super().paintEvent(event)


def summary_of(transcript: Transcript) -> str:
    """The parse at a glance: "16 turns: 10 customer (Rebecca), 6 agent (Chloe)"."""
    turns = transcript.turns
    customer = [t for t in turns if t.role == "customer"]
    names = list(dict.fromkeys(_name(t.speaker) for t in customer if _name(t.speaker)))[:1]
    agents = list(transcript.agent_names)[:2]
    who = f" ({', '.join(names)})" if names else ""
    team = f" ({', '.join(agents)})" if agents else ""
    return (
        f"{count(len(turns), 'turn')}: {len(customer)} customer{who}, "
        f"{len(turns) - len(customer)} agent{team}"
    )


def _name(speaker: str) -> str:
    """A person's name from a sender: "Sandra Whitaker <sandra@example.com>" -> "Sandra Whitaker".

    A role or a visitor number ("Customer", "Visitor 4821") is not a name: nothing.
    """
    name = speaker.split("<")[0].strip()
    return name if "@" not in name and role_of_name(name) is None else ""


class ConversationPane(QWidget):
    """The editor plus a summary line of the parsed turns.

    Signals:
        transcript_changed(object): the parsed Transcript, debounced while typing.
        message(str): something the user should read (status bar).
    """

    transcript_changed = Signal(object)
    message = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.editor = ConversationEditor(self)
        self.summary = QLabel("No conversation yet", self)
        self.summary.setObjectName("paneHint")
        self.clear_button = QPushButton("Clear", self)
        self.clear_button.setAccessibleName("Clear the conversation")
        title = QLabel("Conversation", self)
        title.setObjectName("paneTitle")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        header.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 4, 8)
        layout.addLayout(header)
        layout.addWidget(self.editor, 1)
        layout.addWidget(self.summary)
        self._transcript = Transcript(())
        self._parse_timer = QTimer(self)
        self._parse_timer.setSingleShot(True)
        self._parse_timer.setInterval(250)
        self._parse_timer.timeout.connect(self._on_parse_timer_timeout)
        self.editor.textChanged.connect(self._parse_timer.start)
        self.editor.input_rejected.connect(self.message)
        self.editor.file_dropped.connect(self.load_file)
        self.editor.pasted.connect(self._on_editor_pasted)
        self.clear_button.clicked.connect(self.editor.clear)

    def transcript(self) -> Transcript:
        """The conversation as it is now (parses pending edits immediately)."""
        if self._parse_timer.isActive():
            self._parse_timer.stop()
            self._on_parse_timer_timeout()
        return self._transcript

    def set_text(self, text: str) -> None:
        try:
            cleaned, truncated = clean(text)
        except InputError as exc:
            self.message.emit(str(exc))
            return
        if truncated:
            self.message.emit(f"Only the newest {MAX_CHARS:,} characters were kept.")
        self.editor.setPlainText(cleaned)
        self.transcript()

    @Slot(str)
    def load_file(self, name: str) -> None:
        path = Path(name)
        try:
            text = textfile.read_text(path, MAX_FILE_BYTES, hint="; open the conversation only")
        except InputError as exc:
            self.message.emit(str(exc))
            return
        self.set_text(text)
        self.message.emit(f"Opened {path.name}")

    @Slot()
    def _on_editor_pasted(self) -> None:
        self.transcript()  # parse at once: no more typing to wait for, the ready reply is

    @Slot()
    def _on_parse_timer_timeout(self) -> None:
        try:
            self._transcript = parse(self.editor.toPlainText())
        except InputError as exc:
            self.message.emit(str(exc))
            return
        turns = self._transcript.turns
        self.summary.setText(summary_of(self._transcript) if turns else "No conversation yet")
        roles = list(line_roles(self.editor.toPlainText(), turns)) if turns else []
        # Repainting the bands is no edit: the editor must not report a change (a second parse).
        blocked = self.editor.blockSignals(True)
        try:
            self.editor.highlighter.set_roles(roles)
        finally:
            self.editor.blockSignals(blocked)
        self.transcript_changed.emit(self._transcript)
