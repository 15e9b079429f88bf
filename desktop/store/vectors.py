"""One embedding space over the library: vectors, sign bits, and a fast nearest-neighbour scan.

The ranking holds one space per embedding model (WordLlama for English meaning, USE for
meaning across languages). Each is built once per library version and reuses the vectors of
texts an older space already embedded, so editing one response re-embeds one text. Vectors are
also kept in SQLite (`VectorStore`, table `vectors` from migration m005) keyed by a hash of
the embedded text: after a restart a 100k library re-embeds nothing (embedding it took 40-60 s
on a 2-core laptop), and a changed response is re-embedded because its text hash changed.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

logger = logging.getLogger(__name__)

Floats = npt.NDArray[np.float32]
Rows = npt.NDArray[np.int64]
PREFILTER = 500  # libraries larger than this are narrowed by sign bits before exact cosines


class TextEmbedder(Protocol):
    @property
    def dim(self) -> int: ...

    def embed(self, texts: Sequence[str]) -> Floats: ...


class VectorSpace:
    """L2-normalised vectors of the library's texts, one row per response."""

    def __init__(
        self,
        embedder: TextEmbedder,
        texts: Sequence[str],
        previous: VectorSpace | None = None,
        store: VectorStore | None = None,
    ) -> None:
        self.embedder = embedder
        self._row_of_text = {hash(text): row for row, text in enumerate(texts)}
        self.vectors = _embed(texts, embedder, previous, store)
        self.bits = np.ascontiguousarray(_sign_bits(self.vectors).T)

    def __len__(self) -> int:
        return len(self.vectors)

    def query(self, texts: Sequence[str], weights: Sequence[float]) -> Floats:
        """One normalised query vector: the weighted sum of the vectors of `texts`."""
        turn_vectors = self.embedder.embed(texts)
        combined: Floats = np.asarray(weights, dtype=np.float32) @ turn_vectors
        combined /= max(float(np.linalg.norm(combined)), 1e-9)
        return combined

    def nearest(self, query: Floats) -> tuple[Rows, Floats]:
        """Rows and cosine similarities of the responses nearest to `query`.

        Reading 100,000 x 256 floats per query is memory-bound (~15 ms here), so a large
        library is first narrowed by Hamming distance between sign bits (32 bytes a row for
        256 dimensions, stored bit-column-major so each pass is contiguous), and only the
        PREFILTER nearest are scored exactly.
        """
        if len(self) <= PREFILTER:
            return np.arange(len(self), dtype=np.int64), self.vectors @ query
        columns = np.bitwise_count(self.bits ^ _sign_bits(query[None, :]).T)
        distance = columns[0].astype(np.uint16)
        for column in columns[1:]:
            distance += column
        near = np.argpartition(distance, PREFILTER - 1)[:PREFILTER].astype(np.int64)
        return near, self.vectors[near] @ query


def _embed(
    texts: Sequence[str],
    embedder: TextEmbedder,
    previous: VectorSpace | None,
    store: VectorStore | None = None,
) -> Floats:
    """Vectors for `texts`: copied from `previous`, else read from `store`, else embedded.

    An edit re-embeds one response; a restart re-embeds none. Newly embedded vectors are
    written to `store`, and vectors of texts no longer in the library are dropped from it.
    """
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    missing = list(range(len(texts)))
    if previous is not None:
        missing = []
        for row, text in enumerate(texts):
            found = previous._row_of_text.get(hash(text))
            if found is None:
                missing.append(row)
            else:
                out[row] = previous.vectors[found]
    if missing and store is not None:
        keys = [text_key(texts[row]) for row in missing]
        stored = store.load(keys)
        still, hits, blobs = [], [], []
        for row, key in zip(missing, keys, strict=True):
            blob = stored.get(key)
            if blob is None:
                still.append(row)
            else:
                hits.append(row)
                blobs.append(blob)
        # One copy for all: a row-by-row loop costs a second at 100k.
        joined = bytearray(b"".join(blobs))
        loaded = np.frombuffer(joined, dtype=np.float32).reshape(len(hits), embedder.dim)
        if len(hits) == len(texts):  # a restart: every row, in order
            out = loaded
        elif hits:
            out[hits] = loaded
        missing = still
    if missing:
        out[missing] = embedder.embed([texts[row] for row in missing])
        if store is not None:
            store.save((text_key(texts[row]), out[row]) for row in missing)
            store.keep_only({text_key(text) for text in texts})
    return out


def text_key(text: str) -> bytes:
    """A stable hash of an embedded text (Python's hash() changes from one run to the next)."""
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class VectorStore:
    """One embedding space's vectors in SQLite, keyed by text hash.

    `space` names the embedder and its dimension, so a different model never reads another
    model's vectors. Writing is best effort: a locked or read-only database only means the
    vectors are embedded again next time.
    """

    CHUNK = 900  # keys per query: below SQLite's default limit of 999 parameters
    SCAN = 5000  # more keys than this are found by reading the whole space once

    def __init__(self, db: Database, space: str, dim: int) -> None:
        self.db = db
        self.space = f"{space}:{dim}"
        self.dim = dim

    def load(self, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The stored vectors (float32 bytes) of those `keys` that have one."""
        found: dict[bytes, bytes] = {}
        unique = list(dict.fromkeys(keys))
        size = 4 * self.dim
        if len(unique) > self.SCAN:  # a restart: one pass over the space beats 100 lookups
            wanted = set(unique)
            scan = self.db.execute(
                "SELECT text_hash, vector FROM vectors WHERE space = ?", [self.space]
            )
            for key, blob in scan:
                if key in wanted and len(blob) == size:
                    found[key] = blob
            return found
        for start in range(0, len(unique), self.CHUNK):
            chunk = unique[start : start + self.CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT text_hash, vector FROM vectors WHERE space = ? AND text_hash IN ({marks})",
                [self.space, *chunk],
            ).fetchall()
            for key, blob in rows:
                if len(blob) == size:
                    found[bytes(key)] = bytes(blob)
        return found

    def known(self, keys: Sequence[bytes]) -> set[bytes]:
        """Which of `keys` have a vector here, reading the hashes only (not the vectors)."""
        wanted = set(keys)
        found: set[bytes] = set()
        if len(wanted) > self.SCAN:
            scan = self.db.execute("SELECT text_hash FROM vectors WHERE space = ?", [self.space])
            return {bytes(key) for (key,) in scan} & wanted
        unique = list(wanted)
        for start in range(0, len(unique), self.CHUNK):
            chunk = unique[start : start + self.CHUNK]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.execute(
                f"SELECT text_hash FROM vectors WHERE space = ? AND text_hash IN ({marks})",
                [self.space, *chunk],
            ).fetchall()
            found.update(bytes(key) for (key,) in rows)
        return found

    def save(self, pairs: Iterable[tuple[bytes, Floats]]) -> None:
        rows = [(self.space, key, np.asarray(v, dtype=np.float32).tobytes()) for key, v in pairs]
        self._write(
            "INSERT OR REPLACE INTO vectors (space, text_hash, vector) VALUES (?, ?, ?)", rows
        )

    def keep_only(self, keys: set[bytes]) -> None:
        """Drop vectors of texts the library no longer holds (edited or deleted responses)."""
        stored = self.db.execute(
            "SELECT text_hash FROM vectors WHERE space = ?", [self.space]
        ).fetchall()
        stale = [(self.space, key) for (key,) in stored if bytes(key) not in keys]
        if stale:
            self._write("DELETE FROM vectors WHERE space = ? AND text_hash = ?", stale)

    def _write(self, sql: str, rows: Sequence[tuple[object, ...]]) -> None:
        if not rows:
            return
        try:
            with self.db.conn:
                self.db.conn.executemany(sql, rows)
        except sqlite3.Error as exc:  # locked by another writer, read-only file: embed again
            logger.warning("could not keep %d %s vectors: %s", len(rows), self.space, exc)


def _sign_bits(vectors: Floats) -> npt.NDArray[np.uint64]:
    return np.packbits(vectors > 0, axis=1).view(np.uint64)
