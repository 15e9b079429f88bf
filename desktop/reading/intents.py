"""What the customer wants, in the library's own terms, with a calibrated confidence.

An intent is a response's primary (first) tag, else its category: the names the team already
files its canned responses under. The ranking (desktop.store.ranking) orders responses and
gives each a match strength in 0..1 (meaning + shared words, or meaning across languages).
Per intent we keep its best response's strength `s` and its lead over the best other intent,
`gap`, and turn them into the probability that the intent is the right one:

    confidence = 1 / (1 + exp(-(A * s + B * gap + C)))

A, B and C were fitted by logistic regression on the dev sets (in scope: e-commerce
conversations against the e-commerce library and banking questions in five languages against
the banking library; out of scope: each set against the other's library), 1,040 readings. The
fit is in README "Reading the conversation"; `ABSTAIN` is the confidence under which the app
says "no matching canned response" instead of offering the nearest one.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sqlite_utils import Database

from desktop.store import ranking
from desktop.store.fields import parse_tags
from desktop.transcript import Transcript

A, B, C = 7.46, 2.83, -5.45
ABSTAIN = 0.3
CANDIDATES = 20  # responses read to collect intents
SHOWN = 3


@dataclass(frozen=True)
class IntentGuess:
    intent: str
    confidence: float


def intent_names(db: Database, ids: Sequence[int]) -> dict[int, str]:
    """Each response's intent: its primary tag, else its category ("" when it has neither)."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"SELECT id, tags, category FROM canned WHERE id IN ({marks})", list(ids))
    names = {}
    for response_id, tags, category in rows.fetchall():
        parsed = [t.strip() for t in parse_tags(tags) if t.strip()]
        names[int(response_id)] = parsed[0] if parsed else str(category or "").strip()
    return names


def calibrate(strength: float, gap: float) -> float:
    return 1.0 / (1.0 + math.exp(-(A * strength + B * gap + C)))


def strengths(db: Database, transcript: Transcript) -> list[tuple[str, float]]:
    """(intent, best match strength) in ranking order, one entry per intent."""
    scored = ranking.rank_scored(db, transcript, CANDIDATES)
    names = intent_names(db, [response_id for response_id, _ in scored])
    best: dict[str, float] = {}
    for response_id, strength in scored:
        name = names.get(response_id, "")
        if name:
            best[name] = max(best.get(name, 0.0), strength)
    return list(best.items())


def guess_intents(db: Database, transcript: Transcript) -> tuple[tuple[IntentGuess, ...], bool]:
    """The SHOWN most likely intents and whether to abstain (nothing fits well enough)."""
    found = strengths(db, transcript)
    guesses = []
    for n, (name, strength) in enumerate(found[:SHOWN]):
        others = [s for m, (_, s) in enumerate(found) if m != n]
        gap = strength - max(others, default=0.0)
        guesses.append(IntentGuess(name, round(calibrate(strength, gap), 3)))
    abstain = not guesses or guesses[0].confidence < ABSTAIN
    return tuple(guesses), abstain
