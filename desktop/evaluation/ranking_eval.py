"""`agent-assist eval`: intent hit rates of the ranking on labelled conversations, and its latency.

The library is imported into a fresh in-memory database; a response's intent is its first tag
(see desktop/importers/bitext.py). No Qt.
"""

from __future__ import annotations

import statistics
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.evaluation.cases import Case
from desktop.evaluation.library import memory_repository
from desktop.importers.bitext import intent_of
from desktop.importers.picks import Pick, read_picks
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.learning import Answered, learn_many, resolve_canned
from desktop.store.ranking import rank_for
from desktop.transcript import Transcript


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


def _known(pick: Pick, ids: dict[str, int]) -> int | None:
    """The response a pick names: by its record reference first, else by its name."""
    return ids.get(pick.ref) if pick.ref in ids else ids.get(pick.canned)
