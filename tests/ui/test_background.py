"""The background helper on real parts: a real QThread, a real SQLite library."""

import logging
from pathlib import Path

import pytest
from desktop.errors import StoreError
from desktop.store.library import Library, open_library
from desktop.ui.background import LibraryWorker, Reporter, WorkerThread
from PySide6.QtCore import QObject, QThread, Signal, Slot
from pytestqt.qtbot import QtBot


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
