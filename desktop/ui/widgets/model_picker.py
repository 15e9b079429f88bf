"""File > Choose model: every GGUF on this computer, described from its header, to pick from."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop.engine import model_facts
from desktop.engine.catalog import Catalog, ModelEntry
from desktop.engine.speed import Speed, SpeedCache
from desktop.ui.catalog_scan import SpeedMeasure

GIB = 1024**3
COLUMNS = (
    "Model", "Source", "Architecture", "Parameters", "Quantization", "Context", "Chat template",
    "Size", "Memory needed", "Speed", "Note",
)  # fmt: skip
SPEED_COLUMN = COLUMNS.index("Speed")
NOTE_COLUMN = COLUMNS.index("Note")
PATH_ROLE = Qt.ItemDataRole.UserRole
GREY = QColor("#9ca3af")
RECOMMENDED_BACKGROUND = QColor("#ecfdf5")
TIGHT = QColor("#b45309")


def gib(size: int) -> str:
    return f"{size / GIB:.1f} GiB" if size >= GIB / 10 else f"{size / 1024**2:.0f} MiB"


def ordered(
    entries: Sequence[ModelEntry], recent: Sequence[str], recommended: ModelEntry | None
) -> list[ModelEntry]:
    """Recent models first (newest first), then the recommendation, then the rest by size."""
    rank = {path: n for n, path in enumerate(recent)}

    def key(entry: ModelEntry) -> tuple[int, int, int, int, str]:
        return (
            rank.get(entry.path, len(rank)),
            0 if recommended is not None and entry.path == recommended.path else 1,
            0 if entry.usable else 1,
            -entry.facts.parameters,
            entry.name.casefold(),
        )

    return sorted(entries, key=key)


class ModelPicker(QDialog):
    """Display only: the controller scans (off the GUI thread) and loads what is chosen.

    Signals:
        chosen(str): load the model file at this path.
        folder_added(str): scan this folder too, from now on.

    "Measure speed" is the exception to display only: the dialog runs the warm-up itself (on
    its own model-speed thread, see SpeedMeasure) because the result only feeds this table.
    """

    chosen = Signal(str)
    folder_added = Signal(str)

    def __init__(self, start_folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choose a model")
        self.resize(1080, 520)
        self._start_folder = start_folder
        self.catalog: Catalog | None = None
        title = QLabel("Models on this computer", self)
        title.setObjectName("paneTitle")
        self.summary = QLabel("Looking for models…", self)
        self.summary.setObjectName("paneHint")
        self.progress = QProgressBar(self)
        self.progress.setFixedWidth(220)
        self.progress.setTextVisible(False)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("modelTable")
        self.tree.setColumnCount(len(COLUMNS))
        self.tree.setHeaderLabels(list(COLUMNS))
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        header = self.tree.header()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.show_all = QCheckBox("Show all files, also those that cannot be used", self)
        self.add_folder_button = QPushButton("Add folder…", self)
        self.add_folder_button.setToolTip("Also look for GGUF files in a folder of your choice")
        self.browse_button = QPushButton("Browse for a file…", self)
        self.browse_button.setToolTip("Load any GGUF file")
        self.cancel_button = QPushButton("Cancel", self)
        self.load_button = QPushButton("Load model", self)
        self.load_button.setObjectName("primary")
        self.load_button.setDefault(True)
        self.measure_button = QPushButton("Measure speed", self)
        self.measure_button.setToolTip(
            "Load the selected model briefly and time a short reply: its expected speed here"
        )
        self.speed_status = QLabel("", self)
        self.speed_status.setObjectName("paneHint")
        top = QHBoxLayout()
        top.addWidget(title)
        top.addStretch(1)
        top.addWidget(self.progress)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_folder_button)
        buttons.addWidget(self.browse_button)
        buttons.addSpacing(12)
        buttons.addWidget(self.show_all)
        buttons.addStretch(1)
        buttons.addWidget(self.speed_status)
        buttons.addWidget(self.measure_button)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.load_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 1)
        layout.addLayout(buttons)
        self._recent: tuple[str, ...] = ()
        self._current = ""
        self._recommended: ModelEntry | None = None
        self._speeds: dict[str, Speed] = {}
        self._measure: SpeedMeasure | None = None
        self._measuring = ""  # the path being measured
        self.show_all.toggled.connect(self._on_show_all_toggled)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.tree.itemDoubleClicked.connect(self._on_tree_item_double_clicked)
        self.load_button.clicked.connect(self.load_current)
        self.measure_button.clicked.connect(self._on_measure_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.add_folder_button.clicked.connect(self._on_add_folder_clicked)
        self.browse_button.clicked.connect(self._on_browse_clicked)
        self.load_button.setEnabled(False)
        self.measure_button.setEnabled(False)

    # --- what the controller shows ---------------------------------------------------------
    def show_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)
        self.progress.show()
        self.summary.setText(f"Reading model headers… {done} of {total}")

    def begin_scan(self) -> None:
        self.progress.setRange(0, 0)  # busy until the first file is found
        self.progress.show()
        self.summary.setText("Looking for models…")

    def show_catalog(
        self,
        found: Catalog,
        recommended: ModelEntry | None,
        recent: Sequence[str],
        current: str,
    ) -> None:
        self.catalog = found
        self._recommended = recommended
        self._recent = tuple(recent)
        self._current = current
        self.progress.hide()
        cache = SpeedCache()  # one small JSON file: speeds measured before, by any dialog or CLI
        speeds = ((e.path, cache.get(Path(e.path))) for e in found.entries if e.usable)
        self._speeds = {path: known for path, known in speeds if known is not None}
        self._summarize()
        self._fill()

    def _summarize(self) -> None:
        found, recommended = self.catalog, self._recommended
        if found is None:
            return
        usable = len(found.usable)
        hidden = len(found.entries) - usable
        free = found.memory.available_bytes
        parts = [
            f"{usable} model{'s' if usable != 1 else ''} found in {found.seconds:.2f} s",
            f"{gib(free)} of memory free" if free else "",
            f"{hidden} other file{'s' if hidden != 1 else ''} hidden" if hidden else "",
        ]
        if recommended is not None:
            known = self._speeds.get(recommended.path)
            expected = f" ({known.label} expected)" if known else ""
            parts.append(f"recommended for this computer: {recommended.name}{expected}")
        self.summary.setText(" · ".join(p for p in parts if p))

    def show_error(self, message: str) -> None:
        self.progress.hide()
        self.summary.setText(message)

    # --- the table ---------------------------------------------------------------------------
    def _fill(self) -> None:
        self.tree.clear()
        if self.catalog is None:
            return
        free = self.catalog.memory.available_bytes
        entries = [e for e in self.catalog.entries if e.usable or self.show_all.isChecked()]
        for entry in ordered(entries, self._recent, self._recommended):
            self.tree.addTopLevelItem(self._row(entry, free))
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self._enable_buttons()

    def _enable_buttons(self) -> None:
        selected = self._selected()
        self.load_button.setEnabled(selected is not None)
        self.measure_button.setEnabled(selected is not None or bool(self._measuring))

    def _row(self, entry: ModelEntry, free: int) -> QTreeWidgetItem:
        facts = entry.facts
        recommended = self._recommended is not None and entry.path == self._recommended.path
        name = ("★ " if recommended else "") + (facts.title or entry.name)
        need = f"{gib(entry.memory_bytes)} of {gib(free)} free" if free else gib(entry.memory_bytes)
        item = QTreeWidgetItem(
            [
                name,
                entry.source,
                facts.architecture or "—",
                model_facts.format_parameters(facts.parameters) if facts.parameters else "—",
                facts.quantization or "—",
                f"{facts.trained_context:,}" if facts.trained_context else "—",
                "yes" if facts.chat_template else "no",
                gib(entry.size_bytes),
                need if entry.usable else "—",
                self._speed_text(entry.path),
                self._note(entry, recommended),
            ]
        )
        item.setData(0, PATH_ROLE, entry.path)
        item.setToolTip(0, entry.path)
        for column in range(len(COLUMNS)):
            item.setToolTip(column, entry.reason or entry.path)
        if not entry.usable:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for column in range(len(COLUMNS)):
                item.setForeground(column, QBrush(GREY))
        elif not entry.fits:
            item.setForeground(8, QBrush(TIGHT))
        if recommended:
            bold = QFont(self.tree.font())
            bold.setBold(True)
            item.setFont(0, bold)
            for column in range(len(COLUMNS)):
                item.setBackground(column, QBrush(RECOMMENDED_BACKGROUND))
        return item

    def _note(self, entry: ModelEntry, recommended: bool) -> str:
        if not entry.usable:  # the whole reason is in the row's tooltip
            return f"Cannot be used: {entry.reason.split(',')[0]}"
        notes = []
        if entry.path == self._current:
            notes.append("in use")
        if recommended:
            notes.append("recommended")
        if entry.path in self._recent and entry.path != self._current:
            notes.append("recent")
        if not entry.fits:
            notes.append("too big for the free memory")
        return ", ".join(notes).capitalize()

    def _selected(self) -> str | None:
        item = self.tree.currentItem()
        if item is None or not item.flags() & Qt.ItemFlag.ItemIsSelectable:
            return None
        path = item.data(0, PATH_ROLE)
        return str(path) if path else None

    def select_path(self, path: str) -> bool:
        """Make the row of `path` current (tests and the recent list use it)."""
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, PATH_ROLE) == path:
                self.tree.setCurrentItem(item)
                return True
        return False

    # --- what the agent does -----------------------------------------------------------------
    @Slot()
    def load_current(self) -> None:
        path = self._selected()
        if path is not None:
            self.chosen.emit(path)
            self.accept()

    @Slot(bool)
    def _on_show_all_toggled(self, _checked: bool) -> None:
        self._fill()

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_tree_current_item_changed(
        self, _current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        self._enable_buttons()

    @Slot(QTreeWidgetItem, int)
    def _on_tree_item_double_clicked(self, _item: QTreeWidgetItem, _column: int) -> None:
        self.load_current()

    @Slot()
    def _on_add_folder_clicked(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Add a folder with GGUF models")
        if folder:
            self.folder_added.emit(str(Path(folder)))

    @Slot()
    def _on_browse_clicked(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Choose a GGUF model", self._start_folder, "GGUF models (*.gguf);;All files (*)"
        )
        if name:
            self.chosen.emit(str(Path(name)))
            self.accept()

    # --- Measure speed -------------------------------------------------------------------------
    def _speed_text(self, path: str) -> str:
        known = self._speeds.get(path)
        return known.label if known else ("measuring…" if path == self._measuring else "")

    def _show_speed(self, path: str) -> None:
        for index in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(index)
            if item is not None and item.data(0, PATH_ROLE) == path:
                item.setText(SPEED_COLUMN, self._speed_text(path))

    def speed_of(self, path: str) -> Speed | None:
        return self._speeds.get(path)

    @Slot()
    def _on_measure_clicked(self) -> None:
        if self._measuring:  # the button reads "Stop measuring"
            if self._measure is not None:
                self._measure.cancel()
            return
        path = self._selected()
        if path is None:
            return
        # A thread per measurement, joined when it ends: none is left running with the dialog.
        self._measure = SpeedMeasure(self)
        self._measure.progress.connect(self._on_measure_progress)
        self._measure.measured.connect(self._on_measure_measured)
        self._measure.failed.connect(self._on_measure_failed)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self._stop_measuring)
        self._measuring = path
        self._speeds.pop(path, None)
        self.measure_button.setText("Stop measuring")
        self.speed_status.setText(f"Loading {Path(path).name}…")
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.show()
        self._show_speed(path)
        self._measure.start(path)

    @Slot(float)
    def _on_measure_progress(self, fraction: float) -> None:
        self.progress.setValue(round(fraction * 100))
        name = Path(self._measuring).name
        self.speed_status.setText(
            f"Loading {name}… {fraction:.0%}" if fraction < 1 else f"Timing {name}…"
        )

    @Slot(str, object)
    def _on_measure_measured(self, path: str, found: Speed) -> None:
        self._speeds[path] = found
        self._measure_ended(path, f"{Path(path).name}: {found.label}")
        self._summarize()

    @Slot(str, str)
    def _on_measure_failed(self, path: str, message: str) -> None:
        self._measure_ended(path, message)

    def _measure_ended(self, path: str, status: str) -> None:
        self._stop_measuring()
        self.measure_button.setText("Measure speed")
        self.speed_status.setText(status)
        self.speed_status.setToolTip(status)
        self.progress.hide()
        self._show_speed(path)
        self._enable_buttons()

    @Slot()
    def _stop_measuring(self) -> None:
        """Cancel a measurement still running and join its thread (at once when it has ended)."""
        measure, self._measure = self._measure, None
        self._measuring = ""
        if measure is not None:
            app = QCoreApplication.instance()
            if app is not None:
                app.aboutToQuit.disconnect(self._stop_measuring)
            measure.shutdown()
            measure.deleteLater()

    def done(self, result: int) -> None:
        """Closing the dialog stops a measurement: its thread belongs to the dialog."""
        self._stop_measuring()
        super().done(result)
