"""ResponseEditor: the form for one canned response. It never touches the database."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from desktop.store.canned import CannedResponse, states_action_column
from desktop.ui.manager.model import format_last_used, states_done_note
from desktop.ui.wording import count

BLANK = CannedResponse(title="", body="")


def parse_tags(text: str) -> tuple[str, ...]:
    """Comma-separated tags, trimmed, empty ones and repeats dropped, order kept."""
    seen: dict[str, None] = {}
    for tag in text.split(","):
        if tag.strip():
            seen.setdefault(tag.strip(), None)
    return tuple(seen)


class ResponseEditor(QWidget):
    """Edits a copy of one response; `edited()` gives the response as the form shows it.

    Signals:
        changed(): the form's content changed (typing, or a response was loaded).
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base = BLANK
        self.heading = QLabel(self)
        self.heading.setObjectName("managerEditorHeading")
        self.title_edit = QLineEdit(self)
        self.shortcode_edit = QLineEdit(self)
        self.shortcode_edit.setPlaceholderText("unique, e.g. refund-ok")
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setPlaceholderText("The reply; placeholders such as {{customer.first_name}}")
        # Read from the form as it is typed: "I have cancelled…" is noticed before it is saved.
        self.states_done_label = QLabel(self)
        self.states_done_label.setObjectName("managerStatesDone")
        self.states_done_label.setWordWrap(True)
        self.states_done_label.hide()
        self.category_edit = QLineEdit(self)
        self.tags_edit = QLineEdit(self)
        self.tags_edit.setPlaceholderText("comma, separated")
        self.language_edit = QLineEdit(self)
        self.language_edit.setPlaceholderText("en")
        self.notes_edit = QPlainTextEdit(self)
        self.notes_edit.setMaximumHeight(80)
        self.active_check = QCheckBox("Active (offered in search and suggestions)", self)
        self.usage_label = QLabel(self)
        self.error_label = QLabel(self)
        self.error_label.setObjectName("managerEditorError")
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #b00020;")
        self.error_label.hide()

        form = QFormLayout()
        form.addRow("&Title", self.title_edit)
        form.addRow("Short &code", self.shortcode_edit)
        form.addRow("&Body", self.body_edit)
        form.addRow("", self.states_done_label)
        form.addRow("Cate&gory", self.category_edit)
        form.addRow("T&ags", self.tags_edit)
        form.addRow("&Language", self.language_edit)
        form.addRow("&Notes", self.notes_edit)
        form.addRow("", self.active_check)
        form.addRow("", self.usage_label)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.error_label)
        layout.addLayout(form)

        for line in (
            self.title_edit,
            self.shortcode_edit,
            self.category_edit,
            self.tags_edit,
            self.language_edit,
        ):
            line.textChanged.connect(self._on_field_changed)
        self.body_edit.textChanged.connect(self._on_field_changed)
        self.notes_edit.textChanged.connect(self._on_field_changed)
        self.active_check.toggled.connect(self._on_field_changed)
        self.load(None)

    # --- state ------------------------------------------------------------------------------
    @property
    def base(self) -> CannedResponse:
        """The response as last loaded or saved."""
        return self._base

    def load(self, response: CannedResponse | None) -> None:
        """Show `response` (None: a blank new one); the form is clean afterwards."""
        self._base = response or BLANK
        widgets = (
            self.title_edit,
            self.shortcode_edit,
            self.body_edit,
            self.category_edit,
            self.tags_edit,
            self.language_edit,
            self.notes_edit,
            self.active_check,
        )
        for widget in widgets:
            widget.blockSignals(True)
        try:
            base = self._base
            self.title_edit.setText(base.title)
            self.shortcode_edit.setText(base.shortcode)
            self.body_edit.setPlainText(base.body)
            self.category_edit.setText(base.category)
            self.tags_edit.setText(", ".join(base.tags))
            self.language_edit.setText(base.language)
            self.notes_edit.setPlainText(base.notes)
            self.active_check.setChecked(base.active)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self.show_error("")
        self._refresh_labels()
        self.changed.emit()

    def show_edits(self, base: CannedResponse, edited: CannedResponse) -> None:
        """Load `base`, then put `edited`'s values in the form: unsaved edits, shown as such."""
        self.load(base)
        self.title_edit.setText(edited.title)
        self.shortcode_edit.setText(edited.shortcode)
        self.body_edit.setPlainText(edited.body)
        self.category_edit.setText(edited.category)
        self.tags_edit.setText(", ".join(edited.tags))
        self.language_edit.setText(edited.language)
        self.notes_edit.setPlainText(edited.notes)
        self.active_check.setChecked(edited.active)

    def mark_saved(self, stored: CannedResponse) -> None:
        """The worker stored the form: it becomes the base, and typing since then stays."""
        self._base = stored
        self._refresh_labels()
        self.changed.emit()

    def edited(self) -> CannedResponse:
        """The base response with the form's values; stale HTML is dropped with a new body."""
        body = self.body_edit.toPlainText()
        return replace(
            self._base,
            title=self.title_edit.text(),
            shortcode=self.shortcode_edit.text().strip(),
            body=body,
            body_html=self._base.body_html if body == self._base.body else "",
            category=self.category_edit.text(),
            tags=parse_tags(self.tags_edit.text()),
            language=self.language_edit.text().strip() or "en",
            notes=self.notes_edit.toPlainText(),
            active=self.active_check.isChecked(),
        )

    def is_dirty(self) -> bool:
        """True when the form differs from what is stored (a blank new form is not dirty)."""
        return self.edited() != self._base

    def problem(self) -> str:
        """Why the form cannot be saved as it is, or ""."""
        edited = self.edited()
        if not edited.title.strip() or not edited.body.strip():
            return "A response needs a title and a body before it can be saved."
        return ""

    def show_error(self, message: str) -> None:
        self.error_label.setText(message)
        self.error_label.setVisible(bool(message))

    def focus_title(self) -> None:
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    # --- slots ------------------------------------------------------------------------------
    @Slot()
    def _on_field_changed(self) -> None:
        self._refresh_labels()
        self.changed.emit()

    def _refresh_labels(self) -> None:
        edited = self.edited()
        note = states_done_note(
            replace(edited, states_action=states_action_column(edited.title, edited.body))
        )
        self.states_done_label.setText(note)
        self.states_done_label.setVisible(bool(note))
        base = self._base
        if base.id is None:
            self.heading.setText("New response (not saved yet)")
            self.usage_label.setText("")
        else:
            star = " *" if self.is_dirty() else ""
            self.heading.setText(f"{base.title or 'Untitled'}{star}")
            last = format_last_used(base.last_used_at) or "never"
            used = count(base.usage_count, "time")
            self.usage_label.setText(f"Used {used}; last used: {last}")
