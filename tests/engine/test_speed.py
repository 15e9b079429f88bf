"""The warm-up speed measurement on the real default model: measured once, then cached."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import pytest
from desktop import paths
from desktop.engine import speed
from desktop.engine.speed import SpeedCache, measure
from desktop.errors import LoadCancelledError


def test_default_model_is_measured_once_then_read_from_the_cache(default_model: Path) -> None:
    loads: list[float] = []
    first = measure(default_model, progress=loads.append)
    assert loads and loads[-1] == pytest.approx(1.0)  # the model really loaded
    assert first.prompt_tps > 0 and first.decode_tps > 0
    assert first.cpu_variant
    assert (paths.cache_dir() / speed.CACHE_FILE).is_file()

    loads.clear()
    second = measure(default_model, progress=loads.append)
    assert loads == []  # no second load
    assert second == first
    assert SpeedCache().get(default_model) == first  # a new process reads it back too
    assert SpeedCache().get(default_model, "no-such-variant") is None


def test_a_changed_file_is_measured_again(default_model: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.gguf"
    shutil.copyfile(default_model, copy)
    first = measure(copy)
    with copy.open("ab") as handle:
        handle.write(b"\0")  # size and mtime change: the old figure no longer describes it
    assert SpeedCache().get(copy) is None
    assert SpeedCache().get(default_model) is None  # each file is measured on its own
    assert first.decode_tps > 0


def test_cancel_aborts_the_load_and_caches_nothing(default_model: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(LoadCancelledError):
        measure(default_model, cancel=cancel)
    assert SpeedCache().get(default_model) is None
