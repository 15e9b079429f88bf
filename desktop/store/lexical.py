"""In-memory BM25 over canned responses, with field weights and typo-tolerant query terms.

SQLite FTS5 scores every matching row before it can sort; with 100,000 responses an `OR`
query over common support words matches most of them and takes ~80 ms. Here each term's
postings are numpy arrays with the BM25 weight precomputed, so a query costs one vectorised
add per term (well under a millisecond at 100k). Pure Python and numpy, no Qt.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from desktop.store.words import content_words

K1, B = 1.2, 0.75
# Typo repair: a query word unknown to the library maps to the nearest known word by edit
# distance: one edit allowed up to TYPO_SHORT_WORD letters, two above; none below 4 letters.
# Two edits on short words turn real words into others ("rebate" -> "related").
TYPO_MIN_LENGTH = 4
TYPO_SHORT_WORD = 8

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int32]


def stem(word: str) -> str:
    """A light suffix stripper: plurals, -ing, -ed; enough to join "refunds" and "refunded"."""
    for suffix, keep in (("ies", 3), ("ing", 4), ("ed", 4), ("es", 4), ("s", 3)):
        if suffix == "es" and not word.endswith(("sses", "xes", "zes", "ches", "shes")):
            continue  # "articles" -> "article" by the "s" rule, like "addresses" -> "address"
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not word.endswith("ss"):
            word = word[: -len(suffix)] + ("y" if suffix == "ies" else "")
            if suffix in ("ing", "ed") and len(word) > 3 and word[-1] == word[-2]:
                word = word[:-1]  # "cancelling" -> "cancel", as for "canceling"
            break
    return word


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal string alignment distance (a transposition is one edit); limit+1 once over."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] | None = None
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if before is not None and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], before[j - 2] + 1)
        if min(current) > limit:
            return limit + 1
        before, previous = previous, current
    return previous[-1]


def _trigrams(word: str) -> set[str]:
    padded = f"^{word}$"
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class Field:
    text: str
    weight: float


class LexicalIndex:
    """BM25 postings per stemmed term, over weighted fields (title, tags, short code, body)."""

    def __init__(
        self, documents: Sequence[Sequence[Field]], is_word: Callable[[str], bool] | None = None
    ) -> None:
        """Index `documents`; `is_word` tells real words, which typo repair leaves alone."""
        self.size = len(documents)
        self._is_word = is_word or (lambda _word: False)
        self._terms: dict[str, int] = {}
        self._surface: dict[str, str] = {}  # unstemmed word -> stem, for typo repair
        self._frequency: Counter[str] = Counter()  # responses using each unstemmed word
        term_ids: list[int] = []
        doc_ids: list[int] = []
        freqs: list[float] = []
        lengths = np.zeros(max(self.size, 1), dtype=np.float32)
        for doc, fields in enumerate(documents):
            counts: defaultdict[int, float] = defaultdict(float)
            seen: set[str] = set()
            for field in fields:
                for word in content_words(field.text):
                    seen.add(word)
                    term = self._surface.setdefault(word, stem(word))
                    counts[self._terms.setdefault(term, len(self._terms))] += field.weight
            self._frequency.update(seen)
            lengths[doc] = sum(counts.values())
            term_ids.extend(counts)
            doc_ids.extend([doc] * len(counts))
            freqs.extend(counts.values())
        self._build_postings(
            np.asarray(term_ids, np.int32),
            np.asarray(doc_ids, np.int32),
            np.asarray(freqs, np.float32),
            lengths,
        )
        self._by_trigram: dict[str, list[str]] | None = None

    def _build_postings(
        self, term_ids: Ints, doc_ids: Ints, freqs: Floats, lengths: Floats
    ) -> None:
        order = np.argsort(term_ids, kind="stable")
        term_ids, doc_ids, freqs = term_ids[order], doc_ids[order], freqs[order]
        self._offsets = np.searchsorted(term_ids, np.arange(len(self._terms) + 1)).astype(np.int64)
        df = np.diff(self._offsets).astype(np.float32)
        idf = np.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
        avg = float(lengths[: self.size].mean()) if self.size else 1.0
        norm = K1 * (1 - B + B * lengths[doc_ids] / max(avg, 1e-6))
        self._docs = doc_ids
        self._weights = (idf[term_ids] * freqs * (K1 + 1) / (freqs + norm)).astype(np.float32)

    def _repair(self, word: str) -> str | None:
        """The library word a misspelt query word most likely meant, if one is close enough.

        Candidates share character trigrams with `word` (a transposition breaks most of them,
        so all sharers of similar length are kept, best 50 by shared count); the winner has
        the smallest edit distance (transpositions count once), within 1 edit for short words
        and 2 for longer ones; ties go to the word more responses use.
        """
        if self._by_trigram is None:
            self._by_trigram = defaultdict(list)
            for known in self._surface:
                for gram in _trigrams(known):
                    self._by_trigram[gram].append(known)
        shared: Counter[str] = Counter()
        for gram in _trigrams(word):
            shared.update(k for k in self._by_trigram.get(gram, ()) if abs(len(k) - len(word)) <= 2)
        allowed = 1 if len(word) <= TYPO_SHORT_WORD else 2
        best: tuple[int, int, str] | None = None
        for known, _ in shared.most_common(50):
            if word.endswith(known) and len(word) - len(known) >= 2:
                # A prefix is a word of its own, not a slip: "unsubscribe" is no
                # "subscribe", "recommander" (to order again) no "commander" (to order).
                continue
            distance = edit_distance(word, known, allowed)
            if distance <= allowed:
                key = (distance, -self._frequency.get(known, 0), known)
                best = key if best is None or key < best else best
        return best[2] if best else None

    def _known(self, word: str) -> bool:
        return (
            len(word) < TYPO_MIN_LENGTH
            or word in self._surface
            or stem(word) in self._terms
            or self._is_word(word)
        )

    def spelling(self, word: str) -> str:
        """`word` itself when the library knows it (or it is short), else its repaired spelling."""
        if self._known(word):
            return word
        return self._repair(word) or word

    def resolve(self, word: str, typos: bool = True) -> str | None:
        """The indexed stem for a query word: exact stem, else a repaired spelling, else None."""
        term = stem(word)
        if term in self._terms:
            return term
        if typos and not self._known(word):
            repaired = self._repair(word)
            if repaired is not None:
                return self._surface[repaired]
        return None

    def idf_coverages(self, words: Iterable[str], docs: Sequence[int]) -> list[float]:
        """`idf_coverage`'s first share for each of `docs`, each word resolved once.

        Resolving repairs typos by edit distance, the costly part; a thread's candidates are
        30-odd documents over the same words.
        """
        total, postings = self._idf_postings(words)
        if not total:
            return [0.0] * len(docs)
        wanted = np.asarray(docs, dtype=np.int64)
        covered = np.zeros(len(wanted), dtype=np.float64)
        for idf, found in postings:
            covered += idf * np.isin(wanted, found)
        return [float(c) / total for c in covered]

    def idf_coverage(self, words: Iterable[str], doc: int) -> tuple[float, float]:
        """Of the words' idf mass: the share document `doc` contains, the share any contains.

        A word no response uses weighs most: an off-topic request ("robot vacuum",
        "engraving") is made of such words, so its best match covers little of it.
        """
        total, postings = self._idf_postings(words)
        if not total:
            return 0.0, 0.0
        known = sum(idf for idf, _ in postings)
        covered = 0.0
        for idf, found in postings:  # ascending: documents were added in order
            at = int(np.searchsorted(found, doc))
            if at < len(found) and int(found[at]) == doc:
                covered += idf
        return covered / total, known / total

    def _idf_postings(
        self, words: Iterable[str]
    ) -> tuple[float, list[tuple[float, npt.NDArray[np.int32]]]]:
        """The words' whole idf mass, and each known word's idf with the documents using it.

        A word no document uses weighs most (its idf as if one document had it).
        """
        unknown = float(np.log(1.0 + (self.size + 0.5) / 0.5))
        total = 0.0
        postings: list[tuple[float, npt.NDArray[np.int32]]] = []
        for word in set(words):
            term = self.resolve(word)
            if term is None:
                total += unknown
                continue
            term_id = self._terms[term]
            start, end = int(self._offsets[term_id]), int(self._offsets[term_id + 1])
            idf = float(np.log(1.0 + (self.size - (end - start) + 0.5) / (end - start + 0.5)))
            total += idf
            postings.append((idf, self._docs[start:end]))
        return total, postings

    def scores(self, weighted_terms: Iterable[tuple[str, float]]) -> Floats:
        """BM25 score of every document for stems with query weights (unknown stems ignored)."""
        total = np.zeros(self.size, dtype=np.float32)
        for term, weight in weighted_terms:
            term_id = self._terms.get(term)
            if term_id is None:
                continue
            start, end = self._offsets[term_id], self._offsets[term_id + 1]
            total[self._docs[start:end]] += weight * self._weights[start:end]
        return total
