"""Preferences: who the agent is (for placeholders), the model and how drafts are generated."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from desktop import paths
from desktop.drafting import options
from desktop.drafting.offered import Mode as CheckMode
from desktop.settings import Settings


class SettingsDialog(QDialog):
    """Opened with `open()`; emits the edited settings on OK.

    Signals:
        saved(object): the new Settings.
    """

    saved = Signal(object)

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
        form = QFormLayout(self)
        form.addRow("Your name (for {{agent.name}})", self.agent_name)
        form.addRow("Company (for {{company.name}})", self.company_name)
        form.addRow("Model file (GGUF)", model_row)
        form.addRow("Context window (tokens)", self.context_tokens)
        form.addRow("Longest draft (tokens)", self.max_tokens)
        form.addRow("Creativity (temperature)", self.temperature)
        form.addRow("Canned responses given to the model", self.grounding_count)
        form.addRow("Drafts", self.draft_mode)
        form.addRow("Drafts per request (alternatives)", self.alternatives)
        form.addRow("Sentences the sources do not support", self.draft_checks)
        form.addRow("CPU threads", self.threads)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        form.addRow(buttons)
        browse.clicked.connect(self._on_browse_clicked)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.accepted.connect(self._on_accepted)

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
        )

    @Slot()
    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a GGUF model", "", "GGUF models (*.gguf);;All files (*)"
        )
        if name:
            self.model_path.setText(name)

    @Slot()
    def _on_accepted(self) -> None:
        self.saved.emit(self.edited())
