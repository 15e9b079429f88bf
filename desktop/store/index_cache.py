"""One index per library, shared by every thread: built once, rebuilt when the library changes.

Connections to one database file share its value (the window, the search threads and the
model thread each hold their own connection); an in-memory database keeps its own while the
connection lives. `meta.library_version` (bumped by triggers, migration m002) says when the
library changed: the check is one primary-key lookup. One build at a time, so two threads
never both build an index of 100k responses. Slow follow-up work (embedding a large import)
runs once per file and version on a background thread. No Qt.
"""

from __future__ import annotations

import sqlite3
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from sqlite_utils import Database

T = TypeVar("T")


def library_version(db: Database) -> str:
    row = db.execute("SELECT value FROM meta WHERE key = 'library_version'").fetchone()
    return str(row[0]) if row else ""


def examples_version(db: Database) -> str:
    """The counter that moves with every change to the learned examples (migration m011).

    Their own cache key, so a pick does not rebuild the responses' index; "" before m011.
    """
    try:
        row = db.execute("SELECT value FROM meta WHERE key = 'examples_version'").fetchone()
    except sqlite3.Error:
        return ""
    return str(row[0]) if row else ""


def file_of(db: Database) -> str:
    """The main database's file ("" in memory), so connections to one file share an index."""
    for _seq, name, filename in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return str(filename or "")
    return ""


class PerLibrary(Generic[T]):
    """A value per library (file or in-memory connection), kept until the library changes."""

    def __init__(self, version: Callable[[Database], str] = library_version) -> None:
        self._version = version  # what says the value is stale
        self._lock = threading.Lock()
        self._by_file: dict[str, tuple[str, T]] = {}
        self._by_memory_db: weakref.WeakKeyDictionary[Database, tuple[str, T]] = (
            weakref.WeakKeyDictionary()
        )

    def get(self, db: Database, build: Callable[[str, str, T | None], T]) -> T:
        """`db`'s value; `build(path, version, previous)` makes it when the library changed.

        `path` is "" in memory; `previous` is the value built for an older version (parts of
        it may be reused), or None on the first build in this process. Builds run one at a
        time, under the lock.
        """
        version = self._version(db)
        path = file_of(db)
        with self._lock:
            cached = self._by_file.get(path) if path else self._by_memory_db.get(db)
            if cached is not None and cached[0] == version and version:
                return cached[1]
            value = build(path, version, cached[1] if cached is not None else None)
            if path:
                self._by_file[path] = (version, value)
            else:
                self._by_memory_db[db] = (version, value)
            return value

    def drop(self, path: str) -> None:
        """Forget the value kept for the database file `path`: the next get() builds it."""
        with self._lock:
            self._by_file.pop(path, None)

    def shared(self) -> list[T]:
        """The values kept for database files now."""
        with self._lock:
            return [value for _version, value in self._by_file.values()]


class BackgroundJobs:
    """One daemon thread per key, started once: a second request for the key does nothing."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._threads: dict[Hashable, threading.Thread] = {}

    def start_once(self, key: Hashable, target: Callable[[], None]) -> None:
        if key in self._threads:
            return
        thread = threading.Thread(target=target, name=self._name, daemon=True)
        self._threads[key] = thread
        thread.start()

    def wait(self, timeout: float | None = None) -> None:
        """Wait for every job started so far (the benchmark measures a restart after them)."""
        for thread in list(self._threads.values()):
            thread.join(timeout)
