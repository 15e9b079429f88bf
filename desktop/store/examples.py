"""Past conversations an agent answered with a canned response: what the ranking learns from.

Each example is the customer's side of one conversation (redacted) with the response it was
answered with (`polarity` 1), or a response the agent passed over (-1: a discarded draft). Its
meaning vector is kept with it (float16, migration m011), so a restart embeds nothing, and the
examples are held in memory per database (`LearnedIndex`), rebuilt only when
`meta.examples_version` moves. In memory a vector is 8-bit codes with a scale (cosines within
~0.005 of the float ones): 100,000 examples take 26 MB of codes and 3 MB of sign bits.
Picks stay on the laptop. No Qt.
"""

from __future__ import annotations

import functools
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

from desktop.errors import StoreError
from desktop.store import storage
from desktop.store.index_cache import BackgroundJobs, PerLibrary, examples_version, file_of
from desktop.store.vectors import TextEmbedder

Floats = npt.NDArray[np.float32]
PICK, AGAINST = 1, -1
CODE_BATCH = 8192
CROSS_BATCH = 256
FILL_NOW = 1000  # missing multilingual vectors embedded while a conversation waits (~2.5 s)
PREFILTER = 1000  # more examples than this are narrowed by sign bits before exact cosines
SOURCES = ("app", "import")


@dataclass(frozen=True)
class Example:
    canned_id: int
    text: str  # the customer's side, redacted
    polarity: int = PICK
    source: str = "app"  # "app": the agent's own picks; "import": a ticket history
    conversation: str = ""  # the redacted thread, so History > forget finds it
    created_at: float = field(default_factory=time.time)


@dataclass(frozen=True)
class Strength:
    """How much a library's past examples count in its ranking (`ranking_index._learn`).

    `weight`: the learned list's fusion weight once a response has many examples; `least`: the
    cosine below which a past example says nothing; `cross`: compared in the multilingual
    space (its cosines run lower) rather than WordLlama's, for a conversation in the library's
    language too. The default suits a library whose texts already name its requests;
    `desktop.store.learning_strength` chooses one per library on its own examples, kept in
    `meta.learning_strength` with the count it was chosen on.
    """

    weight: float = 3.0
    least: float = 0.85
    cross: bool = False


DEFAULT_STRENGTH = Strength()
STRENGTH_KEY = "learning_strength"
STRENGTH_HOLDS = 0.1  # a setting holds while the examples are within this share of its count


@dataclass(frozen=True)
class Near:
    """Per response with examples: its nearest pick (or passed-over) similarity and count."""

    canned_ids: npt.NDArray[np.int64]
    similarity: Floats
    count: npt.NDArray[np.int64]


class ExampleStore:
    """The `example` table over one connection."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add_many(self, examples: Sequence[Example], vectors: Floats, space: str) -> int:
        """Keep `examples` with their vectors, all or none (one transaction)."""
        if not examples:
            return 0
        rows = [
            (
                e.canned_id,
                e.polarity,
                e.text,
                e.conversation,
                e.source,
                e.created_at,
                space,
                np.asarray(v, dtype=np.float16).tobytes(),
            )
            for e, v in zip(examples, vectors, strict=True)
        ]
        with storage.writing(self.db):
            self.db.conn.executemany(
                "INSERT INTO example (canned_id, polarity, text, conversation, source, "
                "created_at, space, vector) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        return len(rows)

    def forget(
        self, canned_id: int | None = None, source: str | None = None, before: float | None = None
    ) -> int:
        """Delete the examples that match every given filter (none given: all of them)."""
        where, params = _filters(canned_id, source, before)
        with storage.writing(self.db):
            cursor = self.db.execute(f"DELETE FROM example{where}", params)
        return int(cursor.rowcount)

    def forget_conversations(self, texts: Iterable[str]) -> int:
        """Delete the agent's picks made in these (redacted) threads: History > forget.

        A thread grows after a pick, so a pick belongs to it when its thread is a part of it.
        """
        gone = 0
        with storage.writing(self.db):
            for text in texts:
                cursor = self.db.execute(
                    "DELETE FROM example WHERE source = 'app' AND conversation != '' "
                    "AND instr(?, conversation) > 0",
                    [text],
                )
                gone += cursor.rowcount
        return gone

    def counts(self) -> dict[int, tuple[int, int]]:
        """Per canned id: (picks, passed over)."""
        out: dict[int, tuple[int, int]] = {}
        for canned_id, picks, against in self.db.execute(
            "SELECT canned_id, sum(polarity > 0), sum(polarity < 0) FROM example GROUP BY canned_id"
        ).fetchall():
            out[int(canned_id)] = (int(picks), int(against))
        return out

    def stats(self) -> dict[str, Any]:
        """Totals by source and polarity, and how many responses have examples."""
        by_source = {
            str(source): {"picks": int(picks), "against": int(against)}
            for source, picks, against in self.db.execute(
                "SELECT source, sum(polarity > 0), sum(polarity < 0) FROM example GROUP BY source"
            ).fetchall()
        }
        responses, oldest = self.db.execute(
            "SELECT count(DISTINCT canned_id), min(created_at) FROM example"
        ).fetchone()
        orphans = self.db.execute(
            "SELECT count(*) FROM example WHERE canned_id NOT IN (SELECT id FROM canned)"
        ).fetchone()[0]
        total = sum(s["picks"] + s["against"] for s in by_source.values())
        strength = stored_strength(self.db, total)  # the setting the ranking uses now
        return {
            "examples": total,
            "by_source": by_source,
            "learning_strength": {
                "weight": strength.weight,
                "least": strength.least,
                "space": "multilingual" if strength.cross else "wordllama",
            },
            "responses": int(responses or 0),
            "oldest": oldest,
            "without_response": int(orphans),  # their response was deleted: they are ignored
        }


def _filters(
    canned_id: int | None, source: str | None, before: float | None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for clause, value in (("canned_id = ?", canned_id), ("source = ?", source)):
        if value is not None:
            clauses.append(clause)
            params.append(value)
    if before is not None:
        clauses.append("created_at < ?")
        params.append(before)
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params


class _Codes:
    """Vectors as 8-bit codes with a scale per row, and their sign bits.

    Half the memory of float16, and converting the prefiltered rows is 4x quicker. Filled in
    parts, so loading 100,000 never holds them all as floats.
    """

    def __init__(self, count: int, dim: int) -> None:
        self.codes = np.empty((count, dim), dtype=np.int8)
        self.scale = np.empty(count, dtype=np.float32)
        self.bits = np.empty((count, dim // 64), dtype=np.uint64)

    def put(self, start: int, vectors: Any) -> None:
        part = np.asarray(vectors, dtype=np.float32)
        end = start + len(part)
        scale = np.maximum(np.abs(part).max(axis=1), 1e-9) / 127.0
        self.scale[start:end] = scale
        self.codes[start:end] = np.rint(part / scale[:, None])
        self.bits[start:end] = np.packbits(part > 0, axis=1).view(np.uint64)

    def first(self, count: int) -> _Codes:
        if count < len(self.scale):
            self.codes, self.scale, self.bits = (
                self.codes[:count],
                self.scale[:count],
                self.bits[:count],
            )
        return self


class LearnedIndex:
    """The examples' vectors in memory, and the nearest of them per response for a query."""

    def __init__(
        self,
        canned_ids: npt.NDArray[np.int64],
        polarity: npt.NDArray[np.int8],
        codes: _Codes,
    ) -> None:
        """`codes`: the examples' vectors as `_Codes` (see `from_vectors`)."""
        self.codes, self.scale = codes.codes, codes.scale
        self.bits = np.ascontiguousarray(codes.bits.T)
        self.polarity = polarity
        # Responses as slots, so the best similarity per response is one ufunc call.
        self.responses, self.slot = np.unique(canned_ids, return_inverse=True)
        self.slot = self.slot.astype(np.int64)
        self.picks = np.bincount(self.slot[polarity > 0], minlength=len(self.responses))
        self.against = np.bincount(self.slot[polarity < 0], minlength=len(self.responses))
        # Replaced whole (one reference) when the library's setting is chosen again.
        self.strength = DEFAULT_STRENGTH

    @classmethod
    def from_vectors(
        cls, canned_ids: npt.NDArray[np.int64], polarity: npt.NDArray[np.int8], vectors: Any
    ) -> LearnedIndex:
        codes = _Codes(len(vectors), int(np.shape(vectors)[1]))
        for start in range(0, len(vectors), CODE_BATCH):
            codes.put(start, vectors[start : start + CODE_BATCH])
        return cls(canned_ids, polarity, codes)

    def __len__(self) -> int:
        return len(self.polarity)

    @property
    def nbytes(self) -> int:
        parts = (self.codes, self.scale, self.bits, self.polarity, self.slot)
        return sum(int(part.nbytes) for part in parts)

    @property
    def canned_ids(self) -> npt.NDArray[np.int64]:
        return np.asarray(self.responses[self.slot], dtype=np.int64)

    def vector(self, row: int) -> Floats:
        """Example `row`'s vector as kept in memory (its 8-bit codes times its scale)."""
        vector: Floats = self.codes[row].astype(np.float32) * self.scale[row]
        return vector

    def near(self, query: Floats, skip: Any = None) -> tuple[Near, Near]:
        """(picks, passed over): per response, the best cosine of its examples with `query`.

        `skip`: rows of examples left out, as if they were not kept (leave-one-out,
        `desktop.store.learning_strength`).
        """
        rows = np.arange(len(self), dtype=np.int64)
        if len(self) > PREFILTER:
            signs = np.packbits(query[None, :] > 0, axis=1).view(np.uint64).T
            columns = np.bitwise_count(self.bits ^ signs)
            distance = columns[0].astype(np.uint16)
            for column in columns[1:]:
                distance += column
            rows = _nearest_bits(distance, PREFILTER)
        rows.sort()  # neighbouring rows read together
        picks, against = self.picks, self.against
        if skip is not None:
            skip = np.asarray(skip, dtype=np.int64)
            rows = rows[~np.isin(rows, skip)]
            size = len(self.responses)
            picks = picks - np.bincount(self.slot[skip[self.polarity[skip] > 0]], minlength=size)
            against = against - np.bincount(
                self.slot[skip[self.polarity[skip] < 0]], minlength=size
            )
        similarity = (self.codes[rows].astype(np.float32) @ query) * self.scale[rows]
        return (
            self._best(rows, similarity, self.polarity[rows] > 0, picks),
            self._best(rows, similarity, self.polarity[rows] < 0, against),
        )

    def _best(self, rows: Any, similarity: Floats, keep: Any, counts: Any) -> Near:
        best = np.full(len(self.responses), -np.inf, dtype=np.float32)
        np.maximum.at(best, self.slot[rows[keep]], similarity[keep])
        found = np.flatnonzero(np.isfinite(best))
        return Near(self.responses[found], best[found], counts[found])


def _nearest_bits(distance: Any, count: int) -> npt.NDArray[np.int64]:
    """The `count` rows of smallest Hamming distance, found by a histogram.

    Distances are small integers, so this takes a fraction of argpartition's time.
    """
    cumulative = np.cumsum(np.bincount(distance))
    cutoff = int(np.searchsorted(cumulative, count))
    below = np.flatnonzero(distance < cutoff)
    ties = np.flatnonzero(distance == cutoff)[: count - len(below)]
    return np.concatenate([below, ties]).astype(np.int64)


def learned_for(db: Database, space: str) -> LearnedIndex | None:
    """`db`'s examples in `space`, read once per examples version; None when it has none."""
    return _learned.get(db, functools.partial(_build, db, space, "space", "vector"))


def cross_learned_for(db: Database, embedder: TextEmbedder, space: str) -> LearnedIndex | None:
    """`db`'s examples in the multilingual `space`, their missing vectors embedded first.

    The encoder embeds ~400 texts a second, so a team's first thousand picks cost a few
    seconds once, on the first conversation in another language; the vectors are kept. More
    than FILL_NOW missing (a large import) are embedded on a background thread meanwhile,
    and the examples that have one are used until it is done.
    """
    return _cross.get(db, functools.partial(_build_cross, db, embedder, space))


def _build_cross(
    db: Database,
    embedder: TextEmbedder,
    space: str,
    path: str,
    version: str,
    previous: LearnedIndex | None,
) -> LearnedIndex | None:
    if not version:
        return None
    try:
        missing = _missing_cross(db, space)
    except sqlite3.OperationalError:
        return None  # a database before m012 (the app migrates every one it opens)
    if len(missing) > FILL_NOW and path:
        _fills.start_once((path, version), functools.partial(_fill_later, path, embedder, space))
    elif not _fill_cross(db, embedder, space, missing):
        return None  # locked or read-only: ranked without them this time, filled next time
    return _build(db, space, "cross_space", "cross_vector", path, version, previous)


def fill_cross(
    db: Database, embedder: Callable[[], TextEmbedder | None], space: str, at_most: int
) -> bool:
    """Embed the examples' missing multilingual vectors here, if at most `at_most` are missing.

    True when every example has one then (`learning_strength` compares the spaces on them).
    `embedder` is asked for only when some are missing: loading it costs ~110 MB.
    """
    try:
        (count,) = db.execute(
            "SELECT count(*) FROM example WHERE cross_space != ? OR cross_vector IS NULL", [space]
        ).fetchone()
        if not count:
            return True
        if count > at_most:
            return False  # not even their texts are read
        missing = _missing_cross(db, space)
    except sqlite3.OperationalError:
        return False  # a database before m012
    encoder = embedder()
    if encoder is None or not _fill_cross(db, encoder, space, missing):
        return False
    _cross.drop(file_of(db))  # one built before, while a large fill waited, lacks them
    return True


def _missing_cross(db: Database, space: str) -> list[tuple[int, str]]:
    return [
        (int(i), str(text))
        for i, text in db.execute(
            "SELECT id, text FROM example WHERE cross_space != ? OR cross_vector IS NULL",
            [space],
        ).fetchall()
    ]


def _fill_cross(
    db: Database, embedder: TextEmbedder, space: str, missing: Sequence[tuple[int, str]]
) -> bool:
    """Embed and keep the multilingual vectors of `missing` examples; False if not kept."""
    try:
        for start in range(0, len(missing), CROSS_BATCH):
            batch = missing[start : start + CROSS_BATCH]
            vectors = embedder.embed([text for _, text in batch]).astype(np.float16)
            # Filling in does not move the examples' version (m012): no cache is rebuilt.
            with storage.writing(db):
                db.conn.executemany(
                    "UPDATE example SET cross_space = ?, cross_vector = ? WHERE id = ?",
                    [(space, v.tobytes(), i) for (i, _), v in zip(batch, vectors, strict=True)],
                )
    except (sqlite3.Error, StoreError):
        return False
    return True


def _fill_later(path: str, embedder: TextEmbedder, space: str) -> None:
    """A large import's multilingual vectors, on a thread of its own connection."""
    try:
        db = Database(sqlite3.connect(path))
    except sqlite3.Error:
        return
    try:
        if _fill_cross(db, embedder, space, _missing_cross(db, space)):
            _cross.drop(path)  # the next conversation in another language uses them all
    finally:
        db.close()


def wait_for_fills(timeout: float | None = None) -> None:
    """Wait for background embedding (tests and benchmarks)."""
    _fills.wait(timeout)


def _build(
    db: Database,
    space: str,
    space_column: str,
    vector_column: str,
    path: str,
    version: str,
    previous: LearnedIndex | None,
) -> LearnedIndex | None:
    if not version:  # a database before m011 has no examples
        return None
    where = f"FROM example WHERE {space_column} = ? AND {vector_column} IS NOT NULL"
    total, size = db.execute(
        f"SELECT count(*), max(length({vector_column})) {where}", [space]
    ).fetchone()
    if not total:
        return None
    # Read and encoded in parts: the blobs and floats of all rows are never held at once.
    dim = int(size) // 2
    codes = _Codes(total, dim)
    canned_ids = np.empty(total, dtype=np.int64)
    polarity = np.empty(total, dtype=np.int8)
    count = 0
    cursor = db.execute(f"SELECT canned_id, polarity, {vector_column} {where} ORDER BY id", [space])
    while rows := cursor.fetchmany(CODE_BATCH):
        # A vector of another size is never written; a row added meanwhile waits its turn.
        rows = [r for r in rows if len(r[2]) == 2 * dim][: total - count]
        if not rows:
            continue
        end = count + len(rows)
        part = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float16)
        codes.put(count, part.reshape(len(rows), dim))
        canned_ids[count:end] = [r[0] for r in rows]
        polarity[count:end] = [r[1] for r in rows]
        count = end
    index = LearnedIndex(canned_ids[:count], polarity[:count], codes.first(count))
    index.strength = stored_strength(db, count)
    return index


def stored_strength(db: Database, count: int) -> Strength:
    """The setting chosen for `db`'s examples, while they are about as many as it was chosen on.

    Far more or fewer (an import, a forget) and the default holds until it is chosen again.
    """
    try:
        row = db.execute("SELECT value FROM meta WHERE key = ?", [STRENGTH_KEY]).fetchone()
        kept = json.loads(row[0]) if row else {}
        chosen_on = int(kept["examples"])
        cross = kept.get("space") == "multilingual"
        strength = Strength(float(kept["weight"]), float(kept["least"]), cross)
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return DEFAULT_STRENGTH  # none kept yet, or unreadable: nothing is lost but a choice
    return strength if abs(count - chosen_on) < STRENGTH_HOLDS * chosen_on else DEFAULT_STRENGTH


_learned: PerLibrary[LearnedIndex | None] = PerLibrary(examples_version)
_cross: PerLibrary[LearnedIndex | None] = PerLibrary(examples_version)
_fills = BackgroundJobs("example-cross-vectors")
