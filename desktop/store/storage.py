"""A full disk or a read-only data folder, told in words: what went wrong and what to do. No Qt.

SQLite reports these as SQLITE_FULL, SQLITE_READONLY or an I/O error, and files as ENOSPC or
EROFS; the agent should read one line that names the folder, says what to do, and says that
the change in hand was not saved (the transaction rolled back; what was saved before stays).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from sqlite_utils import Database

from desktop.errors import StoreError

NOT_SAVED = "your last change was not saved"
# An I/O error on a disk with less free space than this is taken for a full disk.
_NEARLY_FULL_BYTES = 1 << 20
_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
_READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}


class StorageError(StoreError):
    """The data folder cannot be written: its disk is full, or it is read-only."""

    def __init__(self, message: str, kind: str) -> None:
        super().__init__(message)
        self.kind = kind  # "full", "read-only" or "io"


def full_message(folder: Path, outcome: str = NOT_SAVED) -> str:
    return f"The disk holding {folder} is full: free some space, then try again; {outcome}."


def read_only_message(folder: Path, outcome: str = NOT_SAVED) -> str:
    return (
        f"The data folder {folder} is read-only: make it writable (or start the app with "
        f"AGENT_ASSIST_HOME set to a writable folder); {outcome}."
    )


def io_message(folder: Path, detail: str, outcome: str = NOT_SAVED) -> str:
    return f"The disk holding {folder} could not be written ({detail}): check it; {outcome}."


def folder_is_read_only(folder: Path) -> bool:
    """True on a read-only mount (root ignores permission bits, so ask the file system too)."""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return True
    except OSError:
        return False
    return not os.access(folder, os.W_OK)


def folder_is_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < _NEARLY_FULL_BYTES
    except OSError:
        return False


def kind_of(exc: BaseException, folder: Path) -> str | None:
    """The kind of storage failure (full, read-only, io), or None for anything else (a lock)."""
    if isinstance(exc, OSError):
        if exc.errno in _FULL_ERRNOS:
            return "full"
        if exc.errno in _READ_ONLY_ERRNOS:
            return "read-only"
        return None
    if not isinstance(exc, sqlite3.DatabaseError):
        return None
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL" or "disk is full" in str(exc):
        return "full"
    if name.startswith("SQLITE_READONLY") or "readonly database" in str(exc):
        return "read-only"
    if name.startswith(("SQLITE_IOERR", "SQLITE_CANTOPEN")) or "disk I/O error" in str(exc):
        # Which I/O error it was matters less than why: ask the folder.
        if folder_is_read_only(folder):
            return "read-only"
        return "full" if folder_is_full(folder) else "io"
    return None


def describe(exc: BaseException, folder: Path, outcome: str = NOT_SAVED) -> StorageError | None:
    """The StorageError to raise for `exc`, or None when it is not a storage failure."""
    kind = kind_of(exc, folder)
    if kind == "full":
        return StorageError(full_message(folder, outcome), kind)
    if kind == "read-only":
        return StorageError(read_only_message(folder, outcome), kind)
    if kind == "io":
        return StorageError(io_message(folder, str(exc), outcome), kind)
    return None


def database_folder(db: Database) -> Path:
    """The folder of the main database file (the current folder for an in-memory one)."""
    for _seq, name, filename in db.conn.execute("PRAGMA database_list").fetchall():
        if name == "main" and filename:
            return Path(filename).parent
    return Path.cwd()


@contextlib.contextmanager
def storage_errors(db: Database, outcome: str = NOT_SAVED) -> Iterator[None]:
    """Turn a full disk or a read-only folder met inside the block into a StorageError."""
    try:
        yield
    except (sqlite3.DatabaseError, OSError) as exc:
        try:
            problem = describe(exc, database_folder(db), outcome)
        except sqlite3.Error:  # the connection itself is unusable: keep the original error
            problem = None
        if problem is None:
            raise
        raise problem from exc


@contextlib.contextmanager
def writing(db: Database) -> Iterator[Database]:
    """One write transaction, its storage failures told in words; it rolls back on failure.

    It takes the write lock at its first statement (`BEGIN IMMEDIATE`), not at its first
    write: sqlite-utils' `insert` and `update` read the schema before they write, and in WAL
    a transaction that has read cannot wait for another connection's write lock, nor write
    once that connection has committed ("database is locked" at once, SQLITE_BUSY or
    SQLITE_BUSY_SNAPSHOT). Taking the lock first makes it wait its turn (the busy timeout)
    with a fresh snapshot. Nested use becomes a savepoint. A lock that never came (another
    window or command writing past the busy timeout) is told in words too.
    """
    with storage_errors(db):
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        try:
            db.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if kind_of(exc, database_folder(db)) is not None:
                raise  # a full disk or a read-only folder: storage_errors says so
            raise StoreError(
                f"The library is busy in another window or command ({exc}); try again."
            ) from exc
        try:
            yield db
            db.conn.execute("COMMIT")
        except BaseException:
            db.conn.rollback()  # a no-op when an error already ended the transaction
            raise
