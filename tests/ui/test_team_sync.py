"""Team libraries kept current by the real window: a real shared file changing on disk."""

from __future__ import annotations

from pathlib import Path

from desktop.library import team as team_library
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.library import open_library
from desktop.ui.main_window import MainWindow
from desktop.ui.team_sync import THREAD_NAME
from PySide6.QtCore import Qt, QThread
from pytestqt.qtbot import QtBot

from tests.test_team_library import TEAM, write_library
from tests.ui.conftest import WindowFactory

CONVERSATION = "Customer: are you open on the bank holiday monday?"
NEW = {"title": "Bank holiday hours", "body": "On bank holidays we answer from 10 to 4."}


def _shown(window: MainWindow) -> list[str]:
    items = [window.canned.list.item(i) for i in range(window.canned.list.count())]
    responses: list[CannedResponse] = [i.data(Qt.ItemDataRole.UserRole) for i in items]
    return [r.title for r in responses]


def _synced(qtbot: QtBot, window: MainWindow, before: int) -> None:
    qtbot.waitUntil(lambda: window.team_sync.syncs > before, timeout=30_000)


def test_a_changed_team_file_reaches_the_window_off_the_gui_thread(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    shared = tmp_path / "share" / "team.json"
    shared.parent.mkdir()
    write_library(shared, TEAM)
    library = open_library()
    team_library.subscribe(library.repo, shared)
    library.close()
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    _synced(qtbot, window, 0)  # the first sync runs at start
    window.conversation.set_text(CONVERSATION)
    qtbot.waitUntil(lambda: "most relevant" in window.canned.title.text(), timeout=30_000)
    assert "Bank holiday hours" not in _shown(window)
    # A colleague adds a response to the shared file; the next poll brings it in.
    write_library(shared, [*TEAM, NEW])
    before = window.team_sync.syncs
    window.team_sync.sync_now()
    _synced(qtbot, window, before)
    qtbot.waitUntil(lambda: "Bank holiday hours" in _shown(window), timeout=30_000)
    assert window.team_sync._worker.thread().objectName() == THREAD_NAME
    assert window.team_sync._worker.thread() is not QThread.currentThread()


def test_an_unreadable_team_file_is_said_once_and_its_responses_stay(
    qtbot: QtBot, make_window: WindowFactory, tmp_path: Path
) -> None:
    shared = tmp_path / "team.json"
    write_library(shared, TEAM)
    library = open_library()
    team_library.subscribe(library.repo, shared)
    library.close()
    window = make_window(Settings(model_path="/nonexistent.gguf"))
    _synced(qtbot, window, 0)
    messages: list[str] = []
    window.team_sync.message.connect(messages.append)
    shared.write_text("{ this is not a library", encoding="utf-8")  # a colleague mid-save
    for _ in range(2):  # two polls, one message
        before = window.team_sync.syncs
        window.team_sync.sync_now()
        _synced(qtbot, window, before)
    assert len(messages) == 1 and "team.json" in messages[0]
    library = open_library()
    try:
        kept = [r.title for r in library.repo.all() if team_library.is_team(r)]
    finally:
        library.close()
    assert set(kept) == {r["title"] for r in TEAM}  # the last good sync's responses stay
