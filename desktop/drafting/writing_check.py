"""Whether a model writes whole replies well enough: measured once per model file, then cached.

Free writing (no saved reply fits, so the model writes the whole reply) is chosen
automatically only for a model that passed this check (model_quality.writes_freely); an
unchecked model is judged by the size of its weights until it is checked. The check drafts
PROBES, three short threads no shop library answers, in free mode, and counts a draft clean
when, before the guards tidy it, nothing of the instructions shows in it (echo.py, an n-gram
overlap), it does not write as the customer (signs with the customer's name or takes a label)
and the sentence checks find nothing it invented: no library answers a probe, so any specific
it states is made up. The model passes with CLEAN_NEEDED clean drafts. The 135M
default fails it (README, "Real conversations"), so it never writes freely by itself.

Run by `agent-assist models --writing [PATH]`; cached like the speed figure, by the file's
path, size and modification time. No Qt.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from sqlite_utils import Database

from desktop.drafting.echo import prompt_echo
from desktop.drafting.options import DraftMode, DraftOptions
from desktop.engine.base import Engine
from desktop.engine.model_cache import ModelFileCache
from desktop.engine.types import GenerationParams
from desktop.settings import Settings
from desktop.store import migrations
from desktop.store.canned import CannedRepository
from desktop.transcript import parse

CACHE_FILE = "model-writing.json"
CACHE_VERSION = 1
# (customer's name, the thread): requests a shop's library does not answer.
PROBES = (
    ("Priya", "Customer: Hi, do you sell gift wrapping for orders sent abroad? Thanks, Priya"),
    ("Tom", "Customer: Can I collect my order from your warehouse instead of delivery? Tom"),
    ("Ana", "Customer: Hello, is the Cove pan safe on an induction hob? Best, Ana"),
)
CLEAN_NEEDED = 2
_LABEL = re.compile(r"\s*[A-Z][\w .'-]{0,40}:\s*\n")  # "Concierge Service:" alone on a line
PARAMS = GenerationParams(max_tokens=96, temperature=0.3, seed=1)


@dataclass(frozen=True)
class WritingCheck:
    passed: bool
    clean: int  # drafts with no instructions, no customer's voice, at most one sentence out
    drafts: int
    notes: tuple[str, ...]  # what each unclean draft did
    measured_at: float

    def as_json(self) -> dict[str, object]:
        return {**asdict(self), "notes": list(self.notes)}


def run_check(
    engine: Engine, system_prompt: str, cancel: threading.Event | None = None
) -> WritingCheck:
    """Draft every probe freely with `engine` and judge the drafts (seconds for a small model).

    On an empty library: the check is of the model, whatever a team's library holds.
    """
    from desktop.drafting.pipeline import Suggester  # the pipeline imports model_quality

    db = Database(memory=True)
    migrations.apply(db)
    suggester = Suggester(engine, CannedRepository(db), Settings(), system_prompt)
    free = DraftOptions(mode=DraftMode.FREE, alternatives=1)
    clean, notes = 0, []
    stop = cancel or threading.Event()
    for name, thread in PROBES:
        result = suggester.suggest(parse(thread), stop, _ignore, options=free, params=PARAMS)
        flagged = [c for c in result.draft.offered.checks if c.flagged] if result.draft else []
        fault = _fault(result.raw_text, flagged, name, suggester.system_prompt, thread)
        if fault:
            notes.append(f"{name}: {fault}")
        else:
            clean += 1
    return WritingCheck(clean >= CLEAN_NEEDED, clean, len(PROBES), tuple(notes), time.time())


def _fault(text: str, flagged: Sequence[object], name: str, instructions: str, thread: str) -> str:
    """What is wrong with a raw draft (before the guards tidied it), or ''."""
    if not text.strip():
        return "wrote nothing"
    if prompt_echo(text, [instructions], [thread]):
        return "copied its instructions"
    signed = re.search(rf"(^|\n)\s*(customer\s*:|[-\u2013]?\s*{re.escape(name)}\s*$)", text, re.I)
    if signed:
        return "wrote as the customer"
    if _LABEL.match(text):
        return "began with a label, as in a transcript"
    if flagged:
        # No library answers a probe: any specific it states (a fact, a number, a promise)
        # is invented. A model fit to write says it will find out, or asks.
        return f"stated {len(flagged)} thing(s) nothing supports"
    return ""


def verdict(check: WritingCheck, name: str) -> str:
    """One line for the agent: how many drafts were clean and what follows from it."""
    follows = "writes whole replies" if check.passed else "adapts saved replies only"
    return f"{name}: {check.clean} of {check.drafts} drafts clean: {follows}"


def _ignore(_text: str) -> None:
    """The check reads the finished drafts, not the stream."""


class WritingCache:
    """Writing checks per model file (engine/model_cache.py)."""

    def __init__(self, path: Path | None = None) -> None:
        self._cache = ModelFileCache(CACHE_FILE, CACHE_VERSION, path)

    def get(self, model: Path) -> WritingCheck | None:
        data = (self._cache.entry(model) or {}).get("check")
        if not isinstance(data, dict):
            return None
        try:
            return WritingCheck(**{**data, "notes": tuple(data.get("notes", ()))})
        except TypeError:
            return None

    def put(self, model: Path, check: WritingCheck) -> None:
        self._cache.update(model, {"check": check.as_json()})
