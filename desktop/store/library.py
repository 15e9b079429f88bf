"""The canned library as the app opens it: one connection, its repository, and how it was opened.

The window, the CLI and every worker thread open the library through here; none of it needs the
model, so nothing here (or below) imports the engine. No Qt.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop import paths
from desktop.store.canned import CannedRepository, seed_if_new
from desktop.store.db import open_database

logger = logging.getLogger(__name__)


@dataclass
class Library:
    repo: CannedRepository
    path: Path
    recovered_from: Path | None  # set when a corrupt database was moved aside on opening
    seeded: int

    def close(self) -> None:
        self.repo.db.close()


# Makes a library for the thread that calls it: SQLite connections belong to their thread.
LibraryFactory = Callable[[], Library]


def open_library(path: Path | None = None, seed: bool = True, verify: bool = True) -> Library:
    """Open (and on first run seed) the canned-response database; see open_database."""
    opened = open_database(path or paths.database_path(), verify)
    repo = CannedRepository(opened.db)
    seeded = (
        seed_if_new(repo, paths.resource_dir() / "seed" / "canned_responses.json") if seed else 0
    )
    return Library(repo, opened.path, opened.recovered_from, seeded)


def open_worker_library() -> Library:
    """A worker thread's own connection; start-up has already checked and seeded the file."""
    return open_library(seed=False, verify=False)
