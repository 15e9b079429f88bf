"""The realistic shop library and the pipeline's reading of a thread, for the thread tests."""

from __future__ import annotations

from desktop.drafting.pipeline import Suggester
from desktop.drafting.understand import Understanding
from desktop.evaluation.library import memory_repository
from desktop.importers import parse_file
from desktop.settings import Settings
from desktop.store.canned import CannedRepository
from desktop.transcript import parse

from tests.conftest import EVAL

LIBRARY = EVAL / "realistic" / "library.json"


def shop_library() -> CannedRepository:
    """The realistic dev set's 64-response shop library, in memory."""
    return memory_repository(list(parse_file(LIBRARY)[1].responses))


def understood(repo: CannedRepository, text: str) -> Understanding:
    suggester = Suggester(None, repo, Settings(), "")  # type: ignore[arg-type]
    return suggester.understand(parse(text), count=5)


def first(repo: CannedRepository, text: str) -> str:
    """The title of the first need's ready reply."""
    ready = understood(repo, text).needs[0].ready
    assert ready is not None
    return ready.canned.title
