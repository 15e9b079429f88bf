"""File > Choose model on a fake home with planted GGUFs and the real default model; loading
the real model with progress, Cancel, a failed load, and a stall probe on the GUI thread."""

import re
import time
from pathlib import Path

import pytest
from desktop import paths
from desktop import settings as settings_module
from desktop.drafting.session import (
    EngineState,
)
from desktop.engine import catalog
from desktop.engine.speed import SpeedCache
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow
from desktop.ui.widgets.model_picker import PATH_ROLE, SPEED_COLUMN, ModelPicker
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot

from tests.engine.gguf_files import write_gguf
from tests.engine.test_catalog import plant_linux_home
from tests.ui.conftest import WindowFactory
from tests.ui.test_main_window import wait_model

APP_ENV = ("OLLAMA_MODELS", "HF_HUB_CACHE", "HF_HOME", "LLAMA_CACHE", "JAN_DATA_FOLDER")


@pytest.fixture
def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """A user folder laid out like each local-LLM app's, as the catalog's tests plant it."""
    home = tmp_path / "user"
    planted = plant_linux_home(home)
    lmstudio = home / ".lmstudio/models/lmstudio-community/Vision"
    planted["mmproj"] = write_gguf(lmstudio / "mmproj-model-f16.gguf", arch="clip")
    planted["broken"] = lmstudio / "broken.Q4_K_M.gguf"
    planted["broken"].write_text("not a model")
    monkeypatch.setenv("HOME", str(home))
    for name in (*APP_ENV, "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    return planted


class StallProbe:
    """A 5 ms QTimer on the GUI thread; the longest gap between its ticks is the worst freeze."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._tick)
        self.last = 0.0
        self.max_gap = 0.0

    def _tick(self) -> None:
        now = time.perf_counter()
        self.max_gap = max(self.max_gap, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.timer.start()

    def stop(self) -> float:
        self.timer.stop()
        return self.max_gap


def open_picker(qtbot: QtBot, window: MainWindow) -> ModelPicker:
    window.choose_model()
    picker = window.models.picker
    assert picker is not None and picker.isVisible()
    qtbot.waitUntil(lambda: picker.catalog is not None, timeout=30_000)
    return picker


def rows(picker: ModelPicker) -> dict[str, list[str]]:
    """Each row's cells, keyed by the file's path."""
    found = {}
    for index in range(picker.tree.topLevelItemCount()):
        item = picker.tree.topLevelItem(index)
        assert item is not None
        found[str(item.data(0, PATH_ROLE))] = [item.text(c) for c in range(item.columnCount())]
    return found


def test_picker_lists_every_apps_models_and_hides_unusable_ones(
    qtbot: QtBot, make_window: WindowFactory, fake_home: dict[str, Path]
) -> None:
    window = make_window(Settings())
    wait_model(qtbot, window)
    picker = open_picker(qtbot, window)
    assert picker.catalog is not None
    found = picker.catalog
    print(f"\npicker scan: {len(found.entries)} files in {found.seconds * 1000:.0f} ms")
    shown = rows(picker)
    default = str(paths.default_model_path())
    assert default in shown
    sources = {cells[1] for cells in shown.values()}
    assert {"Ollama", "LM Studio", "GPT4All", "Jan", "Hugging Face"} <= sources
    # Columns from the header: architecture, parameters, quantization, context, template, size.
    smol = shown[default]
    assert smol[2] == "llama" and smol[3] == "135M" and smol[4] == "Q4_1"
    assert smol[5] == "8,192" and smol[6] == "yes" and "MiB" in smol[7]
    assert "free" in smol[8] and "In use" in smol[10]
    # The first row is the recommendation (no recent models yet), starred and named as such.
    first = picker.tree.topLevelItem(0)
    assert first is not None and first.text(0).startswith("★ ")
    assert "Recommended" in first.text(10) or "recommended" in first.text(10)
    # Projectors (Ollama's clip layer) are hidden until "show all", then greyed with the reason.
    assert not any("vision projector" in cells[10] for cells in shown.values())
    picker.show_all.setChecked(True)
    greyed = [c for c in rows(picker).values() if c[10].startswith("Cannot be used")]
    assert any("vision projector" in c[10] for c in greyed)
    assert any("broken" in c[0] for c in greyed)
    assert picker.summary.text().startswith(f"{len(picker.catalog.usable)} models found")
    picker.reject()


def test_choosing_a_model_loads_it_with_progress_without_freezing_the_window(
    qtbot: QtBot, make_window: WindowFactory, fake_home: dict[str, Path], tmp_path: Path
) -> None:
    window = make_window(Settings())
    wait_model(qtbot, window)
    # A second copy of the real default model, in a folder the agent adds.
    folder = tmp_path / "more-models"
    folder.mkdir()
    copy = folder / "SmolLM2-copy.Q4_1.gguf"
    copy.write_bytes(paths.default_model_path().read_bytes())
    picker = open_picker(qtbot, window)
    picker.folder_added.emit(str(folder))  # what "Add folder…" does after its folder dialog
    qtbot.waitUntil(lambda: str(copy) in rows(picker), timeout=30_000)
    assert settings_module.load().model_folders == (str(folder),)

    progress: list[float] = []
    window.assist.load_progress.connect(progress.append)
    before = window.assist.model_info
    probe = StallProbe()
    probe.start()
    assert picker.select_path(str(copy))
    with qtbot.waitSignal(window.assist.model_ready, timeout=60_000):
        qtbot.mouseClick(picker.load_button, Qt.MouseButton.LeftButton)
        # The model in use keeps serving while the next one loads.
        assert window.engine_status.load_progress.isVisible()
        assert window.suggestion.generate_button.isEnabled()
        assert window.assist.model_info is before
    stall = probe.stop()
    print(f"switching models: {len(progress)} progress steps, max GUI stall {stall * 1000:.0f} ms")
    assert stall < 0.25
    assert progress and progress[-1] == 1.0 and progress == sorted(progress)
    assert window.assist.model_info is not None and window.assist.model_info.path == copy
    assert not window.engine_status.load_progress.isVisible()
    saved = settings_module.load()
    assert saved.model_path == str(copy) and saved.recent_models[0] == str(copy)
    # Recent models come first next time.
    picker = open_picker(qtbot, window)
    first = picker.tree.topLevelItem(0)
    assert first is not None and first.data(0, PATH_ROLE) == str(copy)
    picker.reject()


def test_cancel_and_a_failed_load_leave_the_app_as_it_was(
    qtbot: QtBot, make_window: WindowFactory, fake_home: dict[str, Path]
) -> None:
    window = make_window(Settings())
    wait_model(qtbot, window)
    loaded = window.assist.model_info
    settings = window.drafts.settings

    # Cancel from the status bar, pressed as the load starts.
    with qtbot.waitSignal(window.assist.switch_failed, timeout=60_000) as failed:
        window.drafts.apply_settings(settings.replace(context_tokens=1024))
        assert window.engine_status.load_progress.isVisible()
        qtbot.mouseClick(
            window.engine_status.load_progress.cancel_button, Qt.MouseButton.LeftButton
        )
    assert "cancelled" in failed.args[0]
    assert window.assist.model_info is loaded and window.assist.state == EngineState.IDLE
    assert window.drafts.settings.context_tokens == settings.context_tokens
    assert not window.engine_status.load_progress.isVisible()

    # Cancel in the middle of llama.cpp's load: at a progress step past a third of the weights.
    def cancel_midway(_load_id: int, fraction: float) -> None:
        if fraction > 0.3:
            window.assist.cancel_load()

    window.assist.loader.progress.connect(cancel_midway, Qt.ConnectionType.DirectConnection)
    with qtbot.waitSignal(window.assist.switch_failed, timeout=60_000) as failed:
        window.drafts.apply_settings(settings.replace(context_tokens=1024))
    assert "cancelled" in failed.args[0]
    assert window.assist.model_info is loaded
    window.assist.loader.progress.disconnect(cancel_midway)

    # A planted GGUF has a real header but no weights: llama.cpp refuses it.
    picker = open_picker(qtbot, window)
    planted = str(fake_home["lmstudio"])
    assert picker.select_path(planted)
    with qtbot.waitSignal(window.assist.switch_failed, timeout=60_000) as failed:
        qtbot.mouseClick(picker.load_button, Qt.MouseButton.LeftButton)
    assert "phi-4" in failed.args[0]
    assert window.assist.model_info is loaded and window.assist.state == EngineState.IDLE
    assert "Still drafting with" in window.suggestion.error.text()
    assert settings_module.load().model_path == ""  # the failed choice is not kept


def test_measure_speed_runs_off_the_gui_thread_and_fills_the_speed_column(
    qtbot: QtBot, default_model: Path
) -> None:
    # The app's own folders only: the bundled default model is the one there, and recommended.
    found = catalog.scan(catalog.app_folders())
    best = catalog.recommend(found)
    default = str(paths.default_model_path())
    assert best is not None and best.path == default
    picker = ModelPicker(str(default_model.parent))
    qtbot.addWidget(picker)
    picker.show()
    picker.show_catalog(found, best, (), "")
    assert picker.select_path(default) and picker.measure_button.isEnabled()
    assert rows(picker)[default][SPEED_COLUMN] == ""  # never measured

    # Stop pressed right away: the load is abandoned, nothing is shown or cached.
    qtbot.mouseClick(picker.measure_button, Qt.MouseButton.LeftButton)
    assert picker.measure_button.text() == "Stop measuring"
    assert rows(picker)[default][SPEED_COLUMN] == "measuring…"
    qtbot.mouseClick(picker.measure_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: picker.measure_button.text() == "Measure speed", timeout=60_000)
    assert "cancelled" in picker.speed_status.text()
    assert picker.speed_of(default) is None and SpeedCache().get(Path(default)) is None

    # Measured for real, with load progress, while the window keeps repainting.
    probe = StallProbe()
    probe.start()
    qtbot.mouseClick(picker.measure_button, Qt.MouseButton.LeftButton)
    assert picker.progress.isVisible()
    qtbot.waitUntil(lambda: picker.speed_of(default) is not None, timeout=120_000)
    stall = probe.stop()
    measured = picker.speed_of(default)
    assert measured is not None and measured.decode_tps > 0 and measured.prompt_tps > 0
    print(f"measured {measured.label}, max GUI stall {stall * 1000:.0f} ms")
    assert stall < 0.25
    label = measured.label
    assert re.fullmatch(r"≈ \d+(\.\d)? tokens/s", label)
    assert rows(picker)[default][SPEED_COLUMN] == label
    assert f"({label} expected)" in picker.summary.text()
    assert not picker.progress.isVisible() and picker.measure_button.text() == "Measure speed"
    picker.reject()

    # Measured once: a new dialog shows it from the cache, recommendation line included.
    again = ModelPicker(str(default_model.parent))
    qtbot.addWidget(again)
    again.show_catalog(catalog.scan(catalog.app_folders()), best, (), "")
    assert rows(again)[default][SPEED_COLUMN] == label
    assert f"({label} expected)" in again.summary.text()
    again.reject()
