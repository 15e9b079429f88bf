"""Which responses are translations of one another: the same answer in another language.

A library may hold "How to return an item" with "Artikel zurücksenden" and "Cómo devolver un
artículo". They answer one need, so the thread's evidence for one is evidence for all: a German
question may sit nearer the English wording in meaning and nearer the German one in words.
A translation is found by meaning, not by tags or titles that teams keep inconsistently: it
lies at least TRANSLATION from its original in the multilingual space, and nearer to it than
to any other response in that language (shop library: translations 0.76-0.86 from their
originals, the closest two different English responses 0.86, so the nearest one decides).
No Qt, no model.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

from desktop.store import ranking
from desktop.store.canned import CannedResponse

TRANSLATION = 0.7


def languages_of(db: Database, ids: Sequence[int]) -> dict[int, str]:
    """Each response's language ("en" where none is set)."""
    if not ids:
        return {}
    marks = ", ".join("?" * len(ids))
    rows = db.query(f"SELECT id, language FROM canned WHERE id IN ({marks})", list(ids))
    return {int(r["id"]): r["language"] or "en" for r in rows}


def groups(db: Database, ids: Sequence[int], languages: Mapping[int, str]) -> dict[int, int]:
    """Each id of `ids` mapped to its group's first id (in `ids` order); alone, to itself.

    A response joins the nearest response of each other language when each is the other's
    nearest in that language and they are at least TRANSLATION alike. Without the
    multilingual encoder every response stands alone.
    """
    if len({languages.get(i, "en") for i in ids}) < 2:
        return {i: i for i in ids}
    return _grouped(ids, languages, ranking.response_cosines(db, ids, ids))


def translation_of(
    db: Database,
    candidate: CannedResponse,
    original: CannedResponse,
    pool: Sequence[CannedResponse],
) -> bool:
    """Whether `candidate` and `original` are one answer in two languages (among `pool`).

    Without the multilingual encoder, the same (non-empty) tags stand for the same answer.
    """
    if candidate.id is None or original.id is None or candidate.id == original.id:
        return False
    known = [original, candidate, *pool]
    ids = list(dict.fromkeys(c.id for c in known if c.id is not None))
    languages = {c.id: c.language or "en" for c in reversed(known) if c.id is not None}
    cosines = ranking.response_cosines(db, ids, ids)
    if cosines is None:
        return bool(candidate.tags) and sorted(candidate.tags) == sorted(original.tags)
    found = _grouped(ids, languages, cosines)
    return found[candidate.id] == found[original.id]


def _grouped(
    ids: Sequence[int], languages: Mapping[int, str], cosines: npt.NDArray[np.float32] | None
) -> dict[int, int]:
    group = {i: i for i in ids}
    if cosines is None:
        return group
    position = {i: n for n, i in enumerate(ids)}

    def nearest(i: int, language: str) -> int | None:
        others = [j for j in ids if j != i and languages.get(j, "en") == language]
        return max(others, key=lambda j: cosines[position[i], position[j]], default=None)

    for i in ids:
        for language in {languages.get(j, "en") for j in ids} - {languages.get(i, "en")}:
            j = nearest(i, language)
            if j is None or cosines[position[i], position[j]] < TRANSLATION:
                continue
            if nearest(j, languages.get(i, "en")) == i:
                _join(group, i, j, position)
    return {i: _root(group, i) for i in ids}


def _root(group: dict[int, int], i: int) -> int:
    while group[i] != i:
        i = group[i]
    return i


def _join(group: dict[int, int], i: int, j: int, position: Mapping[int, int]) -> None:
    a, b = _root(group, i), _root(group, j)
    if a != b:  # the earlier id (the better ranked) names the group
        first, second = (a, b) if position[a] < position[b] else (b, a)
        group[second] = first
