"""Daily copies of the library (SQLite's online backup API), and restoring one. No Qt.

Copies live in the data folder's `backups/`, one a day at most (made when the library is opened
and the newest copy is older than a day), the newest KEEP kept. The backup API copies a
consistent snapshot while other connections keep reading and writing, so neither the window nor
a running import has to stop for it. Restoring goes the same way in reverse, inside one SQLite
transaction: connections that are open see either the old library or the restored one, never a
mix, and the library as it was is first copied aside into `backups/`.
"""

from __future__ import annotations

import logging
import os
import re
import sqlite3
import time
from dataclasses import dataclass, replace
from pathlib import Path

from desktop.errors import StoreError
from desktop.store.db import open_database
from desktop.store.recovery import IdRange, Recovery, copy_missing_responses

logger = logging.getLogger(__name__)

KEEP = 7
MAX_AGE_SECONDS = 24 * 60 * 60
BEFORE_RESTORE = "before-restore"
_NAME = re.compile(r"^(?P<stem>.+)-(?P<stamp>\d{8}-\d{6})(?:-\d+)?(?:-(?P<label>[a-z\-]+))?\.db$")


@dataclass(frozen=True)
class Backup:
    """One copy in `backups/`: what the restore list shows."""

    path: Path
    created: float  # seconds since the epoch (the file's modification time)
    size: int
    responses: int | None  # None when the copy cannot be read
    before_restore: bool  # the library as it was just before a restore

    @property
    def label(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.created))
        count = "unreadable" if self.responses is None else f"{self.responses} responses"
        extra = ", before a restore" if self.before_restore else ""
        return f"{when} ({count}{extra})"


def backups_dir(db_path: Path) -> Path:
    return db_path.parent / "backups"


def _count_responses(path: Path) -> int | None:
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return int(conn.execute("SELECT count(*) FROM canned").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return None


def list_backups(db_path: Path) -> list[Backup]:
    """The library's copies, newest first."""
    folder = backups_dir(db_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match is None or match["stem"] != db_path.stem or not path.is_file():
            continue
        stat = path.stat()
        found.append(
            Backup(
                path,
                stat.st_mtime,
                stat.st_size,
                _count_responses(path),
                match["label"] == BEFORE_RESTORE,
            )
        )
    # The name carries the second it was made; the counter orders copies within one second.
    return sorted(found, key=lambda b: (b.created, b.path.name), reverse=True)


def _new_name(db_path: Path, label: str) -> Path:
    folder = backups_dir(db_path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    suffix = f"-{label}" if label else ""
    path = folder / f"{db_path.stem}-{stamp}{suffix}.db"
    count = 1
    while path.exists():
        count += 1
        path = folder / f"{db_path.stem}-{stamp}-{count}{suffix}.db"
    return path


def backup_now(conn: sqlite3.Connection, db_path: Path, label: str = "", keep: int = KEEP) -> Path:
    """Copy the library open on `conn` into `backups/`; keeps the newest `keep` copies."""
    folder = backups_dir(db_path)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target = _new_name(db_path, label)
        partial = target.with_name(f".{target.name}.partial")
        copy = sqlite3.connect(partial)
        try:
            conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
        finally:
            copy.close()
        os.replace(partial, target)  # a copy cut short never looks like a backup
    except (OSError, sqlite3.Error) as exc:
        raise StoreError(f"Cannot back up the library into {folder}: {exc}") from exc
    logger.info("backed up the library to %s", target)
    prune(db_path, keep)
    return target


def prune(db_path: Path, keep: int = KEEP) -> list[Path]:
    """Delete all but the newest `keep` copies; returns what was deleted."""
    removed = []
    for old in list_backups(db_path)[keep:]:
        try:
            old.path.unlink()
            removed.append(old.path)
        except OSError as exc:
            logger.warning("cannot delete the old backup %s: %s", old.path, exc)
    return removed


def backup_if_due(
    conn: sqlite3.Connection,
    db_path: Path,
    max_age: float = MAX_AGE_SECONDS,
    keep: int = KEEP,
) -> Path | None:
    """Back up when the newest copy is older than `max_age` seconds (or there is none)."""
    newest = next((b for b in list_backups(db_path) if not b.before_restore), None)
    if newest is not None and time.time() - newest.created < max_age:
        return None
    return backup_now(conn, db_path, keep=keep)


def _check_backup(path: Path) -> None:
    if not path.is_file():
        raise StoreError(f"No backup at {path}.")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            result = conn.execute("PRAGMA quick_check").fetchone()
            conn.execute("SELECT count(*) FROM canned").fetchone()
        finally:
            conn.close()
    except sqlite3.Error as exc:
        raise StoreError(f"{path.name} is not a usable library backup ({exc}).") from exc
    if result is None or result[0] != "ok":
        raise StoreError(f"{path.name} is damaged ({result}); choose another backup.")


def restore(backup: Path, db_path: Path) -> Path:
    """Replace the library with `backup` in one transaction; returns where the old one was kept.

    Other connections may stay open: they see the restored library from their next read.
    """
    _check_backup(backup)
    opened = open_database(db_path, verify=False)
    try:
        kept = backup_now(opened.db.conn, db_path, label=BEFORE_RESTORE, keep=KEEP + 1)
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            source.backup(opened.db.conn)
        except sqlite3.Error as exc:
            raise StoreError(f"Could not restore {backup.name}: {exc}") from exc
        finally:
            source.close()
    finally:
        opened.db.close()
    # A copy made by an older version gets this version's schema before anyone reads it.
    open_database(db_path, verify=False).db.close()
    logger.info("restored the library from %s; the previous one is kept as %s", backup, kept)
    return kept


_LISTED_GAP = 200_000  # ids looked at one by one in a damaged stretch


def _lost_ranges(conn: sqlite3.Connection, damaged: tuple[IdRange, ...]) -> tuple[IdRange, ...]:
    """The parts of the damaged id stretches that no response fills, after the backup."""
    lost: list[IdRange] = []
    for first, last in damaged:
        if last is None or last - first > _LISTED_GAP:
            rows = conn.execute("SELECT id FROM canned WHERE id >= ? ORDER BY id", (first,))
            start = first
            for (found,) in rows:  # skip the ids that came back right at the start
                if found != start:
                    break
                start += 1
            lost.append((start, last))
            continue
        present = {
            int(row[0])
            for row in conn.execute("SELECT id FROM canned WHERE id BETWEEN ? AND ?", (first, last))
        }
        run: int | None = None
        for number in range(first, last + 2):
            missing = number <= last and number not in present
            if missing and run is None:
                run = number
            elif not missing and run is not None:
                lost.append((run, number - 1))
                run = None
    return tuple(lost)


def fill_from_backup(conn: sqlite3.Connection, db_path: Path, recovery: Recovery) -> Recovery:
    """After a recovery that missed responses, take the missing ones from the newest backup.

    Only responses (never history or feedback) and only ids the recovered library lacks: what
    came back from the damaged file is newer than any backup. A response deleted since the
    backup may come back with it; that is the lesser harm. The result says which backup gave
    what, and which damaged ids stayed empty.
    """
    if recovery.complete:
        return recovery
    for candidate in list_backups(db_path):
        if candidate.responses is None:
            continue
        try:
            copied = copy_missing_responses(candidate.path, conn)
        except sqlite3.Error as exc:
            logger.warning("cannot take responses from the backup %s: %s", candidate.path, exc)
            continue
        logger.warning("%d responses came back from the backup %s", copied, candidate.path)
        lost = _lost_ranges(conn, recovery.damaged_ids)
        return replace(recovery, from_backup=copied, backup=candidate.path, lost=lost)
    return replace(recovery, lost=_lost_ranges(conn, recovery.damaged_ids))
