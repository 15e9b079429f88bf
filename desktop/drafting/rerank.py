"""The thread's candidates put in order by a fitted linear score over a few measured features.

The ranking (desktop.store.ranking) fuses words and meaning over the customer's recent turns
into one query. A pasted thread mixes a story, an order number, a signature and the request,
and earlier turns about a solved problem; one query blurs them. So the ranking's best
RANK_POOL candidates, with the SENTENCE_POOL best matches of any one sentence, are each
described by what the conversation says about them:

- `confidence`, `rank`: the ranking's own confidence and place (1 at the top);
- `sentence`: the best cosine with any one sentence of the latest message;
- `request`: the same over the sentences that ask for something (a question, "can you"),
  leaving out a short one that names no topic ("O que devo fazer?", "What now?": its best
  cosine with any candidate under GENERIC_ASK), which asks about the sentences before it;
- `last`: the cosine with the message's last such sentence (what is asked now);
- `whole`: the cosine with the latest message as a whole;
- `earlier`: the best cosine with an earlier customer turn (an answered topic);
- `words`: the share of the message's distinctive words (idf mass) the response contains;
- `learned`: how near the agents' past picks of the response are to this conversation
  (`ranking.learned_closeness`; 0 for a library without picks, which ranks as before). The
  ranking fuses picks too, but only its place reaches this score: without this feature, 5
  picks per response lifted a weak library's first suggestions in threads 2 points less than
  its plain ranking (weight 0.4; 0.8 orders every dev case the same).

The score is linear in these. `packaging/fit_rerank.py` fits all eight weights (a listwise
softmax on the realistic threads and the Bitext questions) and reports them cross-validated:
fitted, they beat the old rule (place + best sentence) only on the threads they were fitted
on (0.74 of the threads' first suggestions right; 0.67 on held-out folds, as the old rule).
What carries the gain is one change, kept by hand: the sentences that *ask* weigh twice those
that tell a story, so "Order #48850." or "Thanks, Priya" no longer outvote "Can you change
the address?" (0.67 -> 0.74 of the threads, Bitext 0.89 -> 0.90, with no weight fitted).
Cosines are in the multilingual space, so a German sentence is compared with an English
response as well as with a German one. Every text is read with the plain names of the
everyday needs it states in other words (`desktop.reading.concepts`: "two payments of £64"
is also "charged twice"): 0.77 -> 0.82 of the dev threads, needs covered 0.86 -> 0.89, the
Bitext questions through the pipeline 89.6% -> 89.3% (one refund question of three kinds).
No Qt, no model.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from sqlite_utils import Database

from desktop.drafting import translations
from desktop.drafting.focus import ASKS, Focus
from desktop.reading.concepts import concepts_in, expand, unnamed, views
from desktop.reading.meaning import ends
from desktop.store import ranking, ranking_index

FEATURES = (
    "confidence", "rank", "sentence", "request", "last", "whole", "earlier", "words", "learned",
)  # fmt: skip
# Order as FEATURES. Set by hand (see above); packaging/fit_rerank.py measures any other set.
WEIGHTS: tuple[float, ...] = (0.0, 0.2, 0.2, 0.4, 0.0, 0.0, 0.0, 0.0, 0.4)
# A customer writing in a language no response is in: the word ranking matches only what the
# two languages share ("ordine #58340" has "order"), so meaning alone places the responses.
FOREIGN_WEIGHTS: tuple[float, ...] = (0.0, 0.0, 0.2, 0.6, 0.0, 0.0, 0.0, 0.0, 0.4)
RANK_POOL = 30  # the ranking's candidates that are reordered
SENTENCE_POOL = 10  # and the best matches of any one sentence added to them
RANK_K = 5.0
EMBED_CHARS = 2000
SHORT_ASK = 5  # words
GENERIC_ASK = 0.3  # cosine


@dataclass(frozen=True)
class Candidates:
    """The pool: response ids, the ranking's confidence of each, and their features."""

    ids: tuple[int, ...]
    confidence: tuple[float, ...]
    features: tuple[tuple[float, ...], ...]  # one row per id, as FEATURES


def candidates(db: Database, focus: Focus) -> Candidates:
    # Each text is read with the plain names of the everyday needs it states (concepts).
    weighted = [(expand(text), weight) for text, weight in focus.weighted]
    query = ranking.query_from(weighted)
    scored = ranking.rank_query(db, query, RANK_POOL)
    sentences = list(focus.segments) or ([focus.open_text] if focus.open_text else [])
    expanded = [expand(s) for s in sentences]
    pool = [i for i, _ in scored]
    for response_id, _ in sorted(
        ranking.sentence_similarity(db, expanded, SENTENCE_POOL).items(), key=lambda kv: -kv[1]
    )[:SENTENCE_POOL]:
        if response_id not in pool:
            pool.append(response_id)
    if not pool:
        return Candidates((), (), ())
    earlier = [text for text, _ in weighted[1:]]
    # A need said as a problem ("hi cant get into my acct") asks as much as a question does.
    asks = [s for s in sentences if ASKS.search(s) or concepts_in(s)] or sentences
    # The encoder's cost grows with length (a 100 KB paste took seconds); a text's opening and
    # end carry what it is about.
    whole = expand(focus.open_text) if focus.open_text else expanded[-1]
    texts = [ends(t, EMBED_CHARS) for t in (*expanded, whole, *earlier)]
    cosines = _cosines(db, texts, [views(unnamed(s)) for s in sentences], pool)
    if cosines is not None:
        asks = _topical(asks, sentences, cosines)
    place = {i: n for n, (i, _) in enumerate(scored)}
    confidence = dict(scored)
    words = ranking.word_coverages(db, focus.open_text, pool)
    learned = ranking.learned_closeness(db, query)
    rows = []
    for column, response_id in enumerate(pool):
        rank = place.get(response_id)
        values: list[float] = [
            confidence.get(response_id, 0.0),
            RANK_K / (rank + RANK_K) if rank is not None else 0.0,
        ]
        if cosines is None:
            values += [0.0] * 5
        else:
            by_text = [float(v) for v in cosines[:, column]]
            own = dict(zip(sentences, by_text, strict=False))
            values += [
                max(by_text[: len(sentences)]),
                max(own[s] for s in asks),
                own[asks[-1]],
                by_text[len(sentences)],
                max(by_text[len(sentences) + 1 :], default=0.0),
            ]
        values += [words[column], learned.get(response_id, 0.0)]
        rows.append(tuple(values))
    confidences = tuple(
        confidence.get(i, _lead_confidence(row[2])) for i, row in zip(pool, rows, strict=True)
    )
    return Candidates(tuple(pool), confidences, _pooled(db, pool, rows))


def _topical(
    asks: Sequence[str], sentences: Sequence[str], cosines: npt.NDArray[np.float32]
) -> list[str]:
    """The asking sentences that name a topic: "What should I do?" matches no response.

    A short ask whose best cosine with any candidate is under GENERIC_ASK asks about the
    sentences before it; without a topical ask, every sentence counts as asking.
    """
    best = dict(zip(sentences, cosines[: len(sentences)].max(axis=1).tolist(), strict=True))
    kept = [a for a in asks if len(a.split()) > SHORT_ASK or best[a] >= GENERIC_ASK]
    return kept or list(sentences)


def sentence_cosines(
    db: Database, sentences: Sequence[str], pool: Sequence[int]
) -> npt.NDArray[np.float32] | None:
    """Each sentence's cosine with each response, read as the reranker reads it (concepts)."""
    texts = [ends(expand(s), EMBED_CHARS) for s in sentences]
    return _cosines(db, texts, [views(unnamed(s)) for s in sentences], pool)


def _cosines(
    db: Database, texts: Sequence[str], names: Sequence[tuple[str, ...]], pool: Sequence[int]
) -> npt.NDArray[np.float32] | None:
    """Each text's cosine with each response; text n also as near as its concepts' `names[n]`.

    A sentence that says a concept in its own words ("two payments of £64") is as near a
    response as the concept's plain sentence ("I was charged twice for one order") is:
    appended to a long sentence a name hardly moves its vector, so it is compared on its own.
    """
    extra = [name for row in names for name in row]
    cosines = ranking.candidate_cosines(db, [*texts, *extra], pool)
    if cosines is None or not extra:
        return cosines
    at = len(texts)
    for row, said in enumerate(names):
        for _ in said:
            cosines[row] = np.maximum(cosines[row], cosines[at])
            at += 1
    return cosines[: len(texts)]


def _pooled(
    db: Database, pool: Sequence[int], rows: Sequence[tuple[float, ...]]
) -> tuple[tuple[float, ...], ...]:
    """Translations share their evidence: each takes the best of its group per feature.

    A German question may match the English wording in meaning and the German one in words;
    both are evidence for the one answer (desktop.drafting.translations). Which language
    leads is the language policy's choice afterwards.
    """
    group = translations.groups(db, pool, translations.languages_of(db, pool))
    best: dict[int, tuple[float, ...]] = {}
    for response_id, row in zip(pool, rows, strict=True):
        key = group[response_id]
        held = best.get(key)
        best[key] = row if held is None else tuple(map(max, held, row))
    return tuple(best[group[i]] for i in pool)


def order(found: Candidates, weights: Sequence[float] | None = None) -> list[tuple[int, float]]:
    """(id, the ranking's confidence) best first by the fitted score (WEIGHTS by default)."""
    score = scores(found, weights)
    best = sorted(found.ids, key=lambda i: -score[i])
    confidence = dict(zip(found.ids, found.confidence, strict=True))
    return [(i, confidence[i]) for i in best]


def scores(found: Candidates, weights: Sequence[float] | None = None) -> dict[int, float]:
    """Each candidate's linear score (WEIGHTS by default)."""
    weights = WEIGHTS if weights is None else weights
    return {
        i: sum(w * x for w, x in zip(weights, row, strict=True))
        for i, row in zip(found.ids, found.features, strict=True)
    }


def _lead_confidence(cosine: float) -> float:
    """A confidence for a response only the sentence match found (the ranking's scale)."""
    return round(min(max(cosine / ranking_index.CROSS_FULL, 0.0), 1.0) * 0.5, 3)
