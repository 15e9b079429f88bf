"""Open the SQLite database: WAL, migrations, and recovery from a corrupt file."""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from desktop.errors import StoreError
from desktop.store import migrations

logger = logging.getLogger(__name__)


@dataclass
class OpenedDatabase:
    db: Database
    path: Path
    recovered_from: Path | None = None  # a corrupt file that was moved aside, kept for the user


def _connect(path: Path, verify: bool) -> Database:
    db = Database(sqlite3.connect(str(path), timeout=10))
    db.enable_wal()
    db.execute("PRAGMA foreign_keys = ON")
    if verify:
        result = db.execute("PRAGMA quick_check").fetchone()
        if result is None or result[0] != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {result}")
    migrations.apply(db)
    return db


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
            raise StoreError(f"Cannot open the database {path}: {exc}") from exc
    try:
        return OpenedDatabase(_connect(path, verify=True), path)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError) and "locked" in str(exc):
            raise StoreError(f"The database {path} is locked by another program.") from exc
        if isinstance(exc, sqlite3.OperationalError) and not path.exists():
            raise StoreError(f"Cannot create the database {path}: {exc}") from exc
        backup = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
        logger.warning("database %s is unreadable (%s); moving it to %s", path, exc, backup)
        try:
            os.replace(path, backup)
            for suffix in ("-wal", "-shm"):
                side = path.with_name(path.name + suffix)
                if side.exists():
                    os.replace(side, backup.with_name(backup.name + suffix))
        except OSError as move_error:
            raise StoreError(
                f"The database {path} is damaged and could not be moved aside: {move_error}"
            ) from exc
        return OpenedDatabase(_connect(path, verify=True), path, recovered_from=backup)
