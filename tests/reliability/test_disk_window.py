"""A full disk and a read-only data folder met in the real windows (real SQLite, real threads).

The data folder lives on a small tmpfs that really fills up, or that is really remounted
read-only. Each write the agent starts (saving in the library window, an import, the history
of the conversation, the use count and feedback of a copied reply, the library window's
autosave) ends in one line saying what went wrong and what to do; nothing saved before is
lost (`integrity_check` ok, earlier rows there); and search and the ready reply keep working.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop import paths
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.library import Library, open_library
from desktop.ui.autosave import LOST_ON_CRASH
from desktop.ui.launch import build_window, create_app
from desktop.ui.main_window import MainWindow
from desktop.ui.manager import CannedManager
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.reliability.mounts import (
    check_library,
    fill,
    free,
    remount,
    shrink_wal,
    small_tmpfs,
)

ROOT = Path(__file__).resolve().parents[2]
CTRL = Qt.KeyboardModifier.ControlModifier
WAIT = 30_000
CONVERSATION = (
    "Customer: Hi, I ordered running shoes last week and the tracking hasn't moved.\n"
    "Agent: Sorry to hear that! Could you share your order number?\n"
    "Customer: It's 48213. When will my parcel arrive?"
)


def worker_library() -> Library:
    return open_library(seed=False, verify=False)


@pytest.fixture
def small_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """AGENT_ASSIST_HOME on an 8 MB tmpfs, with a seeded library and one response of ours."""
    with small_tmpfs(tmp_path / "small", "8m") as home:
        monkeypatch.setenv("AGENT_ASSIST_HOME", str(home))
        library = open_library()
        library.repo.add(CannedResponse(title="Saved before", body="Kept through it all."))
        library.close()
        yield home
        if os.statvfs(home).f_flag & os.ST_RDONLY:
            remount(home, "rw")


def library_count() -> int:
    library = open_library(seed=False, verify=False)
    try:
        return library.repo.count()
    finally:
        library.close()


def big_import(tmp_path: Path) -> Path:
    path = tmp_path / "big.json"
    records = [{"title": f"Big {i}", "body": f"Body {i} " + "words " * 400} for i in range(200)]
    path.write_text(json.dumps(records), encoding="utf-8")
    return path


def open_manager(qtbot: QtBot) -> CannedManager:
    window = CannedManager(worker_library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.pane.model.rowCount() > 0, timeout=WAIT)
    return window


def edit_first_and_save(qtbot: QtBot, manager: CannedManager, title: str) -> None:
    index = manager.pane.model.index(0, 0)
    rect = manager.pane.table.visualRect(index)
    qtbot.mouseClick(manager.pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: manager.editor.base.id is not None, timeout=WAIT)
    manager.editor.title_edit.selectAll()
    qtbot.keyClicks(manager.editor.title_edit, title)
    qtbot.keyClick(manager, Qt.Key.Key_S, CTRL)


def search_finds_ours(qtbot: QtBot, manager: CannedManager) -> None:
    manager.pane.filter_edit.setText("Saved before")
    qtbot.waitUntil(
        lambda: [r.title for r in manager.pane.model.responses()][:1] == ["Saved before"],
        timeout=WAIT,
    )


def test_library_window_on_a_disk_that_fills_up(
    qtbot: QtBot, small_home: Path, tmp_path: Path
) -> None:
    count = library_count()
    manager = open_manager(qtbot)
    shrink_wal()
    filler = fill(small_home)
    folder = paths.data_dir()
    full = f"The disk holding {folder} is full: free some space, then try again"

    with qtbot.waitSignal(manager.autosave.failed, timeout=WAIT) as kept:
        edit_first_and_save(qtbot, manager, "Edited on a full disk")
        qtbot.waitUntil(manager.editor.error_label.isVisible, timeout=WAIT)
    message = f"{full}; your last change was not saved."
    assert manager.editor.error_label.text() == message
    assert manager.statusBar().currentMessage() in (message, kept.args[0])
    assert kept.args[0].startswith(full)  # the crash copy of the form could not be kept either
    assert manager.editor.is_dirty()  # the form keeps every edit
    assert manager.editor.title_edit.text() == "Edited on a full disk"

    manager.import_file(str(big_import(tmp_path)), "json")
    qtbot.waitUntil(lambda: "Could not import" in manager.pane.banner.text(), timeout=WAIT)
    assert manager.pane.banner.text() == (
        f"Could not import big.json: {message}\nNothing was imported."
    )
    search_finds_ours(qtbot, manager)  # reading keeps working
    check_library(count)

    free(filler)  # the agent freed some space: the same Save now goes through
    with qtbot.waitSignal(manager.library_changed, timeout=WAIT):
        qtbot.keyClick(manager, Qt.Key.Key_S, CTRL)
    assert manager.statusBar().currentMessage() == "Saved “Edited on a full disk”."
    manager.shutdown()
    check_library(count)


def test_library_window_on_a_read_only_folder(
    qtbot: QtBot, small_home: Path, tmp_path: Path
) -> None:
    count = library_count()
    remount(small_home, "ro")
    folder = paths.data_dir()
    read_only = f"The data folder {folder} is read-only: make it writable"

    manager = open_manager(qtbot)  # opens: read-only, and says so above the list
    qtbot.waitUntil(lambda: read_only in manager.pane.banner.text(), timeout=WAIT)
    assert manager.pane.banner.text().endswith("the library is open read-only.")
    search_finds_ours(qtbot, manager)

    manager.pane.filter_edit.setText("")
    qtbot.waitUntil(lambda: manager.pane.model.rowCount() == count, timeout=WAIT)
    edit_first_and_save(qtbot, manager, "Edited on a read-only folder")
    qtbot.waitUntil(manager.editor.error_label.isVisible, timeout=WAIT)
    assert manager.editor.error_label.text().startswith(read_only)
    assert manager.editor.error_label.text().endswith("your last change was not saved.")
    assert manager.editor.title_edit.text() == "Edited on a read-only folder"

    manager.import_file(str(big_import(tmp_path)), "json")
    qtbot.waitUntil(lambda: "Could not import" in manager.pane.banner.text(), timeout=WAIT)
    assert read_only in manager.pane.banner.text()
    assert manager.pane.banner.text().endswith("Nothing was imported.")
    manager.shutdown()
    check_library(count)


def main_window(qtbot: QtBot) -> tuple[MainWindow, list[str]]:
    """The real window (real controllers, threads, model) and every status-bar message."""
    create_app()
    window = build_window(Settings())
    qtbot.addWidget(window)
    messages: list[str] = []
    window.statusBar().messageChanged.connect(messages.append)
    window.show()
    return window, messages


def close_main_window(window: MainWindow) -> None:
    window.assist.shutdown()
    window.search.shutdown()
    window.palette_search.shutdown()
    window.shutdown_manager()


def told(messages: list[str], start: str) -> bool:
    return any(message.startswith(start) for message in messages)


def paste_and_copy_the_ready_reply(qtbot: QtBot, window: MainWindow) -> None:
    QGuiApplication.clipboard().setText(CONVERSATION)
    window.conversation.editor.paste()
    ready = window.suggestion.ready
    qtbot.waitUntil(lambda: ready.isVisible() and bool(ready.text.toPlainText()), timeout=WAIT)
    qtbot.mouseClick(ready.copy_button, Qt.MouseButton.LeftButton)


@pytest.mark.model
def test_main_window_keeps_working_when_the_disk_fills_up(qtbot: QtBot, small_home: Path) -> None:
    count = library_count()
    window, messages = main_window(qtbot)
    try:
        shrink_wal()
        filler = fill(small_home)
        full = f"The disk holding {paths.data_dir()} is full: free some space, then try again"

        # The history of the conversation, then the copy's use count, cannot be written.
        paste_and_copy_the_ready_reply(qtbot, window)
        plain = f"{full}; your last change was not saved."
        history = (plain, f"Could not keep the conversation: {plain}")  # the history's write
        use = f"Could not count the use: {plain}"
        feedback = f"Could not save feedback: {full}; this feedback was not kept."
        autosave = f"{full}; {LOST_ON_CRASH}."  # the open tabs' crash copy, said once
        qtbot.waitUntil(
            lambda: (
                bool(set(history) & set(messages)) and {use, feedback, autosave} <= set(messages)
            ),
            timeout=WAIT,
        )
        assert messages.count(autosave) == 1
        assert window.suggestion.ready.text.toPlainText()  # the ready reply is there
        assert QGuiApplication.clipboard().text() == window.suggestion.ready.text.toPlainText()
        window.canned.search.setText("Saved before")  # the search box still answers
        qtbot.waitUntil(lambda: "Saved before" in shown_titles(window), timeout=WAIT)
        free(filler)
    finally:
        close_main_window(window)
    check_library(count)


def shown_titles(window: MainWindow) -> list[str]:
    items = window.canned.list
    return [items.item(row).text() for row in range(items.count())]


@pytest.mark.model
def test_main_window_on_a_read_only_folder(qtbot: QtBot, small_home: Path) -> None:
    count = library_count()
    remount(small_home, "ro")
    window, messages = main_window(qtbot)
    try:
        paste_and_copy_the_ready_reply(qtbot, window)
        read_only = f"The data folder {paths.data_dir()} is read-only: make it writable"
        history = (read_only, f"Could not keep the conversation: {read_only}")
        use = f"Could not count the use: {read_only}"
        feedback = f"Could not save feedback: {read_only}"
        qtbot.waitUntil(
            lambda: (
                any(told(messages, start) for start in history)
                and told(messages, use)
                and told(messages, feedback)
            ),
            timeout=WAIT,
        )
        assert window.suggestion.ready.text.toPlainText()
        window.canned.search.setText("Saved before")
        qtbot.waitUntil(lambda: "Saved before" in shown_titles(window), timeout=WAIT)
    finally:
        close_main_window(window)
    check_library(count)


@pytest.mark.parametrize("problem", ["read-only", "full"])
def test_the_app_starts_on_a_read_only_or_full_data_folder(small_home: Path, problem: str) -> None:
    """`python -m desktop` opens its window, with the library read-only, and says why."""
    count = library_count()
    if problem == "read-only":
        remount(small_home, "ro")
        expected = f"The data folder {paths.data_dir()} is read-only"
    else:
        shrink_wal()
        fill(small_home)
        expected = f"The disk holding {paths.data_dir()} is full"
    child = subprocess.Popen(
        [sys.executable, "-m", "desktop"],
        cwd=ROOT,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stderr is not None
    lines: list[str] = []
    # A thread reads the log: a silent child must not block the test in readline().
    reader = threading.Thread(target=lambda: lines.extend(child.stderr or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while not any(expected in line for line in lines) and time.monotonic() < deadline:
            assert child.poll() is None, "".join(lines)[-3000:]
            time.sleep(0.05)
        seen = "".join(lines)
        assert expected in seen, seen[-3000:]
        assert "the library is open read-only." in seen
        time.sleep(3)  # the window is up, the model loading: it must still be running
        assert child.poll() is None, "".join(lines)[-3000:]
    finally:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        reader.join(timeout=30)  # the pipe closed with the child: the reader is done
        child.stderr.close()
    check_library(count)
