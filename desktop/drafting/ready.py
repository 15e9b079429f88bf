"""The ranking with the agent's pins, and the ready reply rendered from it (no model). No Qt."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from desktop import placeholders
from desktop.drafting.results import ReadyReply
from desktop.store import ranking
from desktop.store.action_macros import performed, stated_action
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.transcript import Transcript


def rank_with_pins(
    repo: CannedRepository,
    transcript: Transcript,
    pinned: Sequence[CannedResponse],
    count: int,
) -> list[tuple[CannedResponse, float]]:
    """The ranking's best `count` with confidences, the agent's pinned responses first."""
    pinned_ids = {p.id for p in pinned}
    scored = ranking.rank_scored(repo.db, transcript, count + len(pinned))
    by_id = {r.id: r for r in repo.get_many([i for i, _ in scored if i not in pinned_ids])}
    ranked = [(by_id[i], confidence) for i, confidence in scored if i in by_id]
    return [*((p, 1.0) for p in pinned), *ranked][: max(count, len(pinned))]


def ready_reply(
    ranked: Sequence[tuple[CannedResponse, float]],
    values: Mapping[str, str],
    pinned_count: int = 0,
    also: Sequence[CannedResponse] = (),
    agent_texts: Sequence[str] = (),
    confident: bool | None = None,
) -> ReadyReply | None:
    """The best canned response rendered for this conversation; None when nothing ranked.

    `also`: the responses to the customer's other needs, named beside it (not composed in: a
    second need is found right about one time in four on the dev threads). `agent_texts`: the
    agent's turns, which say whether an action the response states as done was done.
    `confident` overrides the ranking's threshold (the calibrated verdict).
    """
    if not ranked:
        return None
    canned, confidence = ranked[0]
    rendered = placeholders.render(canned.body.strip(), values)
    if confident is None:
        confident = pinned_count > 0 or confidence >= ranking.CONFIDENT
    action = canned.stated if canned.id is not None else stated_action(canned.title, canned.body)
    return ReadyReply(
        canned,
        rendered.text,
        confidence,
        confident,
        rendered.unresolved,
        action=action,
        action_done=action is None or performed(action, agent_texts),
        also=tuple(c for c in also if c.id != canned.id),
    )
