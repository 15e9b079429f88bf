"""The library window's "Suggested responses": replies agents keep writing, as new responses.

Issue 23, part 3, in the window. The agent chooses a history file (conversations with the
replies agents wrote); mining and accepting run on their own thread (mine_worker.py) while a
busy bar shows, and Cancel frees the view. Each proposal can be accepted as it is, edited
first (the edited title and body are what is added), or rejected. A file that cannot be read
is one message, and nothing is added.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from desktop.library.mining import MIN_SIZE, Mined, Proposal
from desktop.store.canned import CannedResponse
from desktop.store.library import LibraryFactory
from desktop.ui.manager.mine_worker import MineRunner
from desktop.ui.manager.proposal_look import PlaceholderHighlighter, ProposalDelegate, preview
from desktop.ui.wording import count

TITLE = "Suggested responses"
FILE_FILTER = "Conversations with replies (*.jsonl *.json *.csv);;All files (*)"
INTRO = (
    "Choose a history of conversations with the replies agents wrote (JSON Lines, JSON or "
    "CSV). Replies written by hand again and again, that no canned response covers, are "
    "offered here as new canned responses, with the parts that vary as placeholders."
)
FORMAT_HINT = (
    'Each record needs the conversation and the agent\'s reply: {"conversation": …, '
    '"reply": "…"}, or a CSV whose first row names a conversation and a reply column.'
)
ERROR_STYLE = "color: #b00020;"


def answered_text(proposal: Proposal) -> str:
    return f"would have answered {count(proposal.answered, 'conversation')}"


def summary(mined: Mined, file_name: str) -> str:
    """What mining found, in one or two sentences."""
    replies = count(len(mined.answers), "reply", "replies")
    covered = f"{len(mined.covered)} already covered by the library"
    if not mined.proposals:
        return (
            f"No suggestions from {file_name}: of its {replies}, {covered}; no other reply "
            f"was written {MIN_SIZE} times or more."
        )
    found = count(len(mined.proposals), "suggestion")
    return f"{found} from {file_name} ({replies}, {covered})."


def failure(file_name: str, message: str) -> str:
    problem = message if message.startswith(file_name) else f"{file_name}: {message}"
    return f"Could not read {problem}\nNothing was added. {FORMAT_HINT}"


class SuggestionsDialog(QDialog):
    """Mines a history file and lets the agent accept, edit or reject each proposal.

    Signals:
        added(object): a proposal was added to the library as this CannedResponse.
    """

    added = Signal(object)

    def __init__(self, library_factory: LibraryFactory, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(TITLE)
        self.resize(980, 620)
        self.runner = MineRunner(library_factory, self)
        self._mined: Mined | None = None
        self._file_name = ""
        self._pending: QListWidgetItem | None = None  # the item being added
        self._shown: QListWidgetItem | None = None  # the item the form shows
        self._build()
        self._connect()
        self._show_current(None)
        self._sync()

    # --- setup ------------------------------------------------------------------------------
    def _build(self) -> None:
        intro = QLabel(INTRO, self)
        intro.setWordWrap(True)
        self.choose_button = QPushButton("&Choose history file…", self)
        self.choose_button.setToolTip("Choose a file of past conversations with replies (Ctrl+O)")
        self.busy = QProgressBar(self)
        self.busy.setRange(0, 0)  # no steps to count: a busy bar
        self.busy.setAccessibleName("Looking for replies written again and again")
        self.busy.setMaximumWidth(180)
        self.cancel_button = QPushButton("Ca&ncel", self)
        self.cancel_button.setToolTip("Stop waiting; nothing is added")
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName("Suggested responses status")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.list = QListWidget(self)
        self.list.setAccessibleName("Suggested responses")
        self.list.setItemDelegate(ProposalDelegate(self.list))
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setUniformItemSizes(False)
        list_label = QLabel("&Proposals", self)
        list_label.setBuddy(self.list)
        self.answered_label = QLabel(self)
        self.answered_label.setStyleSheet("font-weight: 600;")
        self.tags_label = QLabel(self)
        self.tags_label.setWordWrap(True)
        self.title_edit = QLineEdit(self)
        self.title_edit.setAccessibleName("Title of the suggested response")
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setAccessibleName("Body of the suggested response")
        self.body_edit.setTabChangesFocus(True)  # Tab moves on to the buttons
        self.highlighter = PlaceholderHighlighter(self.body_edit.document())
        self.accept_button = QPushButton("&Accept", self)
        self.accept_button.setToolTip(
            "Add it to the library as shown, with its conversations as examples (Ctrl+Return)"
        )
        self.reject_button = QPushButton("&Reject", self)
        self.reject_button.setToolTip("Remove it from the suggestions; nothing is added")
        self.close_button = QPushButton("Close", self)
        self.close_button.setToolTip("Close (Esc); mining goes on")
        for button in (
            self.choose_button,
            self.cancel_button,
            self.accept_button,
            self.reject_button,
            self.close_button,
        ):
            button.setAutoDefault(False)  # Enter in the title must not accept

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.busy)
        top.addWidget(self.cancel_button)
        top.addStretch(1)
        left = QWidget(self)
        left_column = QVBoxLayout(left)
        left_column.setContentsMargins(0, 0, 0, 0)
        left_column.addWidget(list_label)
        left_column.addWidget(self.list, 1)
        right = QWidget(self)
        form = QFormLayout()
        form.addRow("", self.answered_label)
        form.addRow("Tags:", self.tags_label)
        form.addRow("&Title", self.title_edit)
        form.addRow("&Body", self.body_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        buttons.addStretch(1)
        right_column = QVBoxLayout(right)
        right_column.setContentsMargins(0, 0, 0, 0)
        right_column.addLayout(form, 1)
        right_column.addLayout(buttons)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([440, 540])
        bottom = QHBoxLayout()
        bottom.addStretch(1)
        bottom.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)
        order = [
            self.choose_button,
            self.cancel_button,
            self.list,
            self.title_edit,
            self.body_edit,
            self.accept_button,
            self.reject_button,
            self.close_button,
        ]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        self._shortcut("Ctrl+O", self.choose_file)
        self._shortcut("Ctrl+Return", self.accept_current)
        reject = self._shortcut("Del", self.reject_current)
        # Del rejects only on the list: in the title or body it deletes text.
        reject.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.removeAction(reject)
        self.list.addAction(reject)

    def _shortcut(self, keys: str, slot: object) -> QAction:
        action = QAction(self)
        action.setShortcut(QKeySequence(keys))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _connect(self) -> None:
        self.choose_button.clicked.connect(self.choose_file)
        self.cancel_button.clicked.connect(self.cancel)
        self.accept_button.clicked.connect(self.accept_current)
        self.reject_button.clicked.connect(self.reject_current)
        self.close_button.clicked.connect(self.close)
        self.list.currentItemChanged.connect(self._on_current_changed)
        self.runner.mined.connect(self._on_mined)
        self.runner.accepted.connect(self._on_accepted)
        self.runner.failed.connect(self._on_failed)

    # --- actions ----------------------------------------------------------------------------
    @Slot()
    def choose_file(self) -> None:
        if self.runner.mining or self.runner.accepting:
            return
        name, _ = QFileDialog.getOpenFileName(self, "Choose a history file", "", FILE_FILTER)
        if name:
            self.mine(name)

    def mine(self, path: str) -> None:
        """Look for new responses in `path` off the GUI thread; the list is replaced."""
        self._file_name = Path(path).name
        self._mined = None
        self._shown = None  # the items go: no edits to keep
        self.list.clear()
        self._say(f"Reading {self._file_name} and looking for replies written again and again…")
        self.runner.mine(path)
        self._sync()

    @Slot()
    def cancel(self) -> None:
        if self.runner.mining:
            self.runner.cancel()
            self._say(f"Stopped looking in {self._file_name}: nothing was proposed or added.")
            self._sync()

    @Slot()
    def accept_current(self) -> None:
        if self.list.currentRow() < 0 or self._mined is None or self.runner.accepting:
            return
        item = self.list.currentItem()
        self._keep_edits(item)
        proposal: Proposal = item.data(Qt.ItemDataRole.UserRole)
        if not proposal.title.strip() or not proposal.body.strip():
            self._say("A response needs a title and a body before it can be added.", error=True)
            return
        self._pending = item
        self._say(f"Adding “{proposal.title}”…")
        self.runner.accept(self._mined, proposal)
        self._sync()

    @Slot()
    def reject_current(self) -> None:
        item = self.list.currentItem()
        if self.list.currentRow() < 0 or item is self._pending:
            return
        title = item.data(Qt.ItemDataRole.UserRole).title
        self.list.takeItem(self.list.row(item))
        self._say(f"Rejected “{title}”: nothing was added.")
        self._sync()

    def proposals(self) -> list[Proposal]:
        """The proposals listed, with the edits kept so far (the current one's too)."""
        if self.list.currentRow() >= 0:
            self._keep_edits(self.list.currentItem())
        items = (self.list.item(row) for row in range(self.list.count()))
        return [item.data(Qt.ItemDataRole.UserRole) for item in items]

    # --- slots ------------------------------------------------------------------------------
    @Slot(object)
    def _on_mined(self, mined: Mined) -> None:
        self._mined = mined
        for proposal in mined.proposals:
            item = QListWidgetItem()
            self._set_item(item, proposal)
            self.list.addItem(item)
        self._say(summary(mined, self._file_name))
        if self.list.count():
            self.list.setCurrentRow(0)
        self._sync()

    @Slot(object, int)
    def _on_accepted(self, response: CannedResponse, learned: int) -> None:
        item, self._pending = self._pending, None
        if item is not None and self.list.row(item) >= 0:
            self.list.takeItem(self.list.row(item))
        examples = count(learned, "conversation")
        self._say(f"Added “{response.title}” to the library; it learned from {examples}.")
        self._sync()
        self.added.emit(response)

    @Slot(str, bool)
    def _on_failed(self, message: str, mining: bool) -> None:
        if mining:
            self._say(failure(self._file_name, message), error=True)
        else:
            item, self._pending = self._pending, None
            title = item.data(Qt.ItemDataRole.UserRole).title if item is not None else ""
            self._say(f"Could not add “{title}”: {message}\nNothing was added.", error=True)
        self._sync()

    @Slot(QListWidgetItem, QListWidgetItem)
    def _on_current_changed(
        self, current: QListWidgetItem | None, previous: QListWidgetItem | None
    ) -> None:
        if previous is not None:
            self._keep_edits(previous)  # only the one shown; a cleared list shows none
        self._show_current(current)
        self._sync()

    # --- helpers ----------------------------------------------------------------------------
    def _set_item(self, item: QListWidgetItem, proposal: Proposal) -> None:
        item.setData(Qt.ItemDataRole.UserRole, proposal)
        title = proposal.title or "(no title)"
        item.setText(f"{title}\n{answered_text(proposal)}\n{preview(proposal.body)}")
        item.setToolTip(proposal.body)

    def _keep_edits(self, item: QListWidgetItem) -> None:
        """The form's title and body become the item's proposal (shown item only)."""
        if item is not self._shown:
            return
        proposal: Proposal = item.data(Qt.ItemDataRole.UserRole)
        title, body = self.title_edit.text().strip(), self.body_edit.toPlainText().strip()
        if (title, body) != (proposal.title, proposal.body):
            self._set_item(item, replace(proposal, title=title, body=body))

    def _show_current(self, item: QListWidgetItem | None) -> None:
        self._shown = item
        proposal: Proposal | None = item.data(Qt.ItemDataRole.UserRole) if item else None
        self.title_edit.setText(proposal.title if proposal else "")
        self.body_edit.setPlainText(proposal.body if proposal else "")
        self.answered_label.setText(answered_text(proposal).capitalize() if proposal else "")
        self.tags_label.setText(", ".join(proposal.tags) if proposal else "")

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(ERROR_STYLE if error else "")

    def _sync(self) -> None:
        """Buttons and the busy bar as the state allows."""
        mining, accepting = self.runner.mining, self.runner.accepting
        chosen = self.list.currentRow() >= 0
        self.busy.setVisible(mining or accepting)
        self.cancel_button.setVisible(mining)
        self.choose_button.setEnabled(not (mining or accepting))
        for widget in (self.title_edit, self.body_edit):
            widget.setEnabled(chosen)
        self.accept_button.setEnabled(chosen and not accepting)
        self.reject_button.setEnabled(chosen and not accepting)

    def shutdown(self) -> None:
        """Join the thread (the library window closing)."""
        self.runner.shutdown()
