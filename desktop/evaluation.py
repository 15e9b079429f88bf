"""Measure retrieval: intent hit rates on labelled conversations, and ranking latency.

A case is one JSON line: `{"id", "conversation": [{"role", "text"}], "expected_intent"}`, with
an optional `"language"` (the customer's, e.g. "de") by which the hit rates can be split.
The library is imported into a fresh in-memory database; a response's intent is its first tag
(see desktop/importers/bitext.py). No Qt.
"""

from __future__ import annotations

import json
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.errors import InputError
from desktop.importers import bitext
from desktop.importers.bitext import intent_of
from desktop.importers.picks import Pick, read_picks
from desktop.store import migrations
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.learning import Answered, learn_many, resolve_canned
from desktop.store.ranking import rank_for
from desktop.transcript import Transcript, Turn

ROLES = ("customer", "agent")


@dataclass(frozen=True)
class Case:
    id: str
    transcript: Transcript
    expected_intent: str
    language: str = ""  # the customer's language when the case file says so


@dataclass(frozen=True)
class LanguageScore:
    """Hit rates over the cases written in one language ("" when a case names none)."""

    language: str
    top1: float
    top3: float
    cases: int


@dataclass(frozen=True)
class IntentScore:
    intent: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class Report:
    cases: int
    top1: float
    top3: float
    macro_precision: float
    macro_recall: float
    macro_f1: float
    median_ms: float
    per_intent: tuple[IntentScore, ...]
    by_language: tuple[LanguageScore, ...] = ()
    learned: tuple[int, list[str]] = (0, [])  # examples kept from the picks, unknown names

    def as_dict(self) -> dict[str, Any]:
        return {
            "cases": self.cases,
            "top1": self.top1,
            "top3": self.top3,
            "macro_precision": self.macro_precision,
            "macro_recall": self.macro_recall,
            "macro_f1": self.macro_f1,
            "median_ms": self.median_ms,
            "per_intent": {
                s.intent: {
                    "precision": s.precision,
                    "recall": s.recall,
                    "f1": s.f1,
                    "support": s.support,
                }
                for s in self.per_intent
            },
        }

    def languages_dict(self) -> dict[str, dict[str, float | int]]:
        return {
            s.language: {"top1": s.top1, "top3": s.top3, "cases": s.cases} for s in self.by_language
        }


def load_cases(path: Path) -> list[Case]:
    """Read a JSONL file of cases; a bad line is reported by number."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not UTF-8 text.") from exc
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            turns = tuple(
                Turn(t["role"], str(t["text"]))
                for t in record["conversation"]
                if t["role"] in ROLES
            )
            cases.append(
                Case(
                    str(record.get("id", number)),
                    Transcript(turns),
                    str(record["expected_intent"]),
                    str(record.get("language") or ""),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path.name}, line {number}: not a valid case ({exc}).") from exc
    if not cases:
        raise InputError(f"{path.name} holds no cases.")
    return cases


def load_picks(path: Path) -> list[Pick]:
    """The picks of `path` (desktop.importers.picks): JSONL, JSON or CSV."""
    return read_picks(path)


def teach(repo: CannedRepository, picks: Sequence[Pick]) -> tuple[int, list[str]]:
    """Learn `picks` into `repo`; returns how many were kept and the unknown response names."""
    ids = resolve_canned(repo.db, [n for p in picks for n in (p.ref, p.canned) if n])
    unknown = sorted({p.canned for p in picks if _known(p, ids) is None})
    answered = [
        Answered(found, p.transcript) for p in picks if (found := _known(p, ids)) is not None
    ]
    return learn_many(repo.db, answered, source="import"), unknown


def memory_repository(responses: Sequence[CannedResponse]) -> CannedRepository:
    db = Database(memory=True)
    migrations.apply(db)
    repo = CannedRepository(db)
    repo.add_many(responses)
    return repo


def evaluate(
    cases: Sequence[Case],
    library: Sequence[CannedResponse],
    rank: Callable[[CannedRepository, Transcript], list[CannedResponse]] | None = None,
    picks: Sequence[Pick] = (),
) -> Report:
    """Rank for every case; top-1 decides the predicted intent for precision and recall.

    With `picks`, the fresh library first learns from them (examples, desktop.store.examples).
    """
    repo = memory_repository(library)
    learned = teach(repo, picks) if picks else (0, [])
    ranker = rank or (lambda r, t: rank_for(r, t, 3))
    ranker(repo, cases[0].transcript)  # builds the in-memory index: not a ranking latency
    hits1 = hits3 = 0
    timings: list[float] = []
    pairs: list[tuple[str, str]] = []
    languages: dict[str, list[tuple[bool, bool]]] = {}
    for case in cases:
        start = time.perf_counter()
        ranked = ranker(repo, case.transcript)
        timings.append(time.perf_counter() - start)
        intents = [intent_of(r) for r in ranked[:3]]
        predicted = intents[0] if intents else ""
        hit1, hit3 = predicted == case.expected_intent, case.expected_intent in intents
        hits1 += hit1
        hits3 += hit3
        languages.setdefault(case.language, []).append((hit1, hit3))
        pairs.append((case.expected_intent, predicted))
    repo.db.close()
    per_intent = _per_intent(pairs)
    count = len(cases)
    return Report(
        cases=count,
        top1=hits1 / count,
        top3=hits3 / count,
        macro_precision=statistics.fmean(s.precision for s in per_intent),
        macro_recall=statistics.fmean(s.recall for s in per_intent),
        macro_f1=statistics.fmean(s.f1 for s in per_intent),
        median_ms=statistics.median(timings) * 1000,
        per_intent=per_intent,
        by_language=tuple(
            LanguageScore(
                language,
                sum(h1 for h1, _ in hits) / len(hits),
                sum(h3 for _, h3 in hits) / len(hits),
                len(hits),
            )
            for language, hits in sorted(languages.items())
        ),
        learned=learned,
    )


def _per_intent(pairs: Sequence[tuple[str, str]]) -> tuple[IntentScore, ...]:
    """Precision, recall and F1 per expected intent (predictions of other intents count as FP)."""
    support = Counter(expected for expected, _ in pairs)
    predicted = Counter(guess for _, guess in pairs)
    correct = Counter(expected for expected, guess in pairs if expected == guess)
    scores = []
    for intent in sorted(support):
        p = correct[intent] / predicted[intent] if predicted[intent] else 0.0
        r = correct[intent] / support[intent]
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        scores.append(IntentScore(intent, p, r, f1, support[intent]))
    return tuple(scores)


def synthetic_library(
    base: Sequence[CannedResponse], size: int, seed: int = 0
) -> list[CannedResponse]:
    """`size` responses made from `base`: words dropped, swapped in from other responses."""
    rng = random.Random(seed)
    vocabulary = [w for r in base for w in r.body.split()]
    made = []
    for number in range(size):
        source = base[number % len(base)]
        body = [w for w in source.body.split() if rng.random() > 0.1]
        for _ in range(5):
            body.insert(rng.randrange(len(body) + 1), rng.choice(vocabulary))
        made.append(
            CannedResponse(
                title=f"{source.title} #{number}",
                body=" ".join(body),
                category=source.category,
                tags=source.tags,
                source="synthetic",
                source_id=str(number),
            )
        )
    return made


def _search_timings(repo: CannedRepository, cases: Sequence[Case]) -> list[float]:
    """Search-box latency as an agent types: every prefix of the first two words of each case."""
    timings = []
    for case in cases:
        typed = " ".join(case.transcript.latest_customer_text().split()[:2])
        for end in range(2, len(typed) + 1):
            start = time.perf_counter()
            repo.search(typed[:end], 50)
            timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def benchmark(cases: Sequence[Case], library_path: Path, size: int) -> dict[str, float]:
    """Median and p95 ranking latency over a synthetic library of `size` responses."""
    repo = memory_repository(synthetic_library(bitext.parse(library_path).responses, size))
    start = time.perf_counter()
    rank_for(repo, cases[0].transcript, 5)
    build_s = time.perf_counter() - start
    timings = []
    hits = 0
    for case in cases:
        start = time.perf_counter()
        ranked = rank_for(repo, case.transcript, 5)
        timings.append((time.perf_counter() - start) * 1000)
        hits += bool(ranked) and intent_of(ranked[0]) == case.expected_intent
    searches = _search_timings(repo, cases)
    repo.db.close()
    timings.sort()
    return {
        "search_median_ms": statistics.median(searches),
        "search_p95_ms": searches[min(len(searches) - 1, round(0.95 * (len(searches) - 1)))],
        "size": size,
        "queries": len(timings),
        "median_ms": statistics.median(timings),
        "p95_ms": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "index_build_s": build_s,
        "top1": hits / len(cases),  # the bit prefilter must not cost accuracy at scale
    }


def _known(pick: Pick, ids: dict[str, int]) -> int | None:
    """The response a pick names: by its record reference first, else by its name."""
    return ids.get(pick.ref) if pick.ref in ids else ids.get(pick.canned)
