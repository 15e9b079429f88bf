"""The canned library as the app opens it: one connection, its repository, and how it was opened.

The window, the CLI and every worker thread open the library through here; none of it needs the
model, so nothing here (or below) imports the engine. No Qt.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop import paths
from desktop.errors import StoreError
from desktop.store import storage
from desktop.store.backup import backup_if_due, fill_from_backup
from desktop.store.canned import CannedRepository, seed_if_new
from desktop.store.db import open_database, write_transaction
from desktop.store.recovery import IdRange, Recovery
from desktop.store.storage import StorageError

BACKUP = "today's backup of the library was not made (the library itself is unchanged)"

logger = logging.getLogger(__name__)


@dataclass
class Library:
    repo: CannedRepository
    path: Path
    recovered_from: Path | None  # set when a corrupt database was moved aside on opening
    seeded: int
    recovery: Recovery | None = None  # what was copied back out of the damaged file
    read_only: str = ""  # why the library could only be opened for reading ("" if writable)
    storage_problem: str = ""  # a start-up write the disk refused (the seed, the daily backup)

    @property
    def recovered_responses(self) -> int | None:
        """Responses that came back from a damaged database; None when nothing was damaged."""
        return None if self.recovery is None else self.recovery.responses

    def recovery_message(self) -> str:
        """What to tell the agent at start-up about the library ("" when all is well).

        A damaged database rebuilt, a library that could only be opened read-only (a read-only
        folder, a full disk), or a daily backup that could not be made.
        """
        notes = (self._rebuilt_message(), self.read_only, self.storage_problem)
        return " ".join(note for note in notes if note)

    def _rebuilt_message(self) -> str:
        if self.recovered_from is None:
            return ""
        count = self.recovered_responses or 0
        came_back = (
            f"{count} canned response{'s' if count != 1 else ''} could be read back"
            if count
            else "no canned responses could be read back"
        )
        recovery = self.recovery or Recovery()
        if recovery.backup is not None:
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(recovery.backup.stat().st_mtime))
            came_back += f" ({recovery.from_backup} of them from the backup of {when})"
        message = (
            f"The canned-response database was damaged: {came_back} into a new one at {self.path}."
        )
        if recovery.lost:
            numbers = ", ".join(_ids(r) for r in recovery.lost[:5])
            more = f" and {len(recovery.lost) - 5} more stretches" if len(recovery.lost) > 5 else ""
            message += f" Responses numbered {numbers}{more} could not be brought back."
        elif not recovery.complete:
            since = "made after that backup" if recovery.backup else "in the damaged file"
            message += f" Any responses {since} that are not listed now could not be brought back."
        return f"{message} The damaged file is kept as {self.recovered_from}."

    def close(self) -> None:
        self.repo.db.close()


def _ids(stretch: IdRange) -> str:
    first, last = stretch
    if last is None:
        return f"{first} and above"
    return str(first) if first == last else f"{first}\u2013{last}"


# Makes a library for the thread that calls it: SQLite connections belong to their thread.
LibraryFactory = Callable[[], Library]


def open_library(path: Path | None = None, seed: bool = True, verify: bool = True) -> Library:
    """Open (and on first run seed) the canned-response database; see open_database."""
    opened = open_database(path or paths.database_path(), verify)
    if opened.recovery is not None:  # before today's backup, which would copy the loss
        opened.recovery = fill_from_backup(opened.db.conn, opened.path, opened.recovery)
    repo = CannedRepository(opened.db)
    library = Library(
        repo, opened.path, opened.recovered_from, 0, opened.recovery, opened.read_only
    )
    if seed and not library.read_only:
        try:
            # Under the write lock: two instances started at once must not both seed a new one.
            with write_transaction(opened.db):
                library.seeded = seed_if_new(
                    repo, paths.resource_dir() / "seed" / "canned_responses.json"
                )
        except StorageError as exc:  # a full disk: the library opens without the seed
            library.storage_problem = str(exc)
    if library.recovered_from is not None or library.read_only:
        logger.warning("%s", library.recovery_message())  # the CLI prints warnings
    if verify and not library.read_only:
        try:
            backup_if_due(opened.db.conn, opened.path)
        except (StoreError, sqlite3.Error) as exc:  # a full disk must not stop the day's work
            logger.warning("daily backup skipped: %s", exc)
            if problem := storage.describe(exc.__cause__ or exc, opened.path.parent, BACKUP):
                library.storage_problem = str(problem)
    return library


def open_worker_library() -> Library:
    """A worker thread's own connection; start-up has already checked and seeded the file."""
    return open_library(seed=False, verify=False)
