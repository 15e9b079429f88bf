"""Rewrite a draft or a selection: shorter, longer, friendlier, more formal, or corrected. No Qt.

The model gets one free prompt with the instruction and the text, and streams a new version
through the same stream guards as a draft. A rewrite must not add facts, and a small model asked
to "expand" happily invents a phone number, so the result is checked sentence by sentence
against the draft's sources plus the original text (what the agent already wrote is theirs to
keep). Flagged sentences are marked, never silently dropped: the agent asked for this edit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from desktop.drafting.checks import SentenceCheck, check_draft
from desktop.drafting.guards import StreamGuard
from desktop.engine.base import Engine
from desktop.engine.types import GenerationParams, Message

SYSTEM = "You are a careful editor of customer support replies."
TEMPERATURE = 0.3  # an edit, not a new reply: stay close to the text
_MARGIN_TOKENS = 32


class Action(StrEnum):
    SHORTEN = "shorten"
    EXPAND = "expand"
    FRIENDLIER = "friendlier"
    FORMAL = "formal"
    FIX = "fix"


LABELS = {
    Action.SHORTEN: "Shorten",
    Action.EXPAND: "Expand",
    Action.FRIENDLIER: "Friendlier",
    Action.FORMAL: "More formal",
    Action.FIX: "Fix spelling and grammar",
}
_GOALS = {
    Action.SHORTEN: "shorter",
    Action.EXPAND: "a little longer and more detailed",
    Action.FRIENDLIER: "friendlier",
    Action.FORMAL: "more formal",
    Action.FIX: "free of spelling and grammar mistakes",
}
# Small models like to announce their answer; such a first line is not part of the text.
_PREAMBLES = ("here is", "here's", "rewritten", "sure", "certainly", "revised")


@dataclass(frozen=True)
class Rewrite:
    """The model's version of `original`; `text` is what replaces it (the original if unusable)."""

    original: str
    text: str
    checks: tuple[SentenceCheck, ...]
    cancelled: bool = False
    guard: str | None = None  # why a stream guard stopped the model, if one did

    @property
    def changed(self) -> bool:
        return self.text != self.original

    @property
    def flagged(self) -> tuple[SentenceCheck, ...]:
        return tuple(c for c in self.checks if c.flagged)


def messages(action: Action, text: str) -> tuple[Message, ...]:
    instruction = (
        f"Rewrite the text below to be {_GOALS[action]}. Keep every fact, number, link and "
        "step; do not add any. Write only the rewritten text."
    )
    return Message("system", SYSTEM), Message("user", f"{instruction}\n\n{text.strip()}")


def params(base: GenerationParams, action: Action, text_tokens: int) -> GenerationParams:
    """Room for the rewrite: about the text's length, twice that to expand."""
    factor = 2 if action is Action.EXPAND else 1
    return replace(
        base,
        max_tokens=text_tokens * factor + _MARGIN_TOKENS,
        temperature=TEMPERATURE,
        stop=(),
    )


def finish(
    original: str, streamed: str, sources: Sequence[str], cancelled: bool = False
) -> Rewrite:
    """The usable rewrite, checked; the original when the model gave nothing or was stopped."""
    text = _clean(streamed)
    if cancelled or not text:
        return Rewrite(original, original, (), cancelled)
    # Keep the original's surrounding whitespace: a rewritten selection must fit back in place.
    lead = original[: len(original) - len(original.lstrip())]
    trail = original[len(original.rstrip()) :]
    text = f"{lead}{text}{trail}"
    return Rewrite(original, text, tuple(check_draft(text, [*sources, original])))


def run(
    engine: Engine,
    action: Action,
    text: str,
    base: GenerationParams,
    cancel: threading.Event,
    on_text: Callable[[str], None],
    sources: Sequence[str],
) -> Rewrite:
    """Stream the rewrite of `text` to `on_text` through the guards, then check it."""
    guard = StreamGuard([*sources, text])
    request = messages(action, text)
    for delta in engine.stream(request, params(base, action, engine.count_tokens(text)), cancel):
        verdict = guard.feed(delta)
        if verdict.emit:
            on_text(verdict.emit)
        if verdict.stopped:
            break
    else:
        on_text(guard.flush().emit)
    result = finish(text, guard.text, sources, cancel.is_set())
    return replace(result, guard=str(guard.reason) if guard.reason else None)


def _clean(streamed: str) -> str:
    text = streamed.strip()
    first, _, rest = text.partition("\n")
    if rest.strip() and first.rstrip().endswith(":") and first.lower().startswith(_PREAMBLES):
        text = rest.strip()
    if len(text) > 1 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return text
