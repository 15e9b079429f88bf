"""Open the SQLite database: WAL, migrations, and recovery from a damaged file.

A damaged file is never replaced by an empty one: it is moved aside (kept for the agent), a
fresh database is created, and every row SQLite can still read is copied into it
(desktop.store.recovery); the open result says how many responses came back.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from desktop.errors import StoreError
from desktop.store import migrations, storage
from desktop.store.recovery import Recovery, recover_into

logger = logging.getLogger(__name__)


@dataclass
class OpenedDatabase:
    db: Database
    path: Path
    recovered_from: Path | None = None  # a corrupt file that was moved aside, kept for the user
    recovery: Recovery | None = None  # what was copied out of it
    read_only: str = ""  # why the library was opened read-only ("" when it is writable)


# A 0-byte file younger than this is a library another instance is creating right now.
_NEW_FILE_SECONDS = 60


class _DamagedError(sqlite3.DatabaseError):
    """Damage found by our own checks (SQLite's own carry SQLITE_CORRUPT / SQLITE_NOTADB)."""


def _is_damage(exc: sqlite3.DatabaseError) -> bool:
    """Only damage moves a file aside: a lock, a full disk or a bad migration never does."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    return isinstance(exc, _DamagedError) or name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB"))


def _connect(path: Path, verify: bool) -> Database:
    if verify and _lost_empty_file(path):
        # SQLite reads a 0-byte file as a new database; an old one means the library was lost
        # (a crash mid-write, a sync tool), and the agent must hear about it.
        raise _DamagedError("the database file is empty (0 bytes)")
    db = Database(sqlite3.connect(str(path), timeout=10))
    try:
        db.enable_wal()
        db.execute("PRAGMA foreign_keys = ON")
        if verify:
            result = db.execute("PRAGMA quick_check").fetchone()
            if result is None or result[0] != "ok":
                raise _DamagedError(f"integrity check failed: {result}")
        # Under the write lock: a second instance opening the same new file must wait for
        # these migrations instead of running them again ("table already exists").
        with write_transaction(db):
            migrations.apply(db)
    except BaseException:
        db.close()  # a handle left open would keep the file from being moved aside (Windows)
        raise
    return db


def connect_read_only(path: Path) -> Database:
    """The library as it is, for reading only: the folder or its disk cannot take a write.

    `mode=ro` still needs the WAL's shared-memory file; on a read-only folder after a clean
    exit there is none and it cannot be created, so `immutable=1` (no locking, no WAL: nobody
    can write there anyway) is the fallback.
    """
    for query in ("mode=ro", "immutable=1"):
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?{query}", uri=True, timeout=10)
        try:
            conn.execute("SELECT count(*) FROM canned").fetchone()
        except sqlite3.DatabaseError:
            conn.close()
            if query == "immutable=1":
                raise
            continue
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        return db
    raise AssertionError("unreachable")


def _open_read_only(path: Path, error: sqlite3.DatabaseError | OSError) -> OpenedDatabase | None:
    """Fall back to reading an existing library when writing it is what failed; else None."""
    problem = storage.describe(error, path.parent, "the library is open read-only")
    if problem is None or not path.is_file() or path.stat().st_size == 0:
        return None
    try:
        db = connect_read_only(path)
    except sqlite3.DatabaseError:
        return None
    logger.warning("library opened read-only: %s (%s)", problem, error)
    return OpenedDatabase(db, path, read_only=str(problem))


def _lost_empty_file(path: Path) -> bool:
    wal = path.with_name(path.name + "-wal")
    try:
        stat = path.stat()
        empty = stat.st_size == 0 and (not wal.exists() or wal.stat().st_size == 0)
    except OSError:
        return False
    return empty and time.time() - stat.st_mtime > _NEW_FILE_SECONDS


def _move_aside(path: Path) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    count = 1
    while aside.exists():  # two recoveries in one second must not overwrite the first copy
        count += 1
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{count}")
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            os.replace(side, aside.with_name(aside.name + suffix))
    return aside


def _recover(path: Path, error: sqlite3.DatabaseError) -> OpenedDatabase:
    """Keep the damaged file aside, start a fresh database, copy back what can be read."""
    try:
        aside = _move_aside(path)
    except OSError as move_error:
        raise StoreError(
            f"The database {path} is damaged and could not be moved aside: {move_error}"
        ) from error
    logger.warning("database %s is unreadable (%s); kept as %s", path, error, aside)
    db = _connect(path, verify=True)
    try:
        recovery = recover_into(aside, db.conn)
    except sqlite3.Error as exc:  # the fresh database itself failed: nothing to hand back
        db.close()
        raise StoreError(f"Could not rebuild the database {path}: {exc}") from exc
    logger.warning(
        "recovered %d canned responses (%d rows in all) from %s",
        recovery.responses,
        sum(recovery.rows.values()),
        aside,
    )
    return OpenedDatabase(db, path, recovered_from=aside, recovery=recovery)


def open_database(path: Path, verify: bool = True) -> OpenedDatabase:
    """Open (creating if needed) and migrate; a corrupt file is moved aside, never deleted.

    `verify=False` is for the extra connections worker threads open once start-up has checked
    the file: they skip the integrity scan (it reads the whole file), and they never move a
    file aside that other connections still have open.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"Cannot create the data folder {path.parent}: {exc.strerror}. "
            "Check its permissions or set AGENT_ASSIST_HOME to a writable folder."
        ) from exc
    if not verify:
        try:
            return OpenedDatabase(_connect(path, verify=False), path)
        except sqlite3.DatabaseError as exc:
            if opened := _open_read_only(path, exc):
                return opened
            raise StoreError(f"Cannot open the database {path}: {exc}") from exc
    try:
        return OpenedDatabase(_connect(path, verify=True), path)
    except sqlite3.DatabaseError as exc:
        if opened := _open_read_only(path, exc):
            return opened
        if problem := storage.describe(exc, path.parent, "the library could not be opened"):
            raise problem from exc
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise StoreError(f"The database {path} is locked by another program.") from exc
        if isinstance(exc, sqlite3.OperationalError) and not path.exists():
            raise StoreError(f"Cannot create the database {path}: {exc}") from exc
        if not _is_damage(exc):
            raise StoreError(f"Cannot open the database {path}: {exc}") from exc
        return _recover(path, exc)


# One transaction holding the write lock from its first statement (BEGIN IMMEDIATE): an import
# that reads before it writes waits its turn behind another instance instead of failing with
# "database is locked"; full disks, read-only folders and a lock that never came are told in
# words. Defined beside the storage messages; the name stays for the importers and migrations.
write_transaction = storage.writing
