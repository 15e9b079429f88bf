"""Preferences: who the agent is (for placeholders), the model or team server, and drafting.

The team server's API key goes to the OS keyring (desktop.engine.api_key) when saved, never
into the settings; "Test connection" runs on its own thread (desktop.ui.server_check). The
global shortcut's line says what the running one does (or why there is none); the launcher
registers a changed one, and writes or removes the login entry, when the settings are saved.
The Local API page is local_api_settings.py's.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QKeySequenceEdit,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop import paths
from desktop.drafting import options
from desktop.drafting.offered import Mode as CheckMode
from desktop.engine.api_key import ENV_VAR, set_api_key
from desktop.engine.openai_server import ServerCheck
from desktop.settings import Settings
from desktop.system.hotkey_keys import ShortcutError, parse
from desktop.ui.global_hotkey import find_hotkey
from desktop.ui.server_check import ServerCheckRunner
from desktop.ui.widgets.local_api_settings import LocalApiSettings

APPLIED_ON_SAVE = "Registered when you save."
SHARED_EXAMPLES = (
    "Shared beside each team library file (canned subscribe): the customer's side of "
    "conversations you answered with a team response, with emails and long numbers removed; "
    "never your drafts or your own responses. Your team's shared picks teach your ranking too."
)


class SettingsDialog(QDialog):
    """Opened with `open()`; emits the edited settings on OK.

    Signals:
        saved(object): the new Settings.
        key_failed(str): the API key could not be stored; says what to do instead.
    """

    saved = Signal(object)
    key_failed = Signal(str)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._settings = settings
        self.agent_name = QLineEdit(settings.agent_name, self)
        self.company_name = QLineEdit(settings.company_name, self)
        self.model_path = QLineEdit(settings.model_path, self)
        self.model_path.setPlaceholderText(f"bundled default ({paths.DEFAULT_MODEL_NAME})")
        browse = QPushButton("Browse…", self)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model_path, 1)
        model_row.addWidget(browse)
        self.context_tokens = self._spin(512, 131_072, settings.context_tokens, 512)
        self.max_tokens = self._spin(16, 4096, settings.max_tokens, 16)
        self.grounding_count = self._spin(0, 10, settings.grounding_count, 1)
        self.threads = self._spin(0, 256, settings.threads, 1)
        self.threads.setSpecialValueText("automatic")
        self.temperature = QDoubleSpinBox(self)
        self.temperature.setRange(0.0, 2.0)
        self.temperature.setSingleStep(0.1)
        self.temperature.setValue(settings.temperature)
        chosen = options.from_settings(settings)
        self.draft_mode = self._choice(
            [
                ("Adapt the best canned response (safer)", options.DraftMode.ADAPT),
                ("Let the model write the whole reply", options.DraftMode.FREE),
            ],
            chosen.mode,
        )
        self.alternatives = self._spin(1, 10, chosen.alternatives, 1)
        self.draft_checks = self._choice(
            [
                ("Take them out (one click restores)", CheckMode.REMOVE),
                ("Only underline them", CheckMode.MARK),
            ],
            chosen.checks,
        )
        self.server_url = QLineEdit(settings.server_url, self)
        self.server_url.setPlaceholderText(
            "none: draft on this computer (e.g. http://team:8080/v1)"
        )
        self.server_model = QLineEdit(settings.server_model, self)
        self.server_model.setPlaceholderText("the server's only model")
        self.api_key = QLineEdit(self)
        self.api_key.setEchoMode(QLineEdit.EchoMode.Password)
        self.api_key.setPlaceholderText("kept in the OS keyring; type to replace")
        self.test_button = QPushButton("Test connection", self)
        self.test_result = QLabel("", self)
        self.test_result.setObjectName("serverCheck")
        self.test_result.setWordWrap(True)
        self.test_result.setTextFormat(Qt.TextFormat.PlainText)
        self.test_result.hide()
        key_row = QHBoxLayout()
        key_row.addWidget(self.api_key, 1)
        key_row.addWidget(self.test_button)
        self.key_saved: bool | None = None  # after Save: whether the keyring took a typed key
        self.shortcut_enabled = QCheckBox("On:", self)
        self.shortcut_enabled.setChecked(settings.global_shortcut_enabled)
        self.shortcut = QKeySequenceEdit(QKeySequence(settings.global_shortcut), self)
        self.shortcut.setMaximumSequenceLength(1)
        self.shortcut.setClearButtonEnabled(True)
        self.shortcut_status = QLabel("", self)
        self.shortcut_status.setObjectName("shortcutStatus")
        self.shortcut_status.setWordWrap(True)
        self.shortcut_status.setTextFormat(Qt.TextFormat.PlainText)
        self.shortcut_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        shortcut_row = QHBoxLayout()
        shortcut_row.addWidget(self.shortcut_enabled)
        shortcut_row.addWidget(self.shortcut, 1)
        self.start_at_login = QCheckBox("Start at login, minimised to the tray", self)
        self.start_at_login.setChecked(settings.start_at_login)
        self.share_examples = QCheckBox("Share my picks of team responses with the team", self)
        self.share_examples.setChecked(settings.share_examples)
        self.api = LocalApiSettings(settings, self)
        self._checks: ServerCheckRunner | None = None
        # One page per concern: the whole form in one column no longer fits a laptop screen.
        self.pages = QTabWidget(self)
        drafting = self._page("&Drafting")
        drafting.addRow("Your name (for {{agent.name}})", self.agent_name)
        drafting.addRow("Company (for {{company.name}})", self.company_name)
        drafting.addRow("Model file (GGUF)", model_row)
        drafting.addRow("Context window (tokens)", self.context_tokens)
        drafting.addRow("Longest draft (tokens)", self.max_tokens)
        drafting.addRow("Creativity (temperature)", self.temperature)
        drafting.addRow("Canned responses given to the model", self.grounding_count)
        drafting.addRow("Drafts", self.draft_mode)
        drafting.addRow("Drafts per request (alternatives)", self.alternatives)
        drafting.addRow("Sentences the sources do not support", self.draft_checks)
        drafting.addRow("CPU threads", self.threads)
        server = self._page("&Team server")
        server.addRow(_hint("Optional: a shared llama.cpp, vLLM or Ollama server.", self))
        server.addRow("Server URL", self.server_url)
        server.addRow("Model name", self.server_model)
        server.addRow("API key", key_row)
        server.addRow(self.test_result)
        server.addRow(self.share_examples)
        server.addRow(_hint(SHARED_EXAMPLES, self))
        helpdesk = self._page("&From the helpdesk")
        helpdesk.addRow("Global shortcut", shortcut_row)
        helpdesk.addRow(self.shortcut_status)
        helpdesk.addRow(self.start_at_login)
        api = self._page("&Local API")
        api.addRow(_hint("For helpdesk sidebars and browser extensions.", self))
        self.api.add_rows(api)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.pages, 1)
        layout.addWidget(buttons)
        self.resize(self.sizeHint())  # room for the longest choice ("Adapt … (safer)")
        self.shortcut_enabled.toggled.connect(self._on_shortcut_changed)
        self.shortcut.keySequenceChanged.connect(self._on_shortcut_changed)
        self._on_shortcut_changed()
        browse.clicked.connect(self._on_browse_clicked)
        self.test_button.clicked.connect(self.test_connection)
        self.finished.connect(self._on_finished)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(self._on_accepted)

    def _page(self, title: str) -> QFormLayout:
        page = QWidget(self.pages)
        self.pages.addTab(page, title)
        return QFormLayout(page)

    def _spin(self, low: int, high: int, value: int, step: int) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(low, high)
        spin.setSingleStep(step)
        spin.setValue(value)
        return spin

    def _choice(self, items: list[tuple[str, str]], current: str) -> QComboBox:
        box = QComboBox(self)
        for label, value in items:
            box.addItem(label, str(value))
        box.setCurrentIndex(max(box.findData(str(current)), 0))
        return box

    def edited(self) -> Settings:
        return self._settings.replace(
            agent_name=self.agent_name.text().strip(),
            company_name=self.company_name.text().strip(),
            model_path=self.model_path.text().strip(),
            context_tokens=self.context_tokens.value(),
            max_tokens=self.max_tokens.value(),
            temperature=round(self.temperature.value(), 2),
            grounding_count=self.grounding_count.value(),
            threads=self.threads.value(),
            draft_mode=str(self.draft_mode.currentData()),
            alternatives=self.alternatives.value(),
            draft_checks=str(self.draft_checks.currentData()),
            server_url=self.server_url.text().strip(),
            server_model=self.server_model.text().strip(),
            global_shortcut_enabled=self.shortcut_enabled.isChecked(),
            # Cleared while off: keep the old one, so turning it on again brings it back.
            global_shortcut=self.shortcut_text() or self._settings.global_shortcut,
            start_at_login=self.start_at_login.isChecked(),
            api_enabled=self.api.enabled.isChecked(),
            api_port=self.api.port.value(),
            api_origins=self.api.origins(),
            share_examples=self.share_examples.isChecked(),
        )

    def shortcut_text(self) -> str:
        sequence = self.shortcut.keySequence()
        return sequence.toString(QKeySequence.SequenceFormat.PortableText)

    @Slot()
    def _on_shortcut_changed(self) -> None:
        """Say what the shortcut does; a combination that cannot be registered blocks Save."""
        enabled = self.shortcut_enabled.isChecked()
        text = self.shortcut_text()
        self.shortcut.setEnabled(enabled)
        problem = ""
        if enabled:
            try:
                parse(text)
            except ShortcutError as exc:
                problem = str(exc)
        self.save_button.setEnabled(not problem)
        hotkey = find_hotkey(self.parent())
        unchanged = (enabled, text) == (
            self._settings.global_shortcut_enabled,
            self._settings.global_shortcut,
        )
        if problem:
            status = problem
        elif hotkey is not None and (unchanged or not hotkey.available):
            status = hotkey.status  # what the running app did with it, or why it cannot
        else:
            status = APPLIED_ON_SAVE
        self.shortcut_status.setText(status)

    @Slot()
    def test_connection(self) -> None:
        url = self.server_url.text().strip()
        if not url:
            self._show_check(False, "Enter the server's URL first.")
            return
        if self._checks is None:
            self._checks = ServerCheckRunner(self)
            self._checks.checked.connect(self._on_checks_checked)
        self.test_button.setEnabled(False)
        self._show_check(None, f"Connecting to {url}…")
        self._checks.start(url, self.server_model.text().strip(), self.api_key.text().strip())

    @Slot(object)
    def _on_checks_checked(self, result: ServerCheck) -> None:
        self.test_button.setEnabled(True)
        text = result.message
        if result.ok:
            text = f"{text} ({result.seconds * 1000:.0f} ms)"
        self._show_check(result.ok, text)

    def _show_check(self, ok: bool | None, text: str) -> None:
        self.test_result.setText(text)
        self.test_result.setProperty("ok", "" if ok is None else str(ok).lower())
        self.test_result.style().unpolish(self.test_result)
        self.test_result.style().polish(self.test_result)
        self.test_result.show()

    @Slot(int)
    def _on_finished(self, _result: int) -> None:
        if self._checks is not None:
            self._checks.shutdown()
            self._checks = None

    @Slot()
    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a GGUF model", "", "GGUF models (*.gguf);;All files (*)"
        )
        if name:
            self.model_path.setText(name)

    @Slot()
    def _on_accepted(self) -> None:
        edited = self.edited()
        key = self.api_key.text().strip()
        if key and edited.server_url:
            self.key_saved = set_api_key(edited.server_url, key)
            if not self.key_saved:
                self.key_failed.emit(
                    "No OS keyring is available: the API key was not saved. "
                    f"Set ${ENV_VAR} for the app instead."
                )
        if problem := self.api.keep_token(edited.api_enabled):
            self.key_failed.emit(problem)
        self.saved.emit(edited)


def _hint(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setObjectName("paneHint")
    label.setWordWrap(True)
    return label
