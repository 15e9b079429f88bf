"""Single-instance handover from a real second process to a real window (real model, SQLite)."""

import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop import paths
from desktop.drafting.events import Token
from desktop.drafting.session import EngineState
from desktop.settings import Settings
from desktop.store.db import open_database
from desktop.store.history import History
from desktop.ui import handover
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tests.ui.conftest import WindowFactory
from tests.ui.news import of_kind, on

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = (
    "Customer: Hi, I ordered running shoes last week and the tracking hasn't moved.\n"
    "Agent: Sorry to hear that! Could you share your order number?\n"
    "Customer: It's 48213. When will my parcel arrive?"
)
OLD = "Customer: How do I reset my password? My email is sam@example.com"


def second_instance(*args: str) -> subprocess.Popen[bytes]:
    """`python -m desktop ...` as the desktop's shortcut would run it (same user folders)."""
    return subprocess.Popen(
        [sys.executable, "-m", "desktop", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def wait_exit(qtbot: QtBot, process: subprocess.Popen[bytes]) -> tuple[int, str]:
    """Keep this process's event loop running (the server lives in it) until the client ends."""
    qtbot.waitUntil(lambda: process.poll() is not None, timeout=30_000)
    output, _ = process.communicate()
    return process.returncode, output.decode(errors="replace")


def history_texts() -> list[str]:
    opened = open_database(paths.database_path())
    try:
        return [c.text for c in History(opened.db).recent()]
    finally:
        opened.db.close()


def test_second_process_hands_text_over_and_the_window_drafts(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings(max_tokens=16))
    qtbot.waitUntil(lambda: window.assist.state == EngineState.IDLE, timeout=60_000)
    window.conversation.set_text(OLD)
    server, _inbox = handover.serve(window)
    marks: dict[str, float] = {}

    def on_ranked(transcript: object, *_rest: object) -> None:
        if "48213" in str(transcript) and window.suggestion.ready.title.text():
            marks.setdefault("ready", time.perf_counter())

    server.received.connect(lambda _text: marks.setdefault("received", time.perf_counter()))
    window.search.ranked.connect(on_ranked)
    on(window.assist.news, Token, lambda _token: marks.setdefault("token", time.perf_counter()))

    started = time.perf_counter()
    process = second_instance("--text", CONVERSATION)
    assert wait_exit(qtbot, process) == (0, "")
    qtbot.waitUntil(lambda: {"ready", "token"} <= marks.keys(), timeout=60_000)

    assert window.conversation.editor.toPlainText() == CONVERSATION
    assert [t.role for t in window.conversation.transcript().turns] == [
        "customer",
        "agent",
        "customer",
    ]
    # The replaced conversation went to the history, redacted.
    # Both conversations are in the history, each its own row, redacted.
    qtbot.waitUntil(lambda: len(history_texts()) == 2, timeout=30_000)
    kept = history_texts()
    assert kept[0] == CONVERSATION
    assert "reset my password" in kept[1] and "sam@example.com" not in kept[1]
    print(
        f"\nhandover: command start -> received {marks['received'] - started:.2f}s, "
        f"-> ready reply {marks['ready'] - started:.2f}s, -> first draft token "
        f"{marks['token'] - started:.2f}s; from the socket message: ready reply "
        f"{marks['ready'] - marks['received']:.3f}s, first token "
        f"{marks['token'] - marks['received']:.3f}s"
    )


@pytest.mark.parametrize("args", [(), ("--from-clipboard",), ("--from-selection",)])
def test_plain_second_launch_raises_the_window_and_changes_nothing(
    qtbot: QtBot, make_window: WindowFactory, args: tuple[str, ...]
) -> None:
    """The second process's own clipboard is empty (offscreen): it only brings the window."""
    window = make_window(Settings(max_tokens=16))
    window.conversation.set_text(CONVERSATION)
    server, _inbox = handover.serve(window)
    received: list[str] = []
    server.received.connect(received.append)

    assert wait_exit(qtbot, second_instance(*args)) == (0, "")  # handed over and left
    assert received == [""]
    assert window.conversation.editor.toPlainText() == CONVERSATION
    assert window.isVisible()


def test_text_arriving_before_the_model_is_ready_drafts_once_it_is(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    """`agent-assist --from-clipboard` with no instance running starts the app with the text."""
    window = make_window(Settings(max_tokens=16))
    inbox = handover.HandoverInbox(window)
    assert window.assist.model_info is None  # still loading
    with qtbot.waitSignal(window.assist.news, timeout=60_000, check_params_cb=of_kind(Token)):
        inbox.receive(CONVERSATION)
    assert window.conversation.editor.toPlainText() == CONVERSATION


def test_nobody_listening_means_start_the_app() -> None:
    started = time.perf_counter()
    assert handover.send("hello") is False
    assert time.perf_counter() - started < 2


def test_names_differ_per_data_folder(monkeypatch: object, tmp_path: Path) -> None:
    first = handover.server_name()
    monkeypatch.setenv("AGENT_ASSIST_HOME", str(tmp_path / "other"))  # type: ignore[attr-defined]
    assert handover.server_name() != first


def test_selection_falls_back_to_the_clipboard(qtbot: QtBot, make_window: WindowFactory) -> None:
    make_window(Settings())
    QGuiApplication.clipboard().setText(CONVERSATION)
    assert handover.captured_text(selection=False) == CONVERSATION
    if not QGuiApplication.clipboard().supportsSelection():  # offscreen, Windows, macOS
        assert handover.captured_text(selection=True) == CONVERSATION


def test_first_launch_with_text_starts_the_app_and_then_serves(tmp_path: Path) -> None:
    """No instance running: the command starts the app itself, which takes the text in."""
    first = second_instance("--text", CONVERSATION)
    try:
        deadline = time.monotonic() + 60
        while not handover.send("") and first.poll() is None and time.monotonic() < deadline:
            time.sleep(0.2)
        assert first.poll() is None, first.communicate()[0].decode(errors="replace")
        assert handover.send("")  # a later launch finds it
        deadline = time.monotonic() + 10
        while CONVERSATION not in history_texts() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert history_texts() == [CONVERSATION]  # its window took the text as a conversation
    finally:
        first.terminate()
        first.communicate(timeout=30)


def test_garbage_and_floods_are_refused_and_the_server_keeps_serving(
    qtbot: QtBot, make_window: WindowFactory
) -> None:
    window = make_window(Settings())
    server, _inbox = handover.serve(window)
    received: list[str] = []
    server.received.connect(received.append)
    script = (
        "import sys; from PySide6.QtNetwork import QLocalSocket;"
        "from PySide6.QtCore import QByteArray;"
        "from desktop.ui.handover import server_name, MAX_BYTES;"
        "s = QLocalSocket(); s.connectToServer(server_name()); assert s.waitForConnected(2000);"
        "data = b'not json\\n' if sys.argv[1] == 'junk' else b'x' * (MAX_BYTES + 10);"
        "s.write(QByteArray(data)); s.waitForBytesWritten(2000);"
        "s.waitForDisconnected(3000); print(s.state().name)"
    )
    for kind in ("junk", "flood"):
        process = subprocess.Popen(
            [sys.executable, "-c", script, kind],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        assert wait_exit(qtbot, process) == (0, "UnconnectedState\n")  # the server hung up
    assert received == []
    assert wait_exit(qtbot, second_instance("--text", "Customer: still there?")) == (0, "")
    assert received == ["Customer: still there?"]
