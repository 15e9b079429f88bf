"""One embedding space over the library: vectors, sign bits, and a fast nearest-neighbour scan.

The ranking holds one space per embedding model (WordLlama for English meaning, USE for
meaning across languages). Each is built once per library version and reuses the vectors of
texts an older space already embedded, so editing one response re-embeds one text.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np
import numpy.typing as npt

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
        self, embedder: TextEmbedder, texts: Sequence[str], previous: VectorSpace | None = None
    ) -> None:
        self.embedder = embedder
        self._row_of_text = {hash(text): row for row, text in enumerate(texts)}
        self.vectors = _embed(texts, embedder, previous)
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


def _embed(texts: Sequence[str], embedder: TextEmbedder, previous: VectorSpace | None) -> Floats:
    """Vectors for `texts`, copying those `previous` holds: an edit re-embeds one response."""
    out = np.empty((len(texts), embedder.dim), dtype=np.float32)
    missing = []
    for row, text in enumerate(texts):
        found = previous._row_of_text.get(hash(text)) if previous is not None else None
        if found is None or previous is None:
            missing.append(row)
        else:
            out[row] = previous.vectors[found]
    if missing:
        out[missing] = embedder.embed([texts[row] for row in missing])
    return out


def _sign_bits(vectors: Floats) -> npt.NDArray[np.uint64]:
    return np.packbits(vectors > 0, axis=1).view(np.uint64)
