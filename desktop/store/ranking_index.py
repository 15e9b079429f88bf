"""The ranking index of one library: its active responses in memory, and how a query scores.

Words (BM25, `desktop.store.lexical`), meaning (`desktop.store.embeddings`) and meaning across
languages (`desktop.store.multilingual`) each rank the responses; the lists are fused by
reciprocal rank, with the primary-tag group's evidence, variety among the first three, and the
team's past examples (`desktop.store.examples`) as one more list. Which index a library has,
and when it is built again, is `desktop.store.ranking`'s. No Qt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

from desktop.store import embeddings, examples, multilingual
from desktop.store.lexical import LexicalIndex
from desktop.store.ranking_documents import (
    CROSS_SPACE,
    MEANING_SPACE,
    LazySpace,
    document_text,
    fields,
    primary_tag,
    short_text,
    vector_store,
)
from desktop.store.vectors import VectorSpace

CANDIDATES = 100  # per signal, before fusion
RRF_K = 20.0
LEXICAL_WEIGHT, SEMANTIC_WEIGHT = 1.0, 2.0
# Across languages: when few of the customer's words are in the library's vocabulary (a
# German question, an English library), the word and WordLlama signals are noise and the
# multilingual encoder decides. Its weight moves from CROSS_SAME (every word known, the
# ranking is exactly the monolingual one) to CROSS_OTHER (no word known) as the share of known
# words falls below COVERAGE_FULL. Chosen on the dev sets (README, "Across languages").
COVERAGE_FULL = 0.3
TYPO_COVERAGE = 0.5
CROSS_SAME, CROSS_OTHER = 0.0, 2.0
GROUP_WEIGHT = 1.0
GROUP_TOP = 2  # a group's evidence: the mean of its best two fused scores
DISTINCT_TOP = 3
# Match strengths that count as full confidence: WordLlama and USE cosines, BM25.
COSINE_FULL, CROSS_FULL, BM25_FULL = 0.6, 0.6, 8.0
# Learning from the team (desktop.store.examples): a response's nearest past example is one
# more ranked list, each response's place in it weighted by LEARNED_WEIGHT * n / (n +
# LEARNED_HALF) for its n examples, so a response without examples is ranked as before.
# Passed-over examples nearer than the picks push a response down the same way. Chosen on the
# Bitext dev cases (README, "Learning from the team").
# The learned list's weight, least cosine and space (WordLlama or, for a library whose picks
# are best compared there, the multilingual one) are each library's own (`examples.Strength`,
# chosen by `desktop.store.learning_strength`); these are the defaults.
LEARNED_WEIGHT, LEARNED_HALF, AGAINST_WEIGHT = examples.DEFAULT_STRENGTH.weight, 2.0, 1.0
# (least, full) cosine: a past example less similar says nothing (by default for WordLlama,
# only a near-identical request does), one this close is full confidence.
WORD_LEARNING = (examples.DEFAULT_STRENGTH.least, 0.9)
CROSS_LEARNING = (0.4, 0.7)
CROSS_STRENGTH = examples.Strength(LEARNED_WEIGHT, CROSS_LEARNING[0])

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class RankOptions:
    """Switches for each step, so the evaluation can measure what each one adds."""

    lexical: bool = True
    typos: bool = True
    semantic: bool = True
    multilingual: bool = True
    groups: bool = True
    distinct: bool = True


@dataclass(frozen=True)
class Query:
    terms: tuple[tuple[str, float], ...]  # unstemmed content word, weight
    turns: tuple[tuple[tuple[str, ...], float], ...]  # content words of one turn, weight
    texts: tuple[tuple[str, float], ...] = ()  # each turn's own text, weight


@dataclass
class _Signals:
    """What one query's signals found: fused scores by row, and each signal's own values."""

    fused: dict[int, float]
    familiar: float = 1.0  # share of the customer's words the library knows (0..1)
    bm25: Floats | None = None
    cosine: dict[int, float] = field(default_factory=dict)
    cross: dict[int, float] = field(default_factory=dict)
    meaning_vector: Floats | None = None
    cross_vector: Floats | None = None


class RankingIndex:
    """Everything ranking needs about the active responses, held in memory."""

    def __init__(
        self,
        rows: Sequence[dict[str, Any]],
        embedder: embeddings.Embedder | None,
        previous: RankingIndex | None = None,
        cross: multilingual.MultilingualEmbedder | None = None,
        db: Database | None = None,
        lexical: LexicalIndex | None = None,
        cross_later: Callable[[], multilingual.MultilingualEmbedder | None] | None = None,
    ) -> None:
        """Index `rows`; vectors of texts `previous` or `db` already hold are reused, not redone.

        `lexical`, when given, is these rows' word index restored from a snapshot.
        `cross_later` instead of `cross`: the multilingual space is built on the first query
        that needs it (words the library does not know), with the embedder it returns. An
        English conversation on an English library never loads it: ~110 MB and 0.75 s saved.
        """
        self.ids = np.asarray([int(r["id"]) for r in rows], dtype=np.int64)
        primary = [primary_tag(r) for r in rows]
        names = {name: n for n, name in enumerate(dict.fromkeys(p for p in primary if p))}
        # Untagged responses are groups of one: a negative id unique to each.
        self.groups = np.asarray(
            [names[p] if p else -1 - i for i, p in enumerate(primary)], dtype=np.int64
        )
        self.lexical = lexical or LexicalIndex(
            [fields(r) for r in rows], embedder.is_word if embedder else None
        )
        self.embedder = embedder
        self.meaning: VectorSpace | None = None
        self.cross: VectorSpace | None = None
        if embedder and rows:
            old = previous.meaning if previous is not None else None
            store = vector_store(db, MEANING_SPACE, embedder.dim)
            self.meaning = VectorSpace(embedder, [document_text(r) for r in rows], old, store)
        old_cross = previous.cross if previous is not None else None
        if cross is None and cross_later is not None and old_cross is not None:
            cross = cross_later()  # the last library needed it: this one will too
        if cross and rows:
            store = vector_store(db, CROSS_SPACE, cross.dim)
            self.cross = VectorSpace(cross, [short_text(r) for r in rows], old_cross, store)
        self._cross_later = LazySpace(cross_later, rows, db) if cross_later and rows else None

    @property
    def vectors(self) -> Floats | None:
        return self.meaning.vectors if self.meaning is not None else None

    def __len__(self) -> int:
        return len(self.ids)

    def coverage(self, query: Query) -> float:
        """Share of the query's words found in the library's vocabulary as written.

        Near 0 when the customer writes another language than the library's (no typo repair
        here: it would "repair" foreign words into the library's).
        """
        words = [word for word, _ in query.terms]
        found = 0.0
        for word in words:
            if self.lexical.resolve(word, typos=False) is not None:
                found += 1.0
            elif self.lexical.resolve(word, typos=True) is not None:
                found += TYPO_COVERAGE  # a misspelt word of the library's language, or not
        return found / len(words) if words else 0.0

    def rank(self, query: Query, limit: int, options: RankOptions = RankOptions()) -> list[int]:
        """Ids of the best `limit` responses for `query`, best first."""
        return [response_id for response_id, _ in self.rank_scored(query, limit, options)]

    def query_vector(self, query: Query, typos: bool = True) -> Floats | None:
        """The query's meaning vector (its turns, misspellings repaired), as ranking makes it."""
        if self.meaning is None or not query.turns:
            return None
        fix = self.lexical.spelling if typos else str
        texts = [" ".join(fix(w) for w in turn) for turn, _ in query.turns]
        return self.meaning.query(texts, [w for _, w in query.turns])

    def rank_scored(
        self,
        query: Query,
        limit: int,
        options: RankOptions = RankOptions(),
        learned: examples.LearnedIndex | None = None,
        cross_learned: Callable[[], examples.LearnedIndex | None] | None = None,
    ) -> list[tuple[int, float]]:
        """(id, confidence) of the best `limit` responses, best first.

        Confidence (0..1) is how strongly the conversation itself matches the response, half
        from meaning (cosine, full at COSINE_FULL) and half from shared words (BM25, full at
        BM25_FULL). Rank fusion alone cannot say this: the first of a poor list still ranks
        first. On the dev set, `ranking.CONFIDENT` keeps 96% of in-scope conversations and
        turns away 28% of another domain's (banking questions against a shop's library): a hint
        for the agent, not a gate; the reading work will calibrate it properly.
        """
        if not query.terms or not len(self) or limit <= 0:
            return []
        found = self._signals(query, options)
        fused, familiar = found.fused, found.familiar
        taught: dict[int, float] = {}
        strength = learned.strength if learned is not None else examples.DEFAULT_STRENGTH
        cross_vector = found.cross_vector
        others: examples.LearnedIndex | None = None
        if strength.cross and familiar and options.multilingual and cross_learned is not None:
            # This library's picks are compared in the multilingual space in its own language
            # too (`learning_strength` chose it): the conversation's vector there is needed.
            if cross_vector is None and query.texts:
                cross_vector = self._cross_vector(query)
            others = cross_learned() if cross_vector is not None else None
        if cross_vector is not None and others is not None and len(others) and strength.cross:
            taught = self._learn(
                fused, others.near(cross_vector), familiar, strength, CROSS_LEARNING[1]
            )
        elif learned is not None and len(learned) and self.meaning is not None and familiar:
            if strength.cross:  # the multilingual encoder is missing: WordLlama's default
                strength = examples.DEFAULT_STRENGTH
            vector = found.meaning_vector
            if vector is None:
                vector = self.query_vector(query, options.typos)
            if vector is not None:
                taught = self._learn(
                    fused, learned.near(vector), familiar, strength, WORD_LEARNING[1]
                )
        # In another language, past examples are compared in the multilingual space.
        if found.cross_vector is not None and others is None and cross_learned:
            others = cross_learned()
        if found.cross_vector is not None and others is not None and len(others):
            for row, value in self._learn(
                fused,
                others.near(found.cross_vector),
                1.0 - familiar,
                CROSS_STRENGTH,
                CROSS_LEARNING[1],
            ).items():
                taught[row] = max(taught.get(row, 0.0), value)
        if not fused:
            return []
        order = self._order(fused, options)
        bm25, cosine, cross = found.bm25, found.cosine, found.cross

        def confidence(row: int) -> float:
            words = float(bm25[row]) / BM25_FULL if bm25 is not None else 0.0
            meaning = cosine.get(row, 0.0) / COSINE_FULL
            same = 0.5 * min(max(meaning, 0.0), 1.0) + 0.5 * min(words, 1.0)
            other = min(max(cross.get(row, 0.0) / CROSS_FULL, 0.0), 1.0)
            score = familiar * same + (1.0 - familiar) * other
            if row in taught:  # how close a past conversation answered with it was
                score = max(score, taught[row])
            return round(score, 3)

        return [(int(self.ids[i]), confidence(i)) for i in order[:limit].tolist()]

    def places(
        self,
        query: Query,
        vector: Floats,
        near: Mapping[bool, tuple[examples.Near, examples.Near]],
        canned_id: int,
        strengths: Sequence[examples.Strength],
    ) -> list[int]:
        """Per strength: where `canned_id`'s group is ranked (0: first).

        What `desktop.store.learning_strength` compares, leaving examples out: `query` is one
        example's conversation, ranked as in the library's language, `vector` its meaning
        vector as kept, `near[cross]` the nearest of the examples not left out in WordLlama's
        space (False) or the multilingual one (True). The signals are computed once and the
        learned list fused at each strength, as `rank_scored` does. A response ranked nowhere
        (or not in the library) is at the library's size.
        """
        row = int(np.searchsorted(self.ids, canned_id))
        if not query.terms or row >= len(self) or self.ids[row] != canned_id:
            return [len(self)] * len(strengths)
        found = self._signals(query, RankOptions(multilingual=False), vector)
        places = []
        for strength in strengths:
            fused = dict(found.fused)
            full = CROSS_LEARNING[1] if strength.cross else WORD_LEARNING[1]
            self._learn(fused, near[strength.cross], 1.0, strength, full)
            order = self._order(fused, RankOptions()) if fused else np.zeros(0, np.int64)
            same = np.flatnonzero(self.groups[order] == self.groups[row])
            places.append(int(same[0]) if len(same) else len(self))
        return places

    def _signals(
        self, query: Query, options: RankOptions, meaning_vector: Floats | None = None
    ) -> _Signals:
        """Words, meaning and meaning across languages, fused by rank (without the examples).

        `meaning_vector`: the query's, when it is known already.
        """
        found = _Signals({})
        fused = found.fused
        multilingual_on = options.multilingual and (
            self.cross is not None or self._cross_later is not None
        )
        if multilingual_on:
            found.familiar = min(self.coverage(query) / COVERAGE_FULL, 1.0)
        familiar = found.familiar
        if options.lexical:
            stems = []
            for word, weight in query.terms:
                term = self.lexical.resolve(word, typos=options.typos)
                if term is not None:
                    stems.append((term, weight))
            found.bm25 = bm25 = self.lexical.scores(stems)
            matched = np.flatnonzero(bm25 > 0)
            _fuse(fused, matched, bm25[matched], LEXICAL_WEIGHT * familiar)
        if options.semantic and self.meaning is not None:
            if meaning_vector is None:
                meaning_vector = self.query_vector(query, options.typos)
            assert meaning_vector is not None  # the query has terms, hence turns
            found.meaning_vector = meaning_vector
            near, similarity = self.meaning.nearest(meaning_vector)
            found.cosine = dict(zip(near.tolist(), similarity.tolist(), strict=True))
            _fuse(fused, near, similarity, SEMANTIC_WEIGHT * familiar)
        cross_weight = familiar * CROSS_SAME + (1.0 - familiar) * CROSS_OTHER
        space = self.cross_space() if multilingual_on and query.texts and cross_weight else None
        if space is not None:
            found.cross_vector = space.query(
                [t for t, _ in query.texts], [w for _, w in query.texts]
            )
            near, similarity = space.nearest(found.cross_vector)
            found.cross = dict(zip(near.tolist(), similarity.tolist(), strict=True))
            _fuse(fused, near, similarity, cross_weight)
        return found

    def _order(self, fused: dict[int, float], options: RankOptions) -> npt.NDArray[np.int64]:
        """Rows of `fused` best first: the groups' evidence added, distinct groups first."""
        rows = np.fromiter(fused, dtype=np.int64)
        scores = np.fromiter(fused.values(), dtype=np.float64)
        if options.groups:
            scores = scores + GROUP_WEIGHT * _group_evidence(self.groups[rows], scores)
        order = rows[np.argsort(-scores, kind="stable")]
        if options.distinct:
            order = _distinct_first(order, self.groups, DISTINCT_TOP)
        return order

    def _learn(
        self,
        fused: dict[int, float],
        near: tuple[examples.Near, examples.Near],
        weight: float,
        strength: examples.Strength,
        full: float,
    ) -> dict[int, float]:
        """Fuse the nearest past example per response; returns rows' learned confidence.

        `near`: (picks, passed over) nearest to the query. `weight` is the share of the
        customer's words the library knows for WordLlama (in a language it does not know,
        static word vectors find the same language, not the same request), the rest for the
        multilingual space. `strength`: the learned list's weight and least cosine in that
        space; `full`: the cosine of full confidence.
        """
        least = strength.least
        picks, against = near
        rows, similarity, count = self._rows_of(picks, least)
        share = count / (count + LEARNED_HALF)
        _fuse_weighted(fused, rows, similarity, strength.weight * weight * share)
        ranked, values, shares = rows.tolist(), similarity.tolist(), share.tolist()
        best = dict(zip(ranked, values, strict=True))
        taught = {
            row: min(max(value / full, 0.0), 1.0) * part * weight
            for row, value, part in zip(ranked, values, shares, strict=True)
        }
        rows, similarity, count = self._rows_of(against, least)
        # A pass counts only where it is nearer than the response's own picks.
        passed = zip(rows.tolist(), similarity.tolist(), strict=True)
        nearer = np.asarray([value > best.get(row, -1.0) for row, value in passed], dtype=bool)
        rows, similarity, count = rows[nearer], similarity[nearer], count[nearer]
        against_share = count / (count + LEARNED_HALF)
        _fuse_weighted(fused, rows, similarity, -AGAINST_WEIGHT * weight * against_share)
        return taught

    def _rows_of(
        self, near: examples.Near, least: float
    ) -> tuple[npt.NDArray[np.int64], Floats, Any]:
        """Index rows of the responses in `near` at least `least` similar.

        Examples of responses deleted since are dropped.
        """
        rows = np.minimum(np.searchsorted(self.ids, near.canned_ids), len(self.ids) - 1)
        known = (self.ids[rows] == near.canned_ids) & (near.similarity >= least)
        return rows[known], near.similarity[known], near.count[known].astype(np.float64)

    def _cross_vector(self, query: Query) -> Floats | None:
        """The query's vector in the multilingual space (its turns' texts, weighted)."""
        space = self.cross_space()
        if space is None:
            return None
        return space.query([t for t, _ in query.texts], [w for _, w in query.texts])

    def cross_space(self) -> VectorSpace | None:
        if self.cross is None and self._cross_later is not None:
            self.cross = self._cross_later.build()
        return self.cross


def _fuse(
    fused: dict[int, float], rows: npt.NDArray[np.int64], scores: Floats, weight: float
) -> None:
    """Reciprocal rank fusion of the top CANDIDATES of `rows` by `scores`."""
    if len(rows) > CANDIDATES:
        top = np.argpartition(-scores, CANDIDATES - 1)[:CANDIDATES]
        rows, scores = rows[top], scores[top]
    order = np.argsort(-scores, kind="stable")
    for rank, row in enumerate(rows[order].tolist()):
        fused[row] = fused.get(row, 0.0) + weight / (RRF_K + rank + 1)


def _fuse_weighted(
    fused: dict[int, float], rows: npt.NDArray[np.int64], scores: Floats, weights: Any
) -> None:
    """Reciprocal rank fusion with a weight per row (its share of examples)."""
    order = np.argsort(-scores, kind="stable")[:CANDIDATES]
    for rank, position in enumerate(order.tolist()):
        row = int(rows[position])
        fused[row] = fused.get(row, 0.0) + float(weights[position]) / (RRF_K + rank + 1)


def _group_evidence(groups: npt.NDArray[np.int64], scores: npt.NDArray[np.float64]) -> Any:
    """For each candidate, the mean of the best GROUP_TOP fused scores in its group."""
    evidence = np.zeros_like(scores)
    for group in np.unique(groups):
        members = groups == group
        evidence[members] = np.sort(scores[members])[::-1][:GROUP_TOP].mean()
    return evidence


def _distinct_first(order: npt.NDArray[np.int64], groups: Any, count: int) -> Any:
    """Move the best response of each of the first `count` groups to the front."""
    first: list[int] = []
    seen: set[int] = set()
    for row in order.tolist():
        group = int(groups[row])
        if group not in seen:
            seen.add(group)
            first.append(row)
            if len(first) == count:
                break
    chosen = set(first)
    return np.asarray(first + [r for r in order.tolist() if r not in chosen], dtype=np.int64)
