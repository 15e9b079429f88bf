"""Right pane, top: the ready reply, then the streamed, checked, editable draft and its actions."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QTextCursor
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from desktop.drafting.effects import (
    Mark,
    RemovedSentence,
)
from desktop.drafting.options import Length, Tone
from desktop.drafting.rewrite import LABELS, Action
from desktop.store.canned import CannedResponse
from desktop.ui.widgets.draft_editor import DraftEditor
from desktop.ui.widgets.elided_label import ElidedLabel
from desktop.ui.widgets.reading_chips import ReadingChips
from desktop.ui.widgets.ready_reply_box import ReadyReplyBox
from desktop.ui.widgets.removed_sentences import RemovedSentences

PREVIOUS_KEY, NEXT_KEY = "Alt+Left", "Alt+Right"
DRAFT_LINES = 4  # always shown, whatever the window's size


def joiner(before: str, inserted: str) -> str:
    """What goes between the draft's text and an inserted response, so no two sentences glue.

    Nothing at the start or after whitespace; a blank line before a response of several
    lines (a paragraph of its own); otherwise a space.
    """
    if not before or before[-1].isspace() or not inserted or inserted[0].isspace():
        return ""
    return "\n\n" if "\n" in inserted.strip() else " "


class SuggestionPanel(QWidget):
    """Layout and display only; the window wires it to DraftController. Editable while streaming.

    Signals:
        tone_changed(str): the agent picked a tone.
        length_changed(str): the agent picked a length.
        rewrite_requested(object): a rewrite Action for the selection or the whole draft.
        flip_requested(int): show the previous (-1) or next (+1) alternative.
    """

    tone_changed = Signal(str)
    length_changed = Signal(str)
    rewrite_requested = Signal(object)
    flip_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chips = ReadingChips(self)
        self.ready = ReadyReplyBox(self)
        title = QLabel("Suggested reply", self)
        title.setObjectName("paneTitle")
        self.sources = ElidedLabel("", self)  # one line; the whole list in its tooltip
        self.sources.setObjectName("paneHint")
        self.error = QLabel("", self)
        self.error.setObjectName("errorBanner")
        self.error.setWordWrap(True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.hide()
        self.draft = DraftEditor(self)
        self.draft.setAccessibleName("Suggested reply")
        self.draft.setPlaceholderText(
            "Press Generate (Ctrl+Enter) to draft a reply grounded on your canned responses.\n"
            "Edit it here, then Copy (Ctrl+Shift+C) and paste it into your helpdesk."
        )
        self.removed = RemovedSentences(self)
        self.tone = self._choices([t.value for t in Tone], "Tone: regenerates the draft with it")
        self.length = self._choices(
            [n.value for n in Length], "Length: regenerates the draft with it"
        )
        self.rewrite_button = QToolButton(self)
        self.rewrite_button.setText("Rewrite")
        self.rewrite_button.setToolTip("Rewrite the selection, or the whole draft without one")
        self.rewrite_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.rewrite_menu = QMenu("Re&write", self.rewrite_button)
        self.rewrite_actions: dict[Action, QAction] = {}
        for action in Action:
            item = self.rewrite_menu.addAction(LABELS[action])
            item.triggered.connect(partial(self._rewrite, action))
            self.rewrite_actions[action] = item
        self.rewrite_button.setMenu(self.rewrite_menu)
        self.previous_button = QToolButton(self)
        self.previous_button.setText("◀")
        self.previous_button.setToolTip(f"Previous alternative ({PREVIOUS_KEY})")
        self.next_button = QToolButton(self)
        self.next_button.setText("▶")
        self.next_button.setToolTip(f"Next alternative ({NEXT_KEY})")
        self.position = QLabel("", self)
        self.position.setObjectName("paneHint")
        self.generate_button = QPushButton("Generate", self)
        self.generate_button.setObjectName("primary")
        self.generate_button.setToolTip("Draft a reply (Ctrl+Enter)")
        self.stop_button = QPushButton("Stop", self)
        self.stop_button.setToolTip("Stop generating (Esc)")
        self.regenerate_button = QPushButton("Regenerate", self)
        self.regenerate_button.setToolTip("Discard this draft and write a new one (Ctrl+R)")
        self.copy_button = QPushButton("Copy", self)
        self.copy_button.setToolTip("Copy the draft as plain text (Ctrl+Shift+C)")
        self.copy_button.setAccessibleName("Copy suggested reply")
        self.previous_button.setAccessibleName("Previous alternative")
        self.next_button.setAccessibleName("Next alternative")
        self.tone.setAccessibleName("Tone")
        self.length.setAccessibleName("Length")
        header = QHBoxLayout()
        header.addWidget(title)
        header.addStretch(1)
        for widget in (self.previous_button, self.position, self.next_button):
            header.addWidget(widget)
        steering = QHBoxLayout()
        for text, box in (("&Tone", self.tone), ("Len&gth", self.length)):
            label = QLabel(text, self)
            label.setBuddy(box)  # Alt+T, Alt+G reach the boxes; readers name them
            label.setContentsMargins(0, 0, 2, 0)  # the last letter's overhang stays in sight
            steering.addWidget(label)
            steering.addWidget(box)
        steering.addWidget(self.rewrite_button)
        steering.addStretch(1)
        buttons = QHBoxLayout()
        for button in (self.generate_button, self.stop_button, self.regenerate_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 8, 8, 4)
        layout.addWidget(self.chips)
        layout.addWidget(self.ready)
        layout.addLayout(header)
        layout.addWidget(self.error)
        layout.addWidget(self.draft, 1)
        layout.addWidget(self.removed)
        layout.addWidget(self.sources)
        layout.addLayout(steering)
        layout.addLayout(buttons)
        self.sources.hide()
        self._fit_draft()
        self.tone.currentTextChanged.connect(self.tone_changed)
        self.length.currentTextChanged.connect(self.length_changed)
        self.previous_button.clicked.connect(self.show_previous)
        self.next_button.clicked.connect(self.show_next)
        self.show_alternatives(0, 1)

    def _fit_draft(self) -> None:
        """The draft's first lines stay in sight however small the window gets."""
        self.draft.ensurePolished()
        margin = 2 * (self.draft.frameWidth() + int(self.draft.document().documentMargin()))
        self.draft.setMinimumHeight(self.draft.fontMetrics().lineSpacing() * DRAFT_LINES + margin)

    def _choices(self, values: Sequence[str], tip: str) -> QComboBox:
        box = QComboBox(self)
        box.addItems(list(values))
        box.setToolTip(tip)
        return box

    def _rewrite(self, action: Action, *_checked: object) -> None:
        self.rewrite_requested.emit(action)

    def show_previous(self) -> None:
        self.flip_requested.emit(-1)

    def show_next(self) -> None:
        self.flip_requested.emit(1)

    def set_style(self, tone: str, length: str) -> None:
        """Show the settings' tone and length without asking for a new draft."""
        for box, value in ((self.tone, tone), (self.length, length)):
            box.blockSignals(True)
            box.setCurrentText(value)
            box.blockSignals(False)

    # --- the draft --------------------------------------------------------------------------
    def begin_draft(self) -> None:
        self.draft.set_marks(())
        self.draft.clear()
        self._set_sources("")
        self.removed.show_removed(())
        self.show_alternatives(0, 1)
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

    def show_draft(
        self,
        text: str,
        marks: Sequence[Mark],
        removed: Sequence[RemovedSentence],
        undoable: bool,
    ) -> None:
        """The checked draft: offered text, flagged sentences underlined, removed ones listed."""
        self.draft.replace_text(text, undoable)
        self.draft.set_marks(marks)
        self.removed.show_removed(removed)

    def show_alternatives(self, index: int, count: int) -> None:
        self.position.setText(f"{index + 1}/{count}")
        self.position.setToolTip(f"Alternative {index + 1} of {count}")
        for widget in (self.previous_button, self.position, self.next_button):
            widget.setVisible(count > 1)

    def insert_at_cursor(self, text: str, caret: int | None = None) -> None:
        """Insert at the draft's cursor, keeping what is there; `caret` is an offset into text."""
        cursor = self.draft.textCursor()
        start = cursor.selectionStart() if cursor.hasSelection() else cursor.position()
        before = self.draft.toPlainText()[:start]
        lead = joiner(before, text)
        cursor.insertText(lead + text)
        if caret is not None:
            cursor.setPosition(start + len(lead) + caret)
        self.draft.setTextCursor(cursor)
        self.draft.setFocus()

    def show_sources(self, grounding: Sequence[CannedResponse]) -> None:
        if not grounding:
            self._set_sources("Not grounded: no canned response matched this conversation.")
            return
        names = ", ".join(f"[{i}] {c.title}" for i, c in enumerate(grounding, 1))
        self._set_sources(f"Grounded on: {names}")

    def _set_sources(self, text: str) -> None:
        self.sources.setText(text)
        self.sources.setVisible(bool(text))  # an empty line would take the draft's room

    def set_controls(self, can_generate: bool, can_stop: bool) -> None:
        self.generate_button.setEnabled(can_generate)
        self.regenerate_button.setEnabled(can_generate)
        self.rewrite_button.setEnabled(can_generate)
        self.stop_button.setEnabled(can_stop)
