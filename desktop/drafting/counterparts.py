"""A confirmation nobody acted on, ranked first, hands its place to its plain counterpart.

Ranked high, "Duplicate charge refunded" says what the thread is about (a double charge),
but it states an action as done that nobody did. The response nearest it in meaning that
states nothing as done ("Charged twice - pending authorisation") is what the agent can send,
so it takes the confirmation's place, rather than whatever ranked next ("Where is my
order?"). Counterparts are a property of the library: each confirmation's nearest plain
response, kept only where it is clearly the nearest ("Order cancelled" is as near "Cancel
order - already shipped" as "- not yet shipped", so it has none). No Qt.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

import numpy as np

from desktop.drafting.tried import Ranked
from desktop.store import action_macros, ranking
from desktop.store.canned import CannedRepository, CannedResponse

NEAR = 0.55  # cosine of a confirmation with its counterpart, at least (multilingual space)
MARGIN = 0.05  # and this much nearer than the next plain response


def forward(repo: CannedRepository, ranked: Ranked, agent_texts: Sequence[str]) -> Ranked:
    """`ranked` with the counterpart of an undone confirmation ranked first put first.

    Only the first: lower down, a confirmation is there by a shared word ("Plus paused" for a
    Plus renewal complaint) and says little of the topic.
    """
    if not ranked:
        return ranked
    first = ranked[0][0]
    action = action_of(first)
    mate = counterparts(repo).get(first.id or -1)
    if action is None or mate is None or action_macros.performed(action, agent_texts[-1:]):
        return ranked
    moved = [r for r in ranked if r[0].id == mate]
    return moved + [r for r in ranked if r[0].id != mate] if moved else ranked


def counterparts(repo: CannedRepository) -> dict[int, int]:
    """Each confirmation's clear counterpart: {confirmation id: plain response id}."""
    return _counterparts(repo.db.conn, ranking.library_version(repo.db), repo)


@functools.lru_cache(maxsize=8)
def _counterparts(_conn: object, _version: str, repo: CannedRepository) -> dict[int, int]:
    rows = repo.db.execute(
        "SELECT id, states_action != '' FROM canned WHERE active = 1 ORDER BY id"
    ).fetchall()
    confirmations = [int(i) for i, stated in rows if stated]
    plain = [int(i) for i, stated in rows if not stated]
    if not confirmations or not plain:
        return {}
    cosines = ranking.response_cosines(repo.db, confirmations, plain)
    if cosines is None:
        return {}
    found: dict[int, int] = {}
    for row, confirmation in enumerate(confirmations):
        near = np.sort(cosines[row])[::-1]
        clear = len(near) == 1 or near[0] - near[1] >= MARGIN
        if near[0] >= NEAR and clear:
            found[confirmation] = plain[int(cosines[row].argmax())]
    return found


def action_of(canned: CannedResponse) -> action_macros.StatedAction | None:
    """What the response states as done: stored at save time, computed for unsaved ones."""
    if canned.id is not None:
        return canned.stated
    return action_macros.stated_action(canned.title, canned.body)
