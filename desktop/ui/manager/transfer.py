"""Import and export helpers for the manager: file dialogs, format names, summaries."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QFileDialog, QLabel, QWidget

from desktop.importers import format_names
from desktop.library.service import ImportReport
from desktop.ui.manager.controller import ManagerController
from desktop.ui.manager.worker import Operation

AUTO = "auto"
_LABELS = {
    "json": "Agent Assist JSON",
    "csv": "Agent Assist CSV",
    "zendesk": "Zendesk macros",
    "freshdesk": "Freshdesk canned responses",
    "chatwoot": "Chatwoot canned responses",
    "zammad": "Zammad text modules",
    "intercom": "Intercom macros",
    "osticket": "osTicket canned responses",
    "helpscout": "Help Scout saved replies",
    "espanso": "Espanso match file",
    "textexpander": "TextExpander snippets",
    "bitext": "Bitext evaluation library",
}
IMPORT_FILTER = "Canned responses (*.json *.csv *.yml *.yaml *.sql *.textexpander *.txt);;All (*)"
EXPORT_FILTER = "JSON (*.json);;CSV (*.csv)"
SHOWN_WARNINGS = 5


def import_formats() -> list[tuple[str, str]]:
    """(label, format) pairs for the format combo: Auto-detect, then the registry's formats."""
    return [("Auto-detect", AUTO), *((_LABELS.get(f, f.title()), f) for f in format_names())]


def export_target(name: str, chosen_filter: str = "") -> tuple[Path, str]:
    """The path and format for an export: by extension, else the dialog's filter (JSON)."""
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix in (".json", ".csv"):
        return path, suffix[1:]
    fmt = "csv" if chosen_filter.startswith("CSV") else "json"
    return path.with_name(f"{path.name}.{fmt}"), fmt


def describe_import(path: str, report: ImportReport) -> str:
    """The summary shown after an import: counts, unknown placeholders, warnings."""
    lines = [
        f"Imported {Path(path).name} ({_LABELS.get(report.format, report.format)}): "
        f"{report.added} added, {report.updated} updated, {report.skipped} skipped."
    ]
    if report.unknown_placeholders:
        lines.append(
            "Unknown placeholders kept as they are: " + ", ".join(report.unknown_placeholders)
        )
    for warning in report.warnings[:SHOWN_WARNINGS]:
        lines.append(f"• {warning}")
    if len(report.warnings) > SHOWN_WARNINGS:
        lines.append(f"… and {len(report.warnings) - SHOWN_WARNINGS} more warnings.")
    return "\n".join(lines)


def describe_import_error(path: str, message: str) -> str:
    return f"Could not import {Path(path).name}: {message}\nNothing was imported."


def ask_import_files(parent: QWidget) -> list[str]:
    """The files to import, from the platform's file chooser."""
    names, _ = QFileDialog.getOpenFileNames(parent, "Import canned responses", "", IMPORT_FILTER)
    return names


def ask_export_path(parent: QWidget) -> tuple[str, str]:
    """The default save dialog: (file name or "", the chosen filter)."""
    return QFileDialog.getSaveFileName(
        parent, "Export canned responses", "canned-responses.json", EXPORT_FILTER
    )


class ImportExport(QObject):
    """Sends imports and exports to the worker and shows their outcome in a banner label.

    Signals:
        imported(): an import finished; the library may have changed.
    """

    imported = Signal()

    def __init__(
        self, controller: ManagerController, banner: QLabel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._banner = banner
        self._imports: dict[int, str] = {}
        controller.imported.connect(self._on_controller_imported)
        controller.exported.connect(self._on_controller_exported)
        controller.failed.connect(self._on_controller_failed)

    def import_file(self, path: str, fmt: str = AUTO) -> None:
        self.show(f"Importing {Path(path).name}…")
        self._imports[self._controller.import_file(path, fmt)] = path

    def export(self, path: str, fmt: str) -> None:
        self.show(f"Exporting to {path}…")
        self._controller.export(path, fmt)

    def show(self, text: str, error: bool = False) -> None:
        self._banner.setText(text)
        self._banner.setStyleSheet("color: #b00020;" if error else "")
        self._banner.show()

    @Slot(int, str, object)
    def _on_controller_imported(self, request_id: int, path: str, report: ImportReport) -> None:
        self._imports.pop(request_id, None)
        self.show(describe_import(path, report))
        self.imported.emit()

    @Slot(str, int)
    def _on_controller_exported(self, path: str, count: int) -> None:
        self.show(f"Exported {count} responses to {path}.")

    @Slot(int, object, str)
    def _on_controller_failed(self, request_id: int, operation: Operation, message: str) -> None:
        if operation == Operation.IMPORT:
            path = self._imports.pop(request_id, "the file")
            self.show(describe_import_error(path, message), error=True)
        elif operation == Operation.EXPORT:
            self.show(message, error=True)
