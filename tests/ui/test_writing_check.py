"""The writing check from the window: File > Check the model's writing, on the real model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from desktop.drafting.model_quality import FREE_WRITING_BYTES, needs_writing_check
from desktop.drafting.session import EngineState
from desktop.drafting.writing_check import WritingCache, WritingCheck
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.ui.main_window import MainWindow
from PySide6.QtGui import QAction
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory


def _action(window: MainWindow, text: str) -> QAction:
    found = [a for a in window.actions() if a.text() == text]
    assert len(found) == 1, [a.text() for a in window.actions()]
    return found[0]


def test_the_window_checks_the_model_s_writing_and_remembers_it(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=60_000)
    info = window.assist.model_info
    assert info is not None and WritingCache().get(info.path) is None
    checks: list[WritingCheck] = []
    window.assist.writing_checked.connect(checks.append)
    _action(window, "Check the model's &writing").trigger()
    assert "Checking how" in window.statusBar().currentMessage()
    qtbot.waitUntil(lambda: bool(checks), timeout=120_000)
    assert checks[0].drafts == 3
    assert "drafts clean" in window.statusBar().currentMessage()
    # Remembered by the model file: free writing is decided by it from now on.
    assert WritingCache().get(info.path) == checks[0]


def test_a_draft_asked_for_stops_the_check_and_nothing_is_kept(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=24))
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=60_000)
    info = window.assist.model_info
    assert info is not None
    checks: list[WritingCheck] = []
    window.assist.writing_checked.connect(checks.append)
    window.assist.check_writing()
    window.conversation.set_text("Customer: Where is my parcel? Order 48213.")
    window.drafts.generate()
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=120_000)
    qtbot.wait(200)
    assert checks == [] and WritingCache().get(info.path) is None


def test_a_large_model_never_checked_here_is_checked_on_loading(
    app_home: Path, tmp_path: Path
) -> None:
    model = tmp_path / "big.gguf"
    model.write_bytes(b"GGUF")
    big = ModelInfo(model, "Big", "gguf-template", 4096, 4096, FREE_WRITING_BYTES, 1.0)
    assert needs_writing_check(big)
    # Small models never write whole replies by themselves: nothing to check.
    assert not needs_writing_check(dataclasses.replace(big, size_bytes=100_000_000))
    # A team server's model has no file here to remember a check by.
    assert not needs_writing_check(dataclasses.replace(big, path=tmp_path / "missing.gguf"))
    WritingCache().put(model, WritingCheck(False, 1, 3, ("Ana: wrote nothing",), 0.0))
    assert not needs_writing_check(big)
