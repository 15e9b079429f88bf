"""Window-level kill tests: the real library window's process is SIGKILLed mid-import and
mid-edit (tests/reliability/manager_driver.py drives it); the library survives whole.

On reopening, `PRAGMA integrity_check` is ok, every committed change is there, the interrupted
import left nothing half-done, and the unsaved edit is offered back in the library window.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop import paths
from desktop.store.library import Library, open_library
from desktop.ui.manager import CannedManager
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.reliability.children import wait_for_line
from tests.reliability.manager_driver import COMMITTED_TITLE

ROOT = Path(__file__).resolve().parents[2]
BIG = 100_000
WAIT = 30_000

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL is POSIX only")


def worker_library() -> Library:
    return open_library(seed=False, verify=False)


def start_driver(app_home: Path, mode: str, argument: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.manager_driver", mode, argument],
        cwd=ROOT,
        env={**os.environ, "AGENT_ASSIST_HOME": str(app_home), "QT_QPA_PLATFORM": "offscreen"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill(child: subprocess.Popen[str]) -> None:
    child.send_signal(signal.SIGKILL)
    child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL


def check(db_path: Path) -> tuple[int, list[str], list[str]]:
    """integrity_check ok, the search index in step; (count, bulk titles, committed rows)."""
    conn = sqlite3.connect(db_path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = conn.execute("SELECT count(*) FROM canned").fetchone()[0]
        assert conn.execute("SELECT count(*) FROM canned_fts").fetchone()[0] == count
        bulk = [r[0] for r in conn.execute("SELECT title FROM canned WHERE title LIKE 'Bulk %'")]
        committed = [
            r[0] for r in conn.execute("SELECT body FROM canned WHERE title = ?", [COMMITTED_TITLE])
        ]
    finally:
        conn.close()
    return count, bulk, committed


def open_window(qtbot: QtBot, count: int) -> CannedManager:
    window = CannedManager(worker_library)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: window.pane.model.rowCount() == count, timeout=WAIT)
    return window


def test_sigkill_during_an_import_from_the_library_window_leaves_nothing_half_done(
    qtbot: QtBot, app_home: Path, tmp_path: Path
) -> None:
    records = [
        {"title": f"Bulk {i}", "body": f"Bulk body {i}: " + "words " * 20} for i in range(BIG)
    ]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(records), encoding="utf-8")
    db_path = paths.database_path()
    wal = db_path.with_name(db_path.name + "-wal")

    child = start_driver(app_home, "import", str(big))
    wait_for_line(child, "committed", 120)
    seeded_and_committed, _bulk, _committed = check(db_path)
    wait_for_line(child, "importing", 60)
    base = wal.stat().st_size if wal.exists() else 0
    # Mid-write: the import's one transaction has spilled pages into the WAL, uncommitted.
    deadline = time.monotonic() + 180
    while (wal.stat().st_size if wal.exists() else 0) < base + 4_000_000:
        assert child.poll() is None, "the import finished before it could be killed"
        assert time.monotonic() < deadline, "the import never started writing"
        time.sleep(0.01)
    kill(child)

    count, bulk, committed = check(db_path)
    assert bulk == []  # none of the interrupted import
    assert count == seeded_and_committed  # and everything committed before it
    assert committed == ["Saved with Ctrl+S before the kill."]
    window = open_window(qtbot, count)  # the window opens on it as before
    assert not window.restore_bar.isVisible()  # nothing was being edited
    assert COMMITTED_TITLE in {r.title for r in window.pane.model.responses()}
    window.shutdown()


def test_sigkill_during_an_edit_in_the_library_window_offers_the_edit_back(
    qtbot: QtBot, app_home: Path
) -> None:
    typed = "Typed but never saved"
    child = start_driver(app_home, "edit", typed)
    wait_for_line(child, "typed", 120)
    kill(child)

    count, _bulk, committed = check(paths.database_path())
    assert committed == ["Saved with Ctrl+S before the kill."]  # the committed change is there
    window = open_window(qtbot, count)
    assert window.restore_bar.isVisible()
    assert f"“{typed}”" in window.restore_bar.label.text()
    qtbot.mouseClick(window.restore_bar.restore_button, Qt.MouseButton.LeftButton)
    assert window.editor.title_edit.text() == typed
    assert window.editor.body_edit.toPlainText() == (
        "Saved with Ctrl+S before the kill. And a line typed after it."
    )
    assert window.editor.base.title == COMMITTED_TITLE  # it edits the stored response
    qtbot.waitUntil(lambda: window.pane.selected_ids() == [window.editor.base.id], timeout=WAIT)
    with qtbot.waitSignal(window.library_changed, timeout=WAIT):
        qtbot.keyClick(window, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    window.shutdown()
    _count, _bulk, committed = check(paths.database_path())
    assert committed == []  # saved under the new title, as the same response
    conn = sqlite3.connect(paths.database_path())
    try:
        rows = conn.execute("SELECT count(*) FROM canned WHERE title = ?", [typed]).fetchone()
    finally:
        conn.close()
    assert rows[0] == 1 and _count == count
