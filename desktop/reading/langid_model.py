"""py3langid's classifier over the compact model in resources/langid/, memory-mapped.

The arrays come from packaging/make_langid_model.py: py3langid's byte n-gram automaton as
an Aho-Corasick trie with failure links, and its naive Bayes weights for the app's 11
languages only. Loading maps ~4 MB of files and reads only the pages a text walks through,
where py3langid itself builds ~80 MB of lists and arrays for 142 languages.

Each step mirrors py3langid 0.4 (LanguageIdentifier._encode, visit_counts, _sparse_score,
classify without norm_probs), in the same order and dtypes, so the answer and its score are
bit-for-bit py3langid's with set_languages(SUPPORTED); tests/reading/test_langid_model.py
checks that.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

DAMAGED = (
    "The language model in {folder} is missing or damaged: reinstall Agent Assist "
    "(from a checkout: .venv/bin/python packaging/make_langid_model.py)"
)
RAW_FLOOR = float(np.finfo(np.float32).min)  # py3langid's score for a text without features


class CompactLangid:
    """Classifies text among the languages whose weights are in `folder`."""

    def __init__(self, folder: Path) -> None:
        def load(name: str) -> npt.NDArray[Any]:
            try:
                array: npt.NDArray[Any] = np.load(
                    folder / f"{name}.npy", mmap_mode="r", allow_pickle=False
                )
            except (OSError, ValueError) as error:
                raise ValueError(f"{DAMAGED.format(folder=folder)} ({name}.npy: {error})") from None
            return array

        # memoryviews (.data) index to plain ints at list speed, without copying mapped pages
        self._start = load("edge_start").data
        self._byte = load("edge_byte").data
        self._next = load("edge_next").data
        self._fail = load("fail").data
        self._output = load("output").data
        self._ptc = load("ptc")
        self._pc = np.array(load("pc"))
        self.classes: list[str] = [str(code) for code in load("classes").tolist()]
        if self._ptc.shape[1] != len(self.classes) or len(self._pc) != len(self.classes):
            raise ValueError(f"{DAMAGED.format(folder=folder)} (the files do not match)")
        # the root's transitions, dense: most steps out of a failed match start there
        root = [0] * 256
        for edge in range(self._start[0], self._start[1]):
            root[self._byte[edge]] = self._next[edge]
        self._root = root

    def classify(self, text: str) -> tuple[str, float]:
        """The language of `text` and its raw naive Bayes score, as py3langid answers."""
        scores = self._scores(_encode(text))
        best = int(scores.argmax())
        return self.classes[best], float(scores[best])

    def _scores(self, data: bytes) -> npt.NDArray[np.float32]:
        visits = self._visits(data)
        if not visits:
            return np.full(len(self.classes), RAW_FLOOR, dtype=np.float32)
        idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
        scores: npt.NDArray[np.float32] = np.log1p(counts) @ self._ptc[idx] + self._pc
        return scores

    def _visits(self, data: bytes) -> Counter[int]:
        """Feature counts in first-seen order: the order py3langid sums them in."""
        start, byte_of, next_of = self._start, self._byte, self._next
        fail, output, root = self._fail, self._output, self._root
        state, found = 0, []
        for letter in data:
            # the dense automaton's one step, taken along failure links until an edge fits
            while state:
                lo, hi = start[state], start[state + 1]
                edge = bisect_left(byte_of, letter, lo, hi)
                if edge < hi and byte_of[edge] == letter:
                    state = next_of[edge]
                    break
                state = fail[state]
            else:
                state = root[letter]
            feature = output[state]
            if feature >= 0:
                found.append(feature)
        return Counter(found)


def _encode(text: str) -> bytes:
    """py3langid's text preparation: all-capitals lowered, NFC, UTF-8 (lone surrogates kept)."""
    if text.isupper():
        text = text.lower()
    return unicodedata.normalize("NFC", text).encode("utf8", errors="surrogatepass")
