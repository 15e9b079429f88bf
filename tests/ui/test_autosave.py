"""Autosave: a real app process, killed with SIGKILL, restores conversation and draft on restart."""

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from desktop import settings as settings_module
from desktop.autosave.workspace import AutosaveStore, Snapshot, Workspace, default_path
from desktop.settings import Settings
from desktop.ui.autosave import RESTORED

ROOT = Path(__file__).resolve().parents[2]
CONVERSATION = (
    "Customer: Hi, my parcel has not arrived yet.\n"
    "Agent: Sorry about that! What is your order number?\n"
    "Customer: It's 48213. Can you check where it is?"
)
EDIT = " -- edited by the agent before the crash"

# Runs the app exactly as `python -m desktop` does (launch.run_gui), with a timer that drives
# the real window once it is up. "first": paste, draft with the model, edit the draft, wait for
# the autosave file to hold the edit, say SAVED, keep running until killed. "second": report
# what the window shows, then quit cleanly.
DRIVER = r"""
import argparse, json, sys
from PySide6.QtCore import QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication
from desktop.autosave.workspace import default_path
from desktop.drafting.events import Finished
from desktop.drafting.session import EngineState
from desktop.ui import launch
from desktop.ui.main_window import MainWindow

mode, conversation, edit = sys.argv[1], sys.argv[2], sys.argv[3]
step = {"n": 0}

def window():
    return next(w for w in QApplication.topLevelWidgets() if isinstance(w, MainWindow))

def on_news(event):
    if not isinstance(event, Finished):
        return
    draft = window().suggestion.draft
    cursor = QTextCursor(draft.document())
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertText(edit)
    step["n"] = 2

def tick():
    w = window()
    if mode == "second":
        print(json.dumps({"conversation": w.conversation.editor.toPlainText(),
                          "draft": w.suggestion.draft.toPlainText(),
                          "status": w.statusBar().currentMessage()}), flush=True)
        w.close()
        QApplication.instance().quit()
        return
    if step["n"] == 0 and w.assist.state == EngineState.IDLE:
        w.conversation.set_text(conversation)
        w.assist.news.connect(on_news)
        w.drafts.generate()
        step["n"] = 1
    elif step["n"] == 2:
        path = default_path()
        if path.exists() and edit in path.read_text(encoding="utf-8"):
            print("SAVED", flush=True)
            step["n"] = 3
    QTimer.singleShot(100, tick)

QTimer.singleShot(0, tick)
args = argparse.Namespace(model=None, conversation=None, text=None)
sys.exit(launch.run_gui(args))
"""


def start(mode: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, mode, CONVERSATION, EDIT],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_killed_app_restores_conversation_and_edited_draft(app_home: Path) -> None:
    settings_module.save(Settings(max_tokens=24))
    first = start("first")
    try:
        assert first.stdout is not None
        lines: queue.Queue[str] = queue.Queue()
        stdout = first.stdout

        def read() -> None:
            for line in stdout:
                lines.put(line)

        threading.Thread(target=read, daemon=True).start()
        seen: list[str] = []  # a reader thread: a silent child cannot block the deadline
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and "SAVED" not in seen:
            try:
                seen.append(lines.get(timeout=1).strip())
            except queue.Empty:
                if first.poll() is not None:
                    break
        assert "SAVED" in seen, "\n".join(seen)
        workspace = AutosaveStore(default_path()).load()
        assert workspace is not None and len(workspace.tabs) == 1 and not workspace.clean
        saved = workspace.tabs[0]
        assert saved.conversation == CONVERSATION
        assert saved.draft.endswith(EDIT) and len(saved.draft) > len(EDIT)  # model text + edit
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        if first.stdout is not None:
            first.stdout.close()
    second = start("second")
    try:
        output, _ = second.communicate(timeout=120)
    except subprocess.TimeoutExpired:  # a hang: its output says where, and no child is left
        second.kill()
        output, _ = second.communicate()
        raise AssertionError(f"the restored window did not close:\n{output[-3000:]}") from None
    assert second.returncode == 0, output
    shown = json.loads(output.strip().splitlines()[-1])
    assert shown["conversation"] == CONVERSATION
    assert shown["draft"] == saved.draft
    assert RESTORED in shown["status"]
    kept = AutosaveStore(default_path()).load()  # the second run quit cleanly: tabs kept, clean
    assert kept is not None and kept.clean and kept.tabs[0].conversation == CONVERSATION


def test_store_round_trip_and_damaged_or_empty_files(tmp_path: Path) -> None:
    store = AutosaveStore(tmp_path / "data" / "autosave.json")
    assert store.load() is None
    tabs = (Snapshot("Customer: hello", "Hi! 😊 مرحبا", 7), Snapshot("Customer: two", ""))
    store.save(Workspace(tabs, current=1))
    assert store.load() == Workspace(tabs, current=1)
    assert [p.name for p in store.path.parent.iterdir()] == ["autosave.json"]  # no temp left
    store.save(Workspace((Snapshot(" ", ""), tabs[1]), current=1, clean=True))  # blank dropped
    assert store.load() == Workspace((tabs[1],), current=0, clean=True)
    store.save(Workspace((Snapshot("  ", ""),)))  # an empty screen leaves nothing to restore
    assert not store.path.exists()
    for junk in (
        "",
        "{",
        "[1, 2]",
        '{"conversation": 3, "draft": ""}',
        '{"version": 2, "tabs": "x"}',
        '{"version": 2, "tabs": [{"conversation": ""}]}',
    ):
        store.path.write_text(junk, encoding="utf-8")
        assert store.load() is None
    # A file from before tabs (version 1) comes back as one tab.
    store.path.write_text('{"version": 1, "conversation": "Customer: hi", "draft": "Hello"}')
    assert store.load() == Workspace((Snapshot("Customer: hi", "Hello"),))


@pytest.mark.parametrize("size", [1_000, 1_000_000])
def test_a_save_costs_little(tmp_path: Path, size: int) -> None:
    """Measured, not assumed: writes run on the autosave thread, but should be cheap anyway."""
    store = AutosaveStore(tmp_path / "autosave.json")
    snapshot = Snapshot("Customer: " + "x" * size, "Agent draft " * 50)
    began = time.perf_counter()
    for _ in range(5):
        store.save(Workspace((snapshot,)))
    per_save = (time.perf_counter() - began) / 5
    print(f"autosave of {size:,} characters: {per_save * 1000:.1f} ms")
    assert per_save < 0.5
