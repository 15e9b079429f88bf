"""ModelChoice: File > Choose model. Opens the picker, scans off the GUI thread, loads the pick.

File > Check the model's writing lives here too: the check runs on the model thread and its
verdict goes to the status bar.

Choosing a model goes through the draft session like any settings change (saved, then loaded
in the background with a progress bar); a load that fails puts the settings back
(DraftSession.model_switch_failed), so the choice is remembered only if it works.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

from desktop.drafting import writing_check
from desktop.drafting.writing_check import WritingCheck
from desktop.engine.catalog import Catalog, recommend, remember_model
from desktop.settings import Settings
from desktop.ui.assist import AssistController
from desktop.ui.catalog_scan import CatalogScan
from desktop.ui.widgets.model_picker import ModelPicker


class ModelChoice(QObject):
    """Owns the scan thread and the picker dialog (one at a time).

    Signals:
        message(str, int): a status-bar line and how long it shows (ms).
    """

    message = Signal(str, int)

    def __init__(
        self,
        assist: AssistController,
        settings: Callable[[], Settings],
        apply_settings: Callable[[Settings], None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._assist = assist
        self._settings = settings
        self._apply = apply_settings
        self._window = parent
        self.picker: ModelPicker | None = None
        self.scan = CatalogScan(self)
        self.scan.progress.connect(self._on_scan_progress)
        self.scan.scanned.connect(self._on_scan_scanned)
        self.scan.failed.connect(self._on_scan_failed)
        assist.writing_checked.connect(self._on_writing_checked)
        assist.writing_failed.connect(self._on_writing_failed)

    @Slot()
    def check_writing(self) -> None:
        """A few short drafts by the loaded model decide whether it may write whole replies."""
        info = self._assist.model_info
        if info is None:
            self.message.emit("Load a model first (File > Choose model).", 8000)
            return
        self.message.emit(f"Checking how {info.name} writes: three short drafts…", 8000)
        self._assist.check_writing()

    @Slot(object)
    def _on_writing_checked(self, check: WritingCheck) -> None:
        info = self._assist.model_info
        line = writing_check.verdict(check, info.name if info else "The model")
        self.message.emit(line, 15000)

    @Slot(str)
    def _on_writing_failed(self, reason: str) -> None:
        self.message.emit(reason, 8000)

    @Slot()
    def open(self) -> None:
        settings = self._settings()
        self.picker = ModelPicker(str(settings.resolved_model_path().parent), self._window)
        self.picker.chosen.connect(self._on_picker_chosen)
        self.picker.folder_added.connect(self._on_picker_folder_added)
        self.picker.finished.connect(self._on_picker_finished)
        self.picker.open()  # window-modal without blocking the event loop
        self._rescan()

    def _rescan(self) -> None:
        settings = self._settings()
        if self.picker is not None:
            self.picker.begin_scan()
        self.scan.start(settings.model_folders, settings.context_tokens)

    @Slot(int, int)
    def _on_scan_progress(self, done: int, total: int) -> None:
        if self.picker is not None:
            self.picker.show_progress(done, total)

    @Slot(object)
    def _on_scan_scanned(self, found: Catalog) -> None:
        if self.picker is None:
            return
        settings = self._settings()
        info = self._assist.model_info
        current = str(info.path) if info is not None else ""
        self.picker.show_catalog(found, recommend(found), settings.recent_models, current)

    @Slot(str)
    def _on_scan_failed(self, message: str) -> None:
        if self.picker is not None:
            self.picker.show_error(message)

    @Slot(str)
    def _on_picker_chosen(self, path: str) -> None:
        # A local file replaces a configured server: the agent picked this model to draft with.
        chosen = remember_model(self._settings(), path).replace(server_url="", server_model="")
        self._apply(chosen)

    @Slot(str)
    def _on_picker_folder_added(self, folder: str) -> None:
        settings = self._settings()
        if folder not in settings.model_folders:
            self._apply(settings.replace(model_folders=(*settings.model_folders, folder)))
        self._rescan()

    @Slot(int)
    def _on_picker_finished(self, _result: int) -> None:
        self.scan.cancel()
        self.picker = None

    def shutdown(self) -> None:
        self.scan.shutdown()
