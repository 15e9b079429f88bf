"""What to read ahead once the model is ready, so the first drafts of the day start sooner. No Qt.

The engine keeps llama.cpp's KV state of each system message it has read (the state cache);
a draft whose system message was read before reads only its own turns. Before the agent asks
for anything, the worker reads (`engine.prewarm_step`, a few tokens at a time, between real
requests) the default draft's opening instructions and the free-mode grounding of the most
used canned responses: a conversation on one of those topics then starts from the kept prefix.
"""

from __future__ import annotations

from desktop.drafting import adapt
from desktop.drafting.prompts import build_prompt
from desktop.engine.base import Engine
from desktop.engine.types import Message
from desktop.store.canned import CannedRepository
from desktop.transcript import parse

MOST_USED = 3  # canned responses read ahead, by usage count
_PLACEHOLDER_TURN = "Customer: hello"  # only the system message is read ahead


def most_used(repo: CannedRepository, count: int = MOST_USED) -> list[int]:
    """Ids of the `count` most used active responses (never used ones are not guessed at)."""
    rows = repo.db.execute(
        "SELECT id FROM canned WHERE active = 1 AND usage_count > 0 "
        "ORDER BY usage_count DESC, id LIMIT ?",
        [count],
    ).fetchall()
    return [int(row[0]) for row in rows]


def prompts(
    engine: Engine, repo: CannedRepository, system_prompt: str, count: int = MOST_USED
) -> list[tuple[Message, ...]]:
    """Prompts whose system messages are worth reading ahead, the likeliest first.

    The default (adapt) draft's instructions, then each most-used response as the first
    grounding of a free-mode draft: the kept state serves any draft that ranks it first.
    """
    turn = parse(_PLACEHOLDER_TURN)
    opening = (Message("system", adapt.OPENING_SYSTEM), Message("user", _PLACEHOLDER_TURN))
    out: list[tuple[Message, ...]] = [opening]
    budget = engine.info.context_tokens // 2
    for canned in repo.get_many(most_used(repo, count)):
        prompt = build_prompt(
            system_prompt,
            turn,
            [canned],
            engine.count_prompt_tokens,
            engine.count_tokens,
            budget,
        )
        if prompt.grounding:
            out.append(prompt.messages)
    return out
