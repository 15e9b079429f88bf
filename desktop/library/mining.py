"""New canned responses from what agents keep writing by hand: `agent-assist learn mine`.

A history of conversations with the agents' replies goes in. A reply that closely matches a
response of the library is covered and set aside; the rest are clustered (desktop/library/
clusters.py), and each cluster of at least `min_size` replies proposes one response: its most
central reply with the customer's details as placeholders (desktop/library/generalise.py),
titled and tagged by the cluster's most distinctive words. Accepting a proposal adds it to
the library with its cluster's conversations as its first examples (desktop/store/examples.py),
so the ranking knows at once which conversations it answers. No model needed. No Qt.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sqlite_utils import Database

from desktop.errors import InputError
from desktop.importers.replies import Answer
from desktop.library.clusters import (
    MAX_TEXTS,
    THRESHOLD,
    CancelledError,
    TextSpace,
    average_linkage,
    central,
)
from desktop.library.clusters import words as words_of
from desktop.library.generalise import generalise
from desktop.placeholders import extract_values
from desktop.store import storage
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.embeddings import Embedder, default_embedder
from desktop.store.examples import ExampleStore
from desktop.store.learning import Answered, learn_many

MIN_SIZE = 3  # a reply written three times by hand is worth a canned response
# A reply as similar to a library response as replies of one cluster are to each other is
# covered: it would have joined the response's cluster (meaning and words, as clusters.py).
COVERED_AT = THRESHOLD  # as close as a reply to its cluster
CANDIDATES = 5  # library responses per reply compared on words too (found by meaning first)
CHUNK = 512
TITLE_WORDS = 3
SOURCE = "mined"
# Entity annotations of a labelled row (Bitext's meta) that a proposal must not carry.
PERSONAL_ENTITIES = {"order_id", "invoice_id", "person_name", "email", "tracking_number"}
# Words that say nothing of a request, left out of titles (English: the titles' language).
_FUNCTION_TEXT = (
    "the and for with from you your our can could would will how what where when which "
    "who want need help have has had get got this that these those about into some any "
    "are was were been being please thanks thank hello there here just not don't i'm i'd "
    "i've them they their does did doing make know like let should ask tell see "
)
_FUNCTION_WORDS = frozenset(_FUNCTION_TEXT.split())
_VALUE_KEYS = ("order.id", "ticket.id", "customer.email", "customer.name")


@dataclass(frozen=True)
class Proposal:
    title: str
    body: str
    tags: tuple[str, ...]
    members: tuple[int, ...]  # indices of its cluster's answers, the central one first

    @property
    def answered(self) -> int:
        """How many of the history's conversations it would have answered."""
        return len(self.members)


@dataclass
class Mined:
    answers: Sequence[Answer]
    covered: list[int]  # answers whose reply a library response covers
    left_out: int  # uncovered replies beyond MAX_TEXTS (the oldest), not clustered
    proposals: list[Proposal] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        """Purity and intent coverage when the answers carry intents; leaked values always."""
        out: dict[str, Any] = {"values_left": self.values_left()}
        labelled = [a.intent for a in self.answers if a.intent]
        if not labelled:
            return out
        majority = [
            Counter(self.answers[i].intent for i in p.members).most_common(1)[0]
            for p in self.proposals
        ]
        clustered = sum(p.answered for p in self.proposals)
        intents = set(labelled)
        found = {intent for intent, _count in majority}
        out.update(
            purity=round(sum(c for _i, c in majority) / clustered, 3) if clustered else None,
            intents=len(intents),
            intents_proposed=len(found & intents),
            intents_covered_by_proposals=round(len(found & intents) / len(intents), 3),
            covered_by_library=round(len(self.covered) / len(self.answers), 3),
        )
        return out

    def values_left(self) -> list[str]:
        """Customer details of a cluster's conversations still written in its proposal."""
        left: list[str] = []
        for proposal in self.proposals:
            for index in proposal.members:
                left.extend(v for v in personal_values(self.answers[index]) if v in proposal.body)
        return sorted(set(left))

    def as_dict(self) -> dict[str, Any]:
        return {
            "replies": len(self.answers),
            "covered": len(self.covered),
            "left_out": self.left_out,
            "proposals": [
                {
                    "number": number,
                    "title": p.title,
                    "body": p.body,
                    "tags": list(p.tags),
                    "answered": p.answered,
                    **_intent_of(self.answers, p),
                }
                for number, p in enumerate(self.proposals, start=1)
            ],
            **self.figures(),
        }


def _intent_of(answers: Sequence[Answer], proposal: Proposal) -> dict[str, Any]:
    labels = Counter(answers[i].intent for i in proposal.members if answers[i].intent)
    if not labels:
        return {}
    intent, count = labels.most_common(1)[0]
    return {"intent": intent, "purity": round(count / proposal.answered, 3)}


def personal_values(answer: Answer) -> list[str]:
    """The details of one conversation that no proposal may keep: ids, e-mail, names."""
    labelled = "\n".join(f"{t.role.capitalize()}: {t.text}" for t in answer.transcript.turns)
    values = extract_values(labelled) if labelled.strip() else {}
    found = [values[k] for k in _VALUE_KEYS if k in values]
    meta = dict(answer.meta)
    if meta.get("entity_type") in PERSONAL_ENTITIES and meta.get("entity_value"):
        found.append(meta["entity_value"].lstrip("#"))
    return [v for v in found if len(v) > 2]


def mine(
    answers: Sequence[Answer],
    library: Sequence[str],
    min_size: int = MIN_SIZE,
    embedder: Embedder | None = None,
    stop: Callable[[], bool] | None = None,
) -> Mined:
    """Proposals for the replies `library` (response bodies) does not cover, largest first.

    `stop` is asked between steps and during clustering; when it says so, `CancelledError` is
    raised and nothing is proposed.
    """
    if min_size < 2:
        raise InputError("--min-size must be at least 2: one reply is not a pattern.")

    def check() -> None:
        if stop is not None and stop():
            raise CancelledError

    embedder = embedder or default_embedder()
    replies = [a.reply for a in answers]
    covered = _covered(replies, library, embedder) if library else []
    check()
    uncovered = [i for i in range(len(answers)) if i not in set(covered)]
    left_out = max(0, len(uncovered) - MAX_TEXTS)
    uncovered = uncovered[left_out:]  # the newest, when a history is longer
    mined = Mined(answers, covered, left_out)
    if len(uncovered) < min_size:
        return mined
    space = TextSpace([replies[i] for i in uncovered], embedder)
    check()
    # The title says what the customers asked; the tags what the replies say.
    asked = TextSpace([_customer_side(answers[i]) for i in uncovered], None)
    rows = list(range(len(uncovered)))
    similarity = space.similarity(rows, rows)
    lowercase = {w for r in replies for w in words_of(r) if w in r}
    for cluster in average_linkage(similarity, THRESHOLD, stop):
        if len(cluster) < min_size:
            continue
        check()
        middle = cluster[central(similarity[np.ix_(cluster, cluster)])]
        members = (middle, *(r for r in cluster if r != middle))
        chosen = answers[uncovered[middle]]
        body = generalise(
            chosen.reply, chosen.transcript, [replies[uncovered[r]] for r in members], lowercase
        )
        tags = _distinct(space.distinctive(cluster, 3 * TITLE_WORDS))[:TITLE_WORDS]
        # A word the customers use counts for the title when the replies use it too.
        asked_words = [
            w
            for w in asked.distinctive(cluster, 4 * TITLE_WORDS)
            if sum(w in space.weights[r] for r in cluster) * 3 >= len(cluster)
        ]
        title = _title(asked_words, tags, _customer_side(chosen)) or " ".join(body.split()[:6])
        mined.proposals.append(
            Proposal(title, body, tuple(tags), tuple(uncovered[r] for r in members))
        )
    return mined


def _title(asked_words: Sequence[str], tags: Sequence[str], asked: str) -> str:
    """The customers' most distinctive words, in the order the central one wrote them.

    The replies' words fill in when the customers share fewer than two.
    """
    kept = _distinct([w for w in asked_words if w not in _FUNCTION_WORDS])[:TITLE_WORDS]
    text = asked.lower()
    kept.sort(key=lambda w: text.find(w) if w in text else len(text))
    if len(kept) < 2:
        kept = _distinct([*kept, *tags])[:2]
    return " ".join(kept).capitalize()


def _customer_side(answer: Answer) -> str:
    return "\n".join(t.text for t in answer.transcript.customer_turns())


def _distinct(words: Sequence[str]) -> list[str]:
    """Words without near repeats ("cancel", "cancellation": the first one only)."""
    kept: list[str] = []
    for word in words:
        if not any(word[:5] == other[:5] for other in kept):
            kept.append(word)
    return kept


def _covered(
    replies: Sequence[str], library: Sequence[str], embedder: Embedder | None
) -> list[int]:
    """Indices of the replies a library response closely matches.

    The library's nearest CANDIDATES responses by meaning are compared on words as well;
    without the meaning model, every response is (a small library, or a slow check).
    """
    space = TextSpace([*replies, *library], embedder)
    first = len(replies)
    covered: list[int] = []
    for start in range(0, len(replies), CHUNK):
        rows = list(range(start, min(start + CHUNK, len(replies))))
        if space.meaning is not None and len(library) > CANDIDATES:
            near = space.meaning[rows] @ space.meaning[first:].T
            top = np.argpartition(-near, CANDIDATES - 1, axis=1)[:, :CANDIDATES]
            others = sorted({first + int(i) for i in top.ravel()})
        else:
            others = list(range(first, first + len(library)))
        best = space.similarity(rows, others).max(axis=1)
        covered.extend(r for r, value in zip(rows, best, strict=True) if value >= COVERED_AT)
    return covered


def accept(db: Database, mined: Mined, numbers: Sequence[int]) -> tuple[list[CannedResponse], int]:
    """Add the numbered proposals (1-based) as canned responses with their examples.

    Returns the added responses and how many examples they learned. The responses go in one
    transaction; if learning their examples fails, they and any examples are taken out again.
    """
    count = len(mined.proposals)
    wrong = [n for n in numbers if not 1 <= n <= count]
    if wrong:
        raise InputError(
            f"No proposal {wrong[0]}: there are {count} (numbered 1 to {count})."
            if count
            else "There is no proposal to accept."
        )
    chosen = [mined.proposals[n - 1] for n in dict.fromkeys(numbers)]
    repo = CannedRepository(db)
    with storage.writing(db):
        added = [
            repo.add(CannedResponse(p.title, p.body, tags=p.tags, source=SOURCE)) for p in chosen
        ]
    ids = [r.id for r in added if r.id is not None]
    examples = [
        Answered(canned_id, mined.answers[i].transcript)
        for canned_id, proposal in zip(ids, chosen, strict=True)
        for i in proposal.members
    ]
    try:
        learned = learn_many(db, examples, source="import")
    except BaseException:
        for canned_id in ids:
            ExampleStore(db).forget(canned_id=canned_id)
        repo.delete_many(ids)
        raise
    return added, learned
