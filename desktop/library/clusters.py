"""Group texts that say the same thing: meaning vectors plus shared words, average linkage.

Two texts' similarity is the mean of two cosines: of their WordLlama vectors (meaning: "cancel"
and "call off" land together) and of their words weighted by rarity (tf-idf: two replies that
walk through the same steps share the same rare words). Either alone mixed intents on the
Bitext dev replies; the mean of both kept clusters pure (README, "Mining new responses").
Average linkage merges the two most similar groups while their mean pairwise similarity stays
above a threshold, so a cluster never grows by one chain of near neighbours. numpy only;
MAX_TEXTS bounds the n x n matrix (4,000 texts: 64 MB). No Qt.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from desktop.store.embeddings import Embedder

Matrix = npt.NDArray[np.float32]
THRESHOLD = 0.5  # mean pairwise similarity a cluster keeps (measured on the Bitext dev replies)
STOP_EVERY = 64  # merges between looks at the cancel flag


class CancelledError(Exception):
    """The caller asked to stop: nothing is proposed."""


MAX_TEXTS = 4000
# Added to every word's idf: a word all the texts share still counts a little, so five replies
# alike but for a name are alike even when they are the whole history (idf alone: 0).
IDF_FLOOR = 0.5
_WORD = re.compile(r"[^\W\d_]{3,40}")  # letters only: ids and amounts are not shared words
_PLACEHOLDER = re.compile(r"\{\{[^{}]{0,80}\}\}")


def words(text: str) -> list[str]:
    """The words a text is compared by: lower case, 3 letters or more, placeholders left out."""
    return _WORD.findall(_PLACEHOLDER.sub(" ", text).lower())


class TextSpace:
    """Vectors of a set of texts; `similarity` compares any rows of it with any others.

    The words are kept sparse (a weight per word a text has) and made dense only for the rows
    compared, so a large library costs no texts x vocabulary matrix.
    """

    def __init__(self, texts: Sequence[str], embedder: Embedder | None) -> None:
        bags = [Counter(words(t)) for t in texts]
        frequency = Counter(w for bag in bags for w in bag)
        # Rarer words weigh more; a word in every text weighs IDF_FLOOR.
        self.idf = {
            w: math.log((1 + len(texts)) / (1 + df)) + IDF_FLOOR for w, df in frequency.items()
        }
        self.weights: list[dict[str, float]] = []
        for bag in bags:
            weights = {w: (1 + math.log(c)) * self.idf[w] for w, c in bag.items()}
            norm = math.sqrt(sum(v * v for v in weights.values())) or 1.0
            self.weights.append({w: v / norm for w, v in weights.items() if v > 0})
        self.meaning: Matrix | None = embedder.embed(list(texts)) if embedder else None

    def similarity(self, rows: Sequence[int], others: Sequence[int]) -> Matrix:
        """Rows x others: the mean of the meaning and the word cosines."""
        shared = self._word_cosines(rows, others)
        if self.meaning is None:
            return shared
        a, b = np.asarray(rows, dtype=np.int64), np.asarray(others, dtype=np.int64)
        meaning: Matrix = self.meaning[a] @ self.meaning[b].T
        return ((meaning + shared) / 2).astype(np.float32, copy=False)

    def _word_cosines(self, rows: Sequence[int], others: Sequence[int]) -> Matrix:
        # Only words both sides have can add to a cosine: they are the columns.
        left = {w for r in rows for w in self.weights[r]}
        columns = {
            w: i
            for i, w in enumerate(
                w for w in {w for r in others for w in self.weights[r]} if w in left
            )
        }

        def dense(indices: Sequence[int]) -> Matrix:
            out = np.zeros((len(indices), len(columns)), dtype=np.float32)
            for row, index in enumerate(indices):
                for w, v in self.weights[index].items():
                    if w in columns:
                        out[row, columns[w]] = v
            return out

        cosines: Matrix = dense(rows) @ dense(others).T
        return cosines

    def distinctive(self, rows: Sequence[int], count: int) -> list[str]:
        """The words most typical of `rows`: in most of them, and rare in the other texts."""
        within = Counter(w for row in rows for w in self.weights[row])
        common = {w: n for w, n in within.items() if n * 2 >= len(rows)} or within
        score = {w: n / len(rows) * self.idf[w] for w, n in common.items()}
        return sorted(score, key=lambda w: (-score[w], w))[:count]


def average_linkage(
    similarity: Matrix, threshold: float = THRESHOLD, stop: Callable[[], bool] | None = None
) -> list[list[int]]:
    """Clusters of row indices, largest first; every row is in exactly one.

    Each step merges the two clusters of highest mean pairwise similarity, until none is at
    least `threshold`. Each row's best partner is cached and only the rows that pointed at a
    merged pair are searched again: a merged cluster's similarity to any other is a weighted
    mean of the pair's, so it never beats a row's cached best. About O(n^2).
    """
    n = len(similarity)
    if n == 0:
        return []
    sim = np.array(similarity, dtype=np.float32, copy=True)
    np.fill_diagonal(sim, -np.inf)
    size = np.ones(n, dtype=np.float32)
    members: list[list[int]] = [[i] for i in range(n)]
    best = sim.argmax(axis=1)
    best_value = sim[np.arange(n), best]
    merges = 0
    while n > 1:
        merges += 1
        if stop is not None and merges % STOP_EVERY == 0 and stop():
            raise CancelledError
        i = int(np.argmax(best_value))
        if not best_value[i] >= threshold:
            break
        j = int(best[i])
        merged = (sim[i] * size[i] + sim[j] * size[j]) / (size[i] + size[j])
        merged[i] = -np.inf
        sim[i], sim[:, i] = merged, merged
        sim[j], sim[:, j] = -np.inf, -np.inf
        size[i] += size[j]
        members[i].extend(members[j])
        members[j] = []
        best_value[j] = -np.inf
        stale = np.flatnonzero((best == i) | (best == j))
        stale = np.union1d(stale[np.isfinite(best_value[stale])], [i])
        best[stale] = sim[stale].argmax(axis=1)
        best_value[stale] = sim[stale, best[stale]]
    clusters = [sorted(m) for m in members if m]
    return sorted(clusters, key=lambda c: (-len(c), c[0]))


def central(similarity: Matrix) -> int:
    """The index of the row most like the others (highest mean similarity to them)."""
    if len(similarity) == 1:
        return 0
    totals = similarity.sum(axis=1) - np.diag(similarity)
    return int(np.argmax(totals))
