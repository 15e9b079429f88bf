"""The background helper on real parts: a real QThread, a real SQLite library."""

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from desktop.errors import StoreError
from desktop.store.library import Library, open_library
from desktop.ui.background import LibraryWorker, Reporter, WorkerThread
from PySide6.QtCore import QObject, QThread, Signal, Slot
from pytestqt.qtbot import QtBot

ROOT = Path(__file__).resolve().parents[2]


class ThreadNoted(Library):
    """A real library that notes the thread it is closed on."""

    closed_on: list[str]

    def close(self) -> None:
        self.closed_on.append(QThread.currentThread().objectName())
        super().close()


class Counter(LibraryWorker):
    counted = Signal(int)

    @Slot()
    def count(self) -> None:
        self.counted.emit(self.library().repo.count())


class Requests(QObject):
    """The GUI side: sends requests, takes answers on the GUI thread (a queued connection)."""

    count = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.answers: list[int] = []

    @Slot(int)
    def take(self, answer: int) -> None:
        self.answers.append(answer)


def test_a_worker_opens_and_frees_its_library_on_its_own_thread(
    qtbot: QtBot, app_home: Path
) -> None:
    seeded = open_library()
    total = seeded.repo.count()
    seeded.close()
    opened_on: list[str] = []
    closed_on: list[str] = []

    def worker_library() -> Library:
        opened_on.append(QThread.currentThread().objectName())
        library = open_library(seed=False)
        noted = ThreadNoted(library.repo, library.path, library.recovered_from, library.seeded)
        noted.closed_on = closed_on
        return noted

    owner = QObject()
    worker = Counter(worker_library)
    requests = Requests()
    requests.count.connect(worker.count)
    worker.counted.connect(requests.take)
    thread = WorkerThread(worker, "counter", owner)
    requests.count.emit()
    qtbot.waitUntil(lambda: bool(requests.answers), timeout=30_000)
    assert requests.answers == [total]
    assert thread.stop()
    assert not thread.running
    assert opened_on == ["counter"]
    assert closed_on == ["counter"]  # SQLite connections belong to the thread that made them


def test_reporting_turns_failures_into_one_message(caplog: pytest.LogCaptureFixture) -> None:
    reported: list[str] = []
    with Reporter(reported.append, "Search failed: "):
        pass
    with Reporter(reported.append, "Cannot save: ", "Not saved: "):
        raise StoreError("the library is read-only")
    assert reported == ["Not saved: the library is read-only"]
    assert not caplog.records  # a failure we describe ourselves needs no traceback
    with caplog.at_level(logging.ERROR), Reporter(reported.append, "Cannot save: "):
        raise ValueError("disk {full}")
    assert reported[-1] == "Cannot save: disk {full}"
    assert caplog.records and caplog.records[0].exc_info is not None


class Sleeper(LibraryWorker):
    done = Signal()

    @Slot()
    def sleep(self) -> None:
        QThread.msleep(1500)  # a long prompt being read when the window closes
        self.done.emit()


class SleepRequest(QObject):
    sleep = Signal()


def test_a_thread_busy_past_the_stop_timeout_outlives_its_owner(
    qtbot: QtBot, app_home: Path
) -> None:
    owner = QObject()
    worker = Sleeper(open_library)
    thread = WorkerThread(worker, "sleeper", owner)
    request = SleepRequest()
    request.sleep.connect(worker.sleep)
    request.sleep.emit()
    qtbot.wait(100)  # the worker is inside its long request now
    assert thread.stop(timeout_ms=50) is False  # gave up waiting, without blocking longer
    owner.deleteLater()  # the window goes away; its busy thread must not be destroyed
    qtbot.wait(50)
    assert thread.running
    qtbot.waitUntil(lambda: not thread.running, timeout=30_000)  # it finished on its own


OWNER_DELETED_UNSTOPPED = """
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QWidget
from desktop.ui.server_check import ServerCheckRunner

app = QApplication([])
window = QWidget()
checks = ServerCheckRunner(window)  # a settings dialog's connection test, never stopped
checks.start("http://127.0.0.1:9", "", "")
QTimer.singleShot(300, window.deleteLater)  # the window goes away under it
QTimer.singleShot(1500, app.quit)
app.exec()
print("still running")
"""


def test_deleting_an_owner_that_never_stopped_its_thread_does_not_abort(tmp_path: Path) -> None:
    # A QThread destroyed while it runs aborts the process (a test that failed before closing
    # its dialog took the whole suite down that way), so this runs in a child process.
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", OWNER_DELETED_UNSTOPPED],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Destroyed while thread" not in done.stderr
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "still running"
