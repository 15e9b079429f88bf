"""Turn answered conversations into examples the ranking learns from. No Qt.

An example's vector is made exactly as a query's is (the customer's last turns, newest
weighing most, misspellings repaired against the library), so a new conversation and a past
one are compared in the same way. The app's picks come through `FeedbackRepository.record`;
imports (`agent-assist learn import`) and the evaluation (`eval --learn-from`) call
`learn_many`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from sqlite_utils import Database

from desktop.store import learning_strength, ranking, ranking_documents
from desktop.store.examples import PICK, Example, ExampleStore
from desktop.transcript import Transcript

MAX_TEXT_CHARS = 4000  # the customer's side kept for display and re-embedding
PROGRESS_EVERY = 200  # conversations embedded between two progress calls (~30 ms)


@dataclass(frozen=True)
class Answered:
    """One conversation and a response it was answered with (or passed over)."""

    canned_id: int
    transcript: Transcript
    polarity: int = PICK
    conversation: str = ""  # the redacted thread (app picks), for History > forget
    created_at: float | None = None


def space_of(db: Database) -> str:
    """The name examples' vectors are kept under: the ranking's meaning space and dimension."""
    index = ranking.index_for(db)
    if index.embedder is None:
        return ""
    return f"{ranking_documents.MEANING_SPACE}:{index.embedder.dim}"


def learn_many(
    db: Database,
    answered: Sequence[Answered],
    source: str = "app",
    progress: Callable[[int, int], object] | None = None,
) -> int:
    """Keep each conversation as an example of its response; returns how many were kept.

    A conversation without a customer word, or a library without the meaning model, teaches
    nothing (0). All are written in one transaction, after every vector is made: an error
    raised by `progress(done, total)` (a cancelled import) leaves nothing written. Then the
    library's learning strength is chosen again if they moved it (`learning_strength`).
    """
    index = ranking.index_for(db)
    space = space_of(db)
    if not space or not answered:
        return 0
    kept: list[Example] = []
    vectors = []
    for done, item in enumerate(answered):
        if progress is not None and done % PROGRESS_EVERY == 0:
            progress(done, len(answered))
        query = ranking.build_query(item.transcript)
        vector = index.query_vector(query)
        if vector is None:
            continue
        text = "\n".join(t.text for t in item.transcript.customer_turns())[-MAX_TEXT_CHARS:]
        extra = {} if item.created_at is None else {"created_at": item.created_at}
        kept.append(
            Example(item.canned_id, text, item.polarity, source, item.conversation, **extra)
        )
        vectors.append(vector)
    if progress is not None:
        progress(len(answered), len(answered))
    if not kept:
        return 0
    added = ExampleStore(db).add_many(kept, np.stack(vectors), space)
    # How strongly the library learns is chosen again once its examples have moved enough:
    # here for an import (already off the GUI thread), on a thread of its own for a pick.
    learning_strength.after_learning(db, here=source != "app")
    return added


def resolve_canned(db: Database, names: Sequence[str]) -> dict[str, int]:
    """Canned ids of `names`: an id, a title, a short code or an import's record id.

    "source:record id" (e.g. "zendesk:360001") names the response imported from that record.
    Titles and short codes match whatever their case; a name that matches nothing is left out
    (the caller reports it).
    """
    by_name: dict[str, int] = {}
    rows = db.execute("SELECT id, title, shortcode, source, source_id FROM canned ORDER BY id DESC")
    for canned_id, title, shortcode, source, source_id in rows.fetchall():
        record = f"{source}:{source_id}" if source and source_id else ""
        for key in (str(canned_id), source_id, shortcode, title, record):
            if key:
                by_name[str(key).strip().casefold()] = int(canned_id)
    found = {}
    for name in names:
        key = str(name).strip().casefold()
        if key in by_name:
            found[name] = by_name[key]
    return found
