"""Rank canned responses for a conversation: shared words, meaning, and the library's own tags.

Four steps, each measured on the evaluation set (see `agent-assist eval` and the README):

1. **Words** (`desktop.store.lexical`): BM25 over title, tags, short code and body with field
   weights, light stemming, and misspelt query words repaired against the library's vocabulary.
2. **Meaning** (`desktop.store.embeddings`): cosine similarity of mean-pooled static word
   embeddings, which finds "rebate" for "refund" when no word is shared.
2b. **Meaning across languages** (`desktop.store.multilingual`): a multilingual sentence
   encoder, so a German or Chinese question finds the English response that answers it.
3. **Fusion**: reciprocal rank fusion of the three candidate lists (scores on different scales
   need no calibration), with the primary-tag group's evidence added: responses filed under the
   same first tag support each other.
4. **Variety**: the first three suggestions come from different primary tags, so the agent sees
   alternatives instead of three wordings of one answer.
5. **Learned** (`desktop.store.examples`): past conversations answered with a response; its
   nearest one is fused as one more list, weighted by how many it has (none: no change).

The customer's latest turn weighs 1, the one before 1/2, the one before that 1/4. The index is
kept in memory per database and rebuilt when `meta.library_version` (bumped by triggers, see
migration m002) moves; its vectors (migration m005) and word statistics (m008,
`desktop.store.index_snapshot`) are also kept in the database, so the first ranking after a
restart embeds and stems nothing.

The index itself and its scoring are `desktop.store.ranking_index`; this module keeps one per
library (`index_for`), fills its vectors in the background and asks it. No Qt.
"""

from __future__ import annotations

import functools
import sqlite3
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

from desktop.store import embeddings, examples, index_snapshot, multilingual
from desktop.store.index_cache import BackgroundJobs, PerLibrary
from desktop.store.index_cache import library_version as library_version  # callers' name
from desktop.store.ranking_documents import (
    COLUMNS,
    CROSS_SPACE,
    MEANING_SPACE,
    short_text,
    vector_store,
)
from desktop.store.ranking_index import LEARNED_HALF, Query, RankingIndex, RankOptions
from desktop.store.vectors import text_key
from desktop.store.words import content_words
from desktop.transcript import Transcript

if TYPE_CHECKING:  # the repository imports this module (search repairs typos with its index)
    from desktop.store.canned import CannedRepository, CannedResponse

TURN_WEIGHTS = (1.0, 0.5, 0.25)  # latest customer turn first
CONFIDENT = 0.4  # below this, the top response is offered as a lead, not as a ready reply
EVERY_STEP = RankOptions()  # (frozen) every step of the ranking on


def build_query(transcript: Transcript) -> Query:
    """The customer's last turns, newest first, weighted by TURN_WEIGHTS."""
    recent = transcript.customer_turns()[::-1][: len(TURN_WEIGHTS)]
    return query_from([(t.text, w) for t, w in zip(recent, TURN_WEIGHTS, strict=False)])


def query_from(weighted_texts: Sequence[tuple[str, float]]) -> Query:
    """A query from texts and their weights, the most important first."""
    terms: dict[str, float] = {}
    turns = []
    texts = []
    for text, weight in weighted_texts:
        found = content_words(text)
        for word in found:
            terms[word] = max(terms.get(word, 0.0), weight)
        if found:
            turns.append((tuple(found), weight))
            texts.append((text, weight))
    return Query(tuple(terms.items()), tuple(turns), tuple(texts))


# --- the index of each library, built once and shared (desktop.store.index_cache) -----------
_indexes: PerLibrary[RankingIndex] = PerLibrary()


def index_for(db: Database) -> RankingIndex:
    """The ranking index of `db`, rebuilt only when the library changed since it was built.

    The index is read-only once built, so threads share it.
    """
    return _indexes.get(db, functools.partial(_build_index, db))


def _build_index(
    db: Database, path: str, version: str, previous: RankingIndex | None
) -> RankingIndex:
    rows = list(db.query(f"SELECT {COLUMNS} FROM canned WHERE active = 1 ORDER BY id"))
    embedder = embeddings.default_embedder()
    # After a restart, the word statistics are read back rather than recomputed.
    kept = path and version and previous is None
    words = (
        index_snapshot.load(db, version, len(rows), embedder.is_word if embedder else None)
        if kept
        else None
    )
    index = RankingIndex(
        rows,
        embedder,
        previous,
        None,
        db,
        words,
        cross_later=multilingual.default_multilingual if multilingual.available() else None,
    )
    if path and version and words is None:
        index_snapshot.save(db, version, index.lexical)
    if path and version and index.cross is None and multilingual.available():
        # A freshly imported 100k library would otherwise make its first conversation in
        # another language wait minutes (USE embeds ~500 texts a second).
        _fills.start_once((path, version), functools.partial(_fill_cross, path))
    return index


# --- the multilingual vectors of a large import, embedded in the background ----------------
FILL_AT_LEAST = 1000  # fewer missing vectors are embedded on first need, in under 2 s
FILL_BATCH = 256
_fills = BackgroundJobs("cross-vectors")


def wait_for_fills(timeout: float | None = None) -> None:
    """Wait for the background embedding (the benchmark measures a restart after it)."""
    _fills.wait(timeout)


def _fill_cross(path: str) -> None:
    """Embed the multilingual texts the library file lacks vectors for, off the caller's thread.

    The encoder is let go afterwards unless a conversation needed it meanwhile, so an English
    session's memory stays low.
    """
    try:
        db = Database(sqlite3.connect(path))
    except sqlite3.Error:
        return
    try:
        store = vector_store(db, CROSS_SPACE, multilingual.DIM)
        if store is None:
            return
        rows = db.query(f"SELECT {COLUMNS} FROM canned WHERE active = 1")
        texts = list(dict.fromkeys(short_text(r) for r in rows))
        keys = [text_key(t) for t in texts]
        known = store.known(keys)
        missing = [(k, t) for k, t in zip(keys, texts, strict=True) if k not in known]
        if len(missing) < FILL_AT_LEAST:
            return
        loaded = multilingual.default_multilingual.cache_info().currsize > 0
        embedder = multilingual.default_multilingual()
        if embedder is None:
            return
        for start in range(0, len(missing), FILL_BATCH):
            batch = missing[start : start + FILL_BATCH]
            vectors = embedder.embed([t for _, t in batch])
            store.save(zip([k for k, _ in batch], vectors, strict=True))
        needed = any(index.cross is not None for index in _indexes.shared())
        if not loaded and not needed:
            multilingual.default_multilingual.cache_clear()  # ~110 MB back
    except sqlite3.Error:
        pass  # a locked or vanished file: the vectors are embedded on first need instead
    finally:
        db.close()


def respell(db: Database, text: str) -> str:
    """`text` with misspelt words replaced by the library's closest words ("refnud" -> "refund")."""
    lexical = index_for(db).lexical
    return " ".join(lexical.spelling(word) for word in text.lower().split())


def learned_for(db: Database) -> examples.LearnedIndex | None:
    """`db`'s examples in the ranking's meaning space (None without any)."""
    embedder = embeddings.default_embedder()  # the index's (cached): no second version check
    if embedder is None:
        return None
    return examples.learned_for(db, f"{MEANING_SPACE}:{embedder.dim}")


def cross_learned_for(db: Database) -> examples.LearnedIndex | None:
    """`db`'s examples in the multilingual space (None when it is not installed)."""
    embedder = multilingual.default_multilingual() if multilingual.available() else None
    if embedder is None:
        return None
    return examples.cross_learned_for(db, embedder, f"{CROSS_SPACE}:{embedder.dim}")


def _scored(
    db: Database, query: Query, limit: int, options: RankOptions
) -> list[tuple[int, float]]:
    return index_for(db).rank_scored(
        query, limit, options, learned_for(db), functools.partial(cross_learned_for, db)
    )


def learned_scores(db: Database, transcript: Transcript) -> dict[int, tuple[int, float]]:
    """Per response with picks: (its picks, its nearest pick's cosine with this conversation).

    What `suggest --json` shows as `examples` and `learned_score`: the cosine in the space the
    library's learning strength compares picks in (WordLlama by default, the multilingual one
    where `learning_strength` chose it); the ranking counts it from the strength's least up.
    """
    found = _nearest_picks(db, build_query(transcript))
    if found is None:
        return {}
    picks, _least = found
    return {
        int(i): (int(n), round(float(s), 3))
        for i, n, s in zip(picks.canned_ids, picks.count, picks.similarity, strict=True)
    }


def learned_closeness(db: Database, query: Query) -> dict[int, float]:
    """Per response with picks: how near its nearest pick is to `query`, 0..1.

    0 at the library's least cosine (its learning strength), 1 at a pick identical in
    meaning, times n / (n + LEARNED_HALF) for its n picks, as the ranking weighs them. The
    reranker of threads (`desktop.drafting.rerank`) reads it: a response the agents keep
    picking for such conversations leads there too. Empty without picks.
    """
    found = _nearest_picks(db, query)
    if found is None:
        return {}
    picks, least = found
    share = picks.count / (picks.count + LEARNED_HALF)
    closeness = np.clip((picks.similarity - least) / max(1.0 - least, 1e-6), 0.0, 1.0) * share
    return {int(i): float(c) for i, c in zip(picks.canned_ids, closeness, strict=True) if c > 0.0}


def _nearest_picks(db: Database, query: Query) -> tuple[examples.Near, float] | None:
    """Each response's nearest pick to `query`, and the least cosine that counts.

    In the space the library's learning strength compares picks in; None without picks or
    vectors.
    """
    learned = learned_for(db)
    if learned is None or not len(learned):
        return None
    index = index_for(db)
    strength = learned.strength
    if strength.cross:
        others = cross_learned_for(db)
        space = index.cross_space()
        if others is not None and len(others) and space is not None and query.texts:
            cross = space.query([t for t, _ in query.texts], [w for _, w in query.texts])
            return others.near(cross)[0], strength.least
        strength = examples.DEFAULT_STRENGTH  # the multilingual encoder is missing
    vector = index.query_vector(query)
    if vector is None:
        return None
    return learned.near(vector)[0], strength.least


def rank_ids(
    db: Database, transcript: Transcript, limit: int, options: RankOptions = EVERY_STEP
) -> list[int]:
    scored = _scored(db, build_query(transcript), limit, options)
    return [response_id for response_id, _ in scored]


def rank_scored(
    db: Database, transcript: Transcript, limit: int, options: RankOptions = EVERY_STEP
) -> list[tuple[int, float]]:
    return _scored(db, build_query(transcript), limit, options)


def rank_query(
    db: Database, query: Query, limit: int, options: RankOptions = EVERY_STEP
) -> list[tuple[int, float]]:
    return _scored(db, query, limit, options)


def sentence_similarity(db: Database, texts: Sequence[str], limit: int) -> dict[int, float]:
    """Per response, its best cosine with any one of `texts` in the multilingual space.

    A long message mixes a story, an order number and the request; its mean vector blurs
    them, while its best sentence matches the response that answers it. Empty when the
    multilingual encoder is not installed.
    """
    index = index_for(db)
    space = index.cross_space()
    if space is None or not texts or not len(index):
        return {}
    best: dict[int, float] = {}
    for text in texts:
        near, similarity = space.nearest(space.query([text], [1.0]))
        top = np.argsort(-similarity)[:limit]
        for row, value in zip(near[top].tolist(), similarity[top].tolist(), strict=True):
            response_id = int(index.ids[row])
            best[response_id] = max(best.get(response_id, -1.0), float(value))
    return best


def candidate_cosines(
    db: Database, texts: Sequence[str], response_ids: Sequence[int]
) -> npt.NDArray[np.float32] | None:
    """Cosine of each text with each response, in the multilingual space: [texts, responses].

    None when the multilingual encoder is not installed; a response no longer in the
    library scores 0.
    """
    index = index_for(db)
    space = index.cross_space()
    if space is None or not texts or not len(index):
        return None
    rows, known = _rows_of(index, response_ids)
    queries = space.embedder.embed(list(texts))
    queries = queries / np.maximum(np.linalg.norm(queries, axis=1, keepdims=True), 1e-9)
    cosines: npt.NDArray[np.float32] = (queries @ space.vectors[rows].T).astype(np.float32)
    cosines[:, ~known] = 0.0
    return cosines


def response_cosines(
    db: Database, first: Sequence[int], second: Sequence[int]
) -> npt.NDArray[np.float32] | None:
    """Cosine of each response of `first` with each of `second` in the multilingual space.

    A translation sits near its original (0.76-0.86 on the shop library) and nearer to it
    than to any other response; None without the encoder, 0 for a response no longer there.
    """
    index = index_for(db)
    space = index.cross_space()
    if space is None or not first or not second or not len(index):
        return None
    rows_a, known_a = _rows_of(index, first)
    rows_b, known_b = _rows_of(index, second)
    cosines: npt.NDArray[np.float32] = (space.vectors[rows_a] @ space.vectors[rows_b].T).astype(
        np.float32
    )
    cosines[~known_a, :] = 0.0
    cosines[:, ~known_b] = 0.0
    return cosines


def word_coverages(db: Database, text: str, response_ids: Sequence[int]) -> list[float]:
    """Per response, the share of `text`'s distinctive wording (idf mass) it contains."""
    index = index_for(db)
    if not len(index):
        return [0.0] * len(response_ids)
    rows, known = _rows_of(index, response_ids)
    shares = index.lexical.idf_coverages(content_words(text), [int(r) for r in rows.tolist()])
    return [share if ok else 0.0 for share, ok in zip(shares, known.tolist(), strict=True)]


def word_coverage(db: Database, text: str, response_id: int) -> tuple[float, float]:
    """How much of `text`'s distinctive wording one response holds, and the library knows."""
    index = index_for(db)
    if not len(index):
        return 0.0, 0.0
    rows, known = _rows_of(index, [response_id])
    if not known[0]:
        return 0.0, 0.0
    return index.lexical.idf_coverage(content_words(text), int(rows[0]))


def _rows_of(index: RankingIndex, response_ids: Sequence[int]) -> tuple[Any, Any]:
    """Index rows of `response_ids` (ids are kept sorted), and which of them are there."""
    ids = np.asarray(response_ids, dtype=np.int64)
    rows = np.minimum(np.searchsorted(index.ids, ids), len(index.ids) - 1)
    return rows, index.ids[rows] == ids


def rank_for(
    repo: CannedRepository, transcript: Transcript, limit: int = 5
) -> list[CannedResponse]:
    """Responses most relevant to a conversation, best first, from the customer's recent turns."""
    return repo.get_many(rank_ids(repo.db, transcript, limit))
