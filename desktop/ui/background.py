"""One way to run work off the GUI thread: a worker object on its own named QThread.

Generation, the search box, the palette and the library window each own one. A worker is made
on the GUI thread, moved to its thread, and serves requests that arrive as queued signals, one
at a time. What it opens (the model, a SQLite connection) it opens there, lazily, and frees
there when the thread stops: a SQLite connection and a llama context belong to the thread that
made them. Failures are reported as a signal, never raised into Qt's event loop.
"""

from __future__ import annotations

import atexit
import functools
import logging
from collections.abc import Callable
from types import TracebackType

import shiboken6
from PySide6.QtCore import QObject, QThread, Slot

from desktop.errors import AgentAssistError
from desktop.store.library import Library, LibraryFactory

logger = logging.getLogger(__name__)
# Every thread not yet joined. A QThread destroyed while it runs aborts the process, so no
# thread is a Qt child of its owner (deleting a window would delete a running thread with it,
# for instance a settings dialog's connection test when the window closes under the dialog):
# these references keep each one until stop() has joined it, or until the app exits.
_live: set[QThread] = set()
EXIT_WAIT_MS = 5_000  # per thread still running when the interpreter exits


class Worker(QObject):
    """Base of every worker; `shutdown` runs on the worker's thread once its loop has stopped."""

    def __init__(self) -> None:
        super().__init__()  # no parent: it is moved to its own thread

    @Slot()
    def shutdown(self) -> None:
        self.release()

    def release(self) -> None:
        """Free what the worker opened; subclasses extend it and call super().

        A plain method, not an overridden slot: PySide6 runs a @Slot overridden in a subclass
        through a proxy on the sender's thread, so the connection would be freed on the GUI
        thread, which SQLite refuses.
        """


class LibraryWorker(Worker):
    """A worker with its own library connection, opened on first use, on the worker's thread."""

    def __init__(self, library_factory: LibraryFactory) -> None:
        super().__init__()
        self._library_factory = library_factory
        self._library: Library | None = None

    def library(self) -> Library:
        if self._library is None:
            self._library = self._library_factory()
        return self._library

    def release(self) -> None:
        if self._library is not None:
            self._library.close()
            self._library = None
        super().release()


@atexit.register
def _join_live_threads() -> None:
    """Ends the threads nobody stopped before the interpreter frees them.

    A window closed without its shutdown (a test's, a crash path's) leaves an idle worker
    loop running; freeing its QThread then would abort the process at exit.
    """
    for thread in list(_live):
        if shiboken6.isValid(thread) and thread.isRunning():
            thread.quit()
            if not thread.wait(EXIT_WAIT_MS):
                logger.warning("thread %s still busy at exit", thread.objectName())
                continue
        _live.discard(thread)


def _owner_gone(thread: QThread, *_: object) -> None:
    # At interpreter exit the thread's wrapper may be freed before its owner.
    if shiboken6.isValid(thread):
        thread.quit()


class WorkerThread:
    """Starts `worker` on a QThread named `name` (it shows in debuggers and logs)."""

    def __init__(self, worker: Worker, name: str, parent: QObject) -> None:
        self._thread = thread = QThread()
        thread.setObjectName(name)
        _live.add(thread)
        # The owner going away without stop() (its parent deleted) ends the thread's loop; the
        # thread finishes on its own, kept in _live. A function of the thread, not of self.
        parent.destroyed.connect(functools.partial(_owner_gone, thread))
        worker.moveToThread(self._thread)
        # Emitted on the worker's thread after its loop ended: the worker frees its resources
        # there, then is deleted.
        self._thread.finished.connect(worker.shutdown)
        self._thread.finished.connect(worker.deleteLater)
        self._thread.start()

    @property
    def running(self) -> bool:
        return self._thread.isRunning()

    def stop(self, timeout_ms: int = 5_000) -> bool:
        """Finish the request in hand, free the worker's resources, join; False on time-out.

        A thread still busy after `timeout_ms` is left to finish on its own; `_live` keeps
        it, so deleting its owner cannot destroy it while it runs.
        """
        self._thread.quit()
        if self._thread.wait(timeout_ms):
            _live.discard(self._thread)
            return True
        name = self._thread.objectName()
        logger.warning("thread %s still busy after %d ms; it finishes on its own", name, timeout_ms)
        return False


class Reporter:
    """Context manager: turns a failure in its block into one `report(message)` call.

    An AgentAssistError (a failure we describe ourselves) is reported as `expected` + its
    message; any other Exception is logged with its traceback and reported as `unexpected` +
    its message. Both are prefixes, so a file name in them needs no escaping. A class, not a
    generator: its __exit__ returns bool, which tells type checkers that it swallows.
    """

    def __init__(
        self, report: Callable[[str], object], unexpected: str, expected: str = ""
    ) -> None:
        self._report = report
        self._unexpected = unexpected
        self._expected = expected

    def __enter__(self) -> None:
        return None

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if isinstance(exc, AgentAssistError):
            self._report(f"{self._expected}{exc}")
            return True
        if isinstance(exc, Exception):
            logger.error("%s%s", self._unexpected, exc, exc_info=exc)
            self._report(f"{self._unexpected}{exc}")
            return True
        return False  # no failure, or KeyboardInterrupt and the like: not ours to swallow
