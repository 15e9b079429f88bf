"""How strongly a library learns from its past examples, chosen on those examples. No Qt.

The ranking fuses each response's nearest past example with the responses' own text
(`ranking_index.RankingIndex._learn`). How much that should count depends on the library:
where the responses' texts already name the requests (the Bitext library: 86% top-1 with no
examples) only a near-identical past request adds anything, and a heavy learned list pulls
conversations to the wrong response; where the texts are terse (one short reply per intent,
titles that say nothing) the past requests are the best evidence there is. So each library's
setting is chosen by leave-one-out on its own picks: each sampled pick's conversation is ranked
with the other examples as the learned list (`_LeftOut`), at each setting of GRID, and the
setting that ranks the picks' responses (or one of their group) highest is kept. The default
(the first, most cautious) stays unless another beats it by more than chance (`_best`).

The learned list may also be compared in the multilingual space (CROSS_GRID), where short
requests find their past twins more often than with WordLlama's static word vectors. Its
settings are compared on the examples' vectors there (migration m012), embedded here when at
most CROSS_FILL lack one (~1 s per 1,000 short requests, plus ~2 s and ~110 MB to load the
encoder); with more missing (a large first import), or more than CROSS_EXAMPLES examples,
only the WordLlama grid is compared.

Chosen again when the examples have moved by `examples.STRENGTH_HOLDS` since the last choice
(learn_many calls `after_learning`), on SAMPLE picks at most, so it costs a few seconds at any
size: never on the GUI thread (an app pick chooses on a thread of its own). The choice is kept in
`meta.learning_strength`; a library without enough examples keeps the default.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlite_utils import Database

from desktop.errors import StoreError
from desktop.store import examples, multilingual, ranking, storage
from desktop.store.examples import (
    DEFAULT_STRENGTH,
    STRENGTH_HOLDS,
    STRENGTH_KEY,
    LearnedIndex,
    Strength,
)
from desktop.store.index_cache import file_of
from desktop.store.ranking_documents import CROSS_SPACE, MEANING_SPACE
from desktop.store.ranking_index import COVERAGE_FULL
from desktop.transcript import Transcript, Turn

# From the default (3.0, 0.85: near-duplicates only) to picks that dominate the texts (40, 0.3:
# any past request a little alike).
GRID = (
    DEFAULT_STRENGTH,
    Strength(3.0, 0.7),
    Strength(6.0, 0.7),
    Strength(6.0, 0.6),
    Strength(10.0, 0.6),
    Strength(10.0, 0.5),
    Strength(20.0, 0.5),
    Strength(20.0, 0.4),
    Strength(40.0, 0.3),
)
# The same in the multilingual space, for conversations in the library's language too: its
# nearest past example alone ranks a short request better than WordLlama's (72/84/89% top-1
# with 1/3/5 picks, against 59/69/79%), and its cosines run lower (CROSS_LEARNING).
CROSS_GRID = (
    Strength(3.0, 0.6, True),
    Strength(6.0, 0.5, True),
    Strength(10.0, 0.4, True),
    Strength(20.0, 0.4, True),
    Strength(20.0, 0.3, True),
    Strength(40.0, 0.3, True),
)
CROSS_FILL = 2000  # at most this many missing multilingual vectors embedded to compare them
# Beyond this many examples the multilingual space is not compared: held in memory there
# they take 0.6 KB each (59 MB for 100,000, against the 60 MB for them all).
CROSS_EXAMPLES = 20_000
MIN_EXAMPLES = 20  # fewer picks than this say too little to choose on
MIN_PER_RESPONSE = 2.0  # picks per response with picks: with one, none has a neighbour
SAMPLE = 400  # picks left out at most: ~2-4 s whatever the library's size
SEED = 23  # the same picks are sampled each time: the same examples, the same choice
Z = 1.645  # standard errors a setting must gain by over the default: one-sided 95%
# The multilingual settings double the settings compared, and with them the chance that one
# beats the default by luck: they must gain by one-sided 97.5% (the 5% shared by the two
# spaces). At 95%, a library that names its intents chose (3, from 0.6) there on one split
# in 20 and lost 3.2 points top-1 on it; where the multilingual space truly wins (the weak
# library, 5 or more picks per response) it gains by 2.7 standard errors or more.
Z_CROSS = 1.96


@dataclass(frozen=True)
class Choice:
    """The setting chosen, and what it was chosen on."""

    strength: Strength
    examples: int  # examples in the learned index (picks and passes)
    ranked: int  # picks left out and ranked (in the library's language)
    top1: tuple[float, ...]  # per GRID setting: share of the picks' rounds ranked first
    seconds: float


def choose(db: Database, across: bool = True) -> Choice:
    """The setting for `db`'s examples, by leave-one-out on a sample of its picks.

    `across`: the multilingual space's settings compared too (CROSS_GRID), as the app does.
    """
    start = time.perf_counter()
    index = ranking.index_for(db)
    learned = ranking.learned_for(db)
    if learned is None or index.meaning is None:
        return Choice(DEFAULT_STRENGTH, 0, 0, (), 0.0)
    picks = np.flatnonzero(learned.polarity > 0)
    canned_ids = learned.canned_ids
    if len(picks) < MIN_EXAMPLES or len(picks) < MIN_PER_RESPONSE * len(
        np.unique(canned_ids[picks])
    ):
        return Choice(DEFAULT_STRENGTH, len(learned), 0, (), time.perf_counter() - start)
    rng = np.random.default_rng(SEED)
    rows = picks if len(picks) <= SAMPLE else np.sort(rng.choice(picks, SAMPLE, replace=False))
    ids = _ids(db, _space(db), "space", "vector", len(learned))
    texts = _texts(db, learned, ids, rows)
    cross_rows = _across(db, ids) if across else None
    grid = GRID + CROSS_GRID if cross_rows is not None else GRID
    left_out = _LeftOut(learned, picks, rng)
    rounds: list[list[int]] = []
    for row, text in zip(rows.tolist(), texts, strict=True):
        query = ranking.build_query(_transcript(text))
        skip = left_out.rows(row)  # drawn for every pick: the same draws with or without USE
        # Only a pick in the library's language: the WordLlama list counts in proportion to
        # the words the library knows (`rank_scored`), and elsewhere the multilingual space
        # decides. Ranked as if in the library's language, the others argued for settings
        # that cost the multilingual dev set 1-2 points top-1.
        if query.terms and index.coverage(query) >= COVERAGE_FULL:
            vector = learned.vector(row)
            near = {False: learned.near(vector, skip=skip)}
            if cross_rows is not None:
                cross, to_cross = cross_rows
                near[True] = cross.near(cross.vector(int(to_cross[row])), skip=to_cross[skip])
            rounds.append(index.places(query, vector, near, int(canned_ids[row]), grid))
    ranks = np.asarray(rounds, dtype=np.float64).reshape(len(rounds), len(grid))
    reciprocal = 1.0 / (ranks + 1.0)  # per pick, per setting
    top1 = (ranks == 0).mean(axis=0) if len(rounds) else np.zeros(len(grid))
    return Choice(
        grid[_best(reciprocal, grid)],
        len(learned),
        len(rounds),
        tuple(round(float(t), 4) for t in top1),
        time.perf_counter() - start,
    )


def _best(reciprocal: np.ndarray, grid: tuple[Strength, ...] = GRID) -> int:
    """The setting that ranks the picks' responses best, if it beats the default beyond chance.

    `reciprocal`: per pick, per setting of `grid`, 1 / (1 + the place its response was ranked
    at): a first place counts 1, a second 0.5, so a setting that moves the right response from
    fifth to second counts too, and fewer picks tell settings apart than top-1 alone would.
    A setting beats the default (0) when its mean exceeds the default's by Z standard errors
    (Z_CROSS in the multilingual space) of the picks' paired differences; of those that do,
    the best mean.
    """
    chosen, most = 0, float(reciprocal[:, 0].mean()) if len(reciprocal) > 1 else 0.0
    for setting in range(1, reciprocal.shape[1] if len(reciprocal) > 1 else 0):
        gain = reciprocal[:, setting] - reciprocal[:, 0]
        error = float(gain.std(ddof=1)) / np.sqrt(len(gain))
        mean = float(reciprocal[:, setting].mean())
        bar = Z_CROSS if grid[setting].cross else Z
        if float(gain.mean()) > bar * error > 0.0 and mean > most:
            chosen, most = setting, mean
    return chosen


class _LeftOut:
    """Which picks a leave-one-out round leaves out.

    The one ranked, and one of every other response's, drawn at random.

    Leaving out the ranked pick alone would rank its response with one example fewer than
    every other: the nearest past example is then more often another response's, and more so
    the heavier the learned list (a heavy setting that gains 14 points top-1 on new
    conversations with 3 picks per response lost 5 in that leave-one-out). With one fewer for
    every response, each round is a library with one pick fewer per response, a little harder
    than the real one.
    """

    def __init__(self, learned: LearnedIndex, picks: np.ndarray, rng: np.random.Generator) -> None:
        self._slot = learned.slot
        order = picks[np.argsort(self._slot[picks], kind="stable")]
        sizes = np.bincount(self._slot[order], minlength=len(learned.responses))
        self._order, self._sizes = order, sizes
        self._starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        self._rng = rng

    def rows(self, row: int) -> np.ndarray:
        has = np.flatnonzero(self._sizes)
        draw = (self._rng.random(len(has)) * self._sizes[has]).astype(np.int64)
        chosen = self._order[self._starts[has] + draw]
        chosen[has == self._slot[row]] = row
        return chosen


def _texts(db: Database, learned: LearnedIndex, ids: Any, rows: np.ndarray) -> list[str]:
    """The customer's side of the examples at `rows` of `learned` ("" for one gone since).

    `ids`: the examples' ids per row of `learned` (`_ids`).
    """
    wanted = [int(ids[r]) if r < len(ids) else -1 for r in rows.tolist()]
    found = {
        int(i): (int(owner), str(text))
        for i, owner, text in db.execute(
            f"SELECT id, canned_id, text FROM example WHERE id IN ({','.join('?' * len(wanted))})",
            wanted,
        ).fetchall()
    }
    owners = learned.canned_ids
    return [
        found[i][1] if i in found and found[i][0] == owners[r] else ""
        for i, r in zip(wanted, rows.tolist(), strict=True)
    ]


def _ids(db: Database, space: str, space_column: str, vector_column: str, count: int) -> Any:
    """Ids of the examples in a learned index's rows, as `examples._build` read them.

    1.6 MB for 100,000 examples. Ids only grow, so an example added since takes no earlier
    row; one forgotten since shifts the rows after it (`_texts` and `_across` check).
    """
    cursor = db.execute(
        f"SELECT id FROM example WHERE {space_column} = ? AND {vector_column} IS NOT NULL "
        "ORDER BY id LIMIT ?",
        [space, count],
    )
    return np.fromiter((value for (value,) in cursor), dtype=np.int64)


def _across(db: Database, ids: Any) -> tuple[LearnedIndex, Any] | None:
    """The examples in the multilingual space, and each WordLlama row's row there.

    None when the encoder is not installed, the examples are more than CROSS_EXAMPLES, or
    more than CROSS_FILL lack a vector there (embedded here otherwise, ~1,000 a second): the
    WordLlama grid alone is compared then.
    """
    if not multilingual.available() or len(ids) > CROSS_EXAMPLES:
        return None
    space = f"{CROSS_SPACE}:{multilingual.DIM}"
    if not examples.fill_cross(db, multilingual.default_multilingual, space, CROSS_FILL):
        return None
    cross = ranking.cross_learned_for(db)
    if cross is None:
        return None
    cross_ids = _ids(db, space, "cross_space", "cross_vector", len(cross))
    to_cross = np.minimum(np.searchsorted(cross_ids, ids), len(cross_ids) - 1)
    if len(cross_ids) != len(cross) or not np.array_equal(cross_ids[to_cross], ids):
        return None  # an example was added or forgotten meanwhile: chosen next time
    return cross, to_cross


def _space(db: Database) -> str:
    embedder = ranking.index_for(db).embedder
    return f"{MEANING_SPACE}:{embedder.dim}" if embedder is not None else ""


def _transcript(text: str) -> Transcript:
    """An example's kept text (its customer turns, one a line) as a conversation again."""
    return Transcript(tuple(Turn("customer", line) for line in text.split("\n") if line.strip()))


def keep(db: Database, choice: Choice) -> None:
    """Keep `choice` for `db`: in `meta`, and in the learned index the ranking holds now."""
    value = {
        "examples": choice.examples,
        "weight": choice.strength.weight,
        "least": choice.strength.least,
        "space": "multilingual" if choice.strength.cross else "wordllama",
        "ranked": choice.ranked,
        "top1": list(choice.top1),
    }
    with storage.writing(db):
        db.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
            [STRENGTH_KEY, json.dumps(value)],
        )
    learned = ranking.learned_for(db)
    if learned is not None and len(learned) == choice.examples:
        learned.strength = choice.strength


def due(db: Database) -> bool:
    """Whether the examples moved by STRENGTH_HOLDS since the last choice (a cheap check)."""
    (count,) = db.execute("SELECT count(*) FROM example").fetchone()
    row = db.execute("SELECT value FROM meta WHERE key = ?", [STRENGTH_KEY]).fetchone()
    try:
        chosen_on = int(json.loads(row[0])["examples"]) if row else -1
    except (ValueError, KeyError, TypeError):
        chosen_on = -1
    if chosen_on < 0:
        return int(count) >= MIN_EXAMPLES
    return abs(int(count) - chosen_on) >= STRENGTH_HOLDS * max(chosen_on, MIN_EXAMPLES)


def after_learning(db: Database, here: bool) -> None:
    """Choose `db`'s setting again if its examples moved enough since the last choice.

    `here`: in this thread (imports and the evaluation, already off the GUI thread, and an
    in-memory database, which no other thread may use); else on a thread of its own, with its
    own connection (an app pick may be recorded on the GUI thread).
    """
    path = file_of(db)
    if here or not path:
        try:
            with _lock:
                if due(db):
                    keep(db, choose(db))
        except (sqlite3.Error, StoreError):
            pass  # locked or read-only: the examples are kept; chosen after the next ones
        return
    thread = threading.Thread(target=_choose_file, args=(path,), name=THREAD, daemon=True)
    with _lock:
        _threads[:] = [t for t in _threads if t.is_alive()] + [thread]
    thread.start()


def _choose_file(path: str) -> None:
    try:
        db = Database(sqlite3.connect(path))
    except sqlite3.Error:
        return
    try:
        with _lock:  # one choice at a time; a second finds it no longer due
            if due(db):
                keep(db, choose(db))
    except (sqlite3.Error, StoreError):
        pass  # locked or read-only: chosen after the next pick
    finally:
        db.close()


def wait(timeout: float | None = None) -> None:
    """Wait for the choices started on threads of their own (tests, benchmarks)."""
    for thread in list(_threads):
        thread.join(timeout)


THREAD = "learning-strength"
_lock = threading.Lock()
_threads: list[threading.Thread] = []
