"""Open the app's long-lived parts from settings: the canned library and the engine. No Qt."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from desktop import paths
from desktop.engine.llama import LlamaEngine
from desktop.settings import Settings
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


def open_library(path: Path | None = None, seed: bool = True, verify: bool = True) -> Library:
    """Open (and on first run seed) the canned-response database; see open_database."""
    opened = open_database(path or paths.database_path(), verify)
    repo = CannedRepository(opened.db)
    seeded = (
        seed_if_new(repo, paths.resource_dir() / "seed" / "canned_responses.json") if seed else 0
    )
    return Library(repo, opened.path, opened.recovered_from, seeded)


def load_engine(settings: Settings) -> LlamaEngine:
    """Load the configured GGUF (slow: call it off the GUI thread)."""
    return LlamaEngine(
        settings.resolved_model_path(),
        context_tokens=settings.context_tokens,
        threads=settings.threads,
    )
