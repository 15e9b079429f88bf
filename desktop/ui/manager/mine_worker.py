"""Suggested responses off the GUI thread: mining a history file and accepting a proposal.

Mining reads the file, embeds every reply and clusters them; accepting writes a response and
learns its examples. Both run on a thread of their own ("mine-responses"), started when the
view first needs it, so that the library window's own thread (listing, saving) never waits
for them. Cancel frees the view at once and sets the run's own flag, which the mining looks
at between steps and every few dozen merges of the clustering: the thread stops soon after
and proposes nothing (a result that still arrives is dropped).
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from desktop.importers.replies import read_answers
from desktop.library import mining
from desktop.library.clusters import CancelledError
from desktop.library.mining import Mined, Proposal
from desktop.store.library import LibraryFactory
from desktop.ui.background import LibraryWorker, Reporter, WorkerThread

THREAD_NAME = "mine-responses"


class MineWorker(LibraryWorker):
    """Mines and accepts on its own library connection, one request at a time.

    Signals:
        mined(int, object): request id, the Mined result.
        accepted(int, object, int): request id, the added CannedResponse, examples learned.
        failed(int, str): request id, why nothing was proposed or added.
    """

    mined = Signal(int, object)
    accepted = Signal(int, object, int)
    failed = Signal(int, str)

    def __init__(self, library_factory: LibraryFactory) -> None:
        super().__init__(library_factory)
        self.ran_on: list[str] = []  # the threads requests ran on (the tests read it)
        self.cancelled: list[int] = []  # mining requests that stopped part-way (likewise)

    @Slot(int, str, object)
    def mine(self, request_id: int, path: str, stop: threading.Event) -> None:
        self.ran_on.append(QThread.currentThread().objectName())
        with Reporter(lambda message: self.failed.emit(request_id, message), "", ""):
            answers = read_answers(Path(path))  # a bad file: an InputError that says why
            # Replies the library already covers are not proposed again.
            library = [r.body for r in self.library().repo.all(active_only=True)]
            try:
                mined = mining.mine(answers, library, stop=stop.is_set)
            except CancelledError:
                self.cancelled.append(request_id)
                return
            self.mined.emit(request_id, mined)

    @Slot(int, object, object)
    def accept(self, request_id: int, mined: Mined, proposal: Proposal) -> None:
        """Add `proposal` (as the agent edited it) with its cluster's conversations."""
        self.ran_on.append(QThread.currentThread().objectName())
        with Reporter(lambda message: self.failed.emit(request_id, message), "", ""):
            alone = replace(mined, proposals=[proposal])  # the edited text is what is added
            added, learned = mining.accept(self.library().repo.db, alone, [1])
            self.accepted.emit(request_id, added[0], learned)


class MineRunner(QObject):
    """The GUI side: sends requests to the worker, passes on the answers of the live ones.

    Signals:
        mined(object): the Mined result of the latest mining request.
        accepted(object, int): the added CannedResponse, examples learned.
        failed(str, bool): why nothing happened; True for mining, False for accepting.
    """

    mined = Signal(object)
    accepted = Signal(object, int)
    failed = Signal(str, bool)
    _mine_requested = Signal(int, str, object)
    _accept_requested = Signal(int, object, object)

    def __init__(self, library_factory: LibraryFactory, parent: QObject) -> None:
        super().__init__(parent)
        self._factory = library_factory
        self._next = 0
        self._mining = 0  # the mining request whose answer is awaited; 0: none
        self._stop = threading.Event()  # the mining in hand stops when this is set
        self._accepting = 0
        self.worker: MineWorker | None = None
        self._thread: WorkerThread | None = None

    @property
    def mining(self) -> bool:
        return self._mining != 0

    @property
    def accepting(self) -> bool:
        return self._accepting != 0

    def _started(self) -> MineWorker:
        if self.worker is None:
            self.worker = worker = MineWorker(self._factory)
            self._mine_requested.connect(worker.mine)
            self._accept_requested.connect(worker.accept)
            worker.mined.connect(self._on_mined)
            worker.accepted.connect(self._on_accepted)
            worker.failed.connect(self._on_failed)
            self._thread = WorkerThread(worker, THREAD_NAME, self)
        return self.worker

    def mine(self, path: str) -> None:
        self._started()
        self._next += 1
        self._mining = self._next
        self._stop = threading.Event()
        self._mine_requested.emit(self._mining, path, self._stop)

    def cancel(self) -> None:
        """Stop the mining in hand: it proposes nothing, and a result that comes is dropped."""
        self._stop.set()
        self._mining = 0

    def accept(self, mined: Mined, proposal: Proposal) -> None:
        self._started()
        self._next += 1
        self._accepting = self._next
        self._accept_requested.emit(self._accepting, mined, proposal)

    @Slot(int, object)
    def _on_mined(self, request_id: int, mined: Mined) -> None:
        if request_id == self._mining:
            self._mining = 0
            self.mined.emit(mined)

    @Slot(int, object, int)
    def _on_accepted(self, request_id: int, response: object, learned: int) -> None:
        if request_id == self._accepting:
            self._accepting = 0
        self.accepted.emit(response, learned)  # added even if superseded: always told

    @Slot(int, str)
    def _on_failed(self, request_id: int, message: str) -> None:
        if request_id == self._mining:
            self._mining = 0
            self.failed.emit(message, True)
        elif request_id == self._accepting:
            self._accepting = 0
            self.failed.emit(message, False)

    def shutdown(self) -> None:
        """Drop what is in hand and join the thread (the window closing)."""
        self._mining = self._accepting = 0
        if self._thread is not None:
            self._thread.stop()
            self._thread = None
            self.worker = None
