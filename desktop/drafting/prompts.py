"""Build the chat messages for a reply draft, trimmed to the model's context. Pure functions.

Layout: a system message with the instructions and the grounding canned responses, then one
user message holding the conversation. One user message works better than replaying turns as
chat roles: small models otherwise continue the customer's voice instead of the agent's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from desktop.engine.types import Message
from desktop.store.canned import CannedResponse
from desktop.transcript import Transcript, Turn

# Tokens a turn costs beyond its text ("Customer: " label and newline), an upper bound.
_TURN_OVERHEAD = 6
_ASK = "Write the agent's next reply to the customer."


@dataclass(frozen=True)
class Prompt:
    messages: tuple[Message, ...]
    grounding: tuple[CannedResponse, ...]  # the canned responses actually given to the model
    turns_kept: int
    turns_dropped: int  # oldest turns left out to fit the context window
    tokens: int


def _grounding_block(grounding: Sequence[CannedResponse]) -> str:
    if not grounding:
        return ""
    parts = [f"[{i}] {c.title}\n{c.body.strip()}" for i, c in enumerate(grounding, 1)]
    return "\n\nSaved replies from the team's library:\n\n" + "\n\n".join(parts)


def _conversation_block(turns: Sequence[Turn]) -> str:
    lines = [f"{t.role.capitalize()}: {t.text}" for t in turns]
    return "Conversation:\n" + "\n".join(lines) + f"\n\n{_ASK}"


def _messages(
    system: str, grounding: Sequence[CannedResponse], turns: Sequence[Turn]
) -> tuple[Message, ...]:
    return (
        Message("system", system.strip() + _grounding_block(grounding)),
        Message("user", _conversation_block(turns)),
    )


def build_prompt(
    system: str,
    transcript: Transcript,
    grounding: Sequence[CannedResponse],
    count_prompt_tokens: Callable[[Sequence[Message]], int],
    count_tokens: Callable[[str], int],
    budget: int,
) -> Prompt:
    """Fit system + grounding + the newest turns into `budget` tokens.

    Order of sacrifice: oldest turns first, then the lowest-ranked grounding, then the start
    of the newest turn itself (its end, the customer's actual question, is kept).
    """
    turns = list(transcript.turns)
    grounding = list(grounding)
    fixed = count_prompt_tokens(_messages(system, grounding, []))
    # Cheap pass: per-turn counts pick how many newest turns can fit.
    kept: list[Turn] = []
    used = fixed
    for turn in reversed(turns):
        cost = count_tokens(turn.text) + _TURN_OVERHEAD
        if kept and used + cost > budget:
            break
        kept.insert(0, turn)
        used += cost
    # Exact pass: the template may cost more than the estimate; tighten until it fits.
    while True:
        messages = _messages(system, grounding, kept)
        tokens = count_prompt_tokens(messages)
        if tokens <= budget:
            break
        if len(kept) > 1:
            kept.pop(0)
        elif grounding:
            grounding.pop()
        elif kept and kept[0].text:
            text = kept[0].text
            over = tokens - budget
            cut = max(len(text) * over // max(count_tokens(text), 1) + 16, 16)
            kept[0] = Turn(kept[0].role, text[cut:])
        else:
            break
    return Prompt(messages, tuple(grounding), len(kept), len(turns) - len(kept), tokens)
