"""What the reply pipeline produces: the ready reply, checked drafts, the whole result. No Qt."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from desktop.drafting.offered import OfferedDraft
from desktop.drafting.options import DraftMode, Tone
from desktop.reading import Reading
from desktop.store.canned import CannedResponse

FinishReason = Literal["stop", "length", "cancelled"]


@dataclass(frozen=True)
class ReadyReply:
    """The top canned response rendered for this conversation: offered before any token."""

    canned: CannedResponse
    text: str
    confidence: float
    confident: bool  # below ranking.CONFIDENT the panel says it is only a lead
    unresolved: tuple[str, ...]  # placeholders the conversation and settings cannot fill

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.canned.id,
            "title": self.canned.title,
            "text": self.text,
            "confidence": self.confidence,
            "confident": self.confident,
        }


@dataclass(frozen=True)
class CheckedDraft:
    """One checked draft: the text offered (what Copy copies) and how it came about."""

    offered: OfferedDraft
    canned: tuple[CannedResponse, ...]  # the canned responses it was built from
    guard: str | None = None  # why a guard stopped the model, if one did
    regenerated: bool = False  # a guard fired early and the model was asked once more

    @property
    def text(self) -> str:
        return self.offered.text

    def checks_json(self) -> list[dict[str, Any]]:
        removed = {r.index for r in self.offered.removed}
        return [
            {"sentence": c.text, "reason": c.reason, "removed": i in removed}
            for i, c in enumerate(self.offered.checks)
            if c.flagged
        ]


@dataclass(frozen=True)
class SuggestionResult:
    text: str  # the offered draft: exactly what Copy copies
    grounding: tuple[CannedResponse, ...]
    prompt_tokens: int
    completion_tokens: int
    first_token_s: float | None  # the model's first token
    total_s: float
    finish_reason: FinishReason
    draft: CheckedDraft | None = None
    raw_text: str = ""  # before the checks took anything out
    ready_reply: ReadyReply | None = None
    alternatives: tuple[CheckedDraft, ...] = ()  # further drafts, each checked
    first_text_s: float | None = None  # the first text shown (the greeting, in adapt mode)
    mode: DraftMode = DraftMode.FREE
    turns_dropped: int = 0  # oldest turns left out to fit the context (free mode)
    reading: Reading | None = None  # language, mood, urgency, intents of the conversation
    tone: Tone = Tone.FRIENDLY  # the tone used (the customer's mood may have chosen it)

    @classmethod
    def stopped_before_start(cls) -> SuggestionResult:
        """The result of a request stopped before the model began it: nothing was written."""
        return cls("", (), 0, 0, None, 0.0, "cancelled")

    @property
    def tokens_per_s(self) -> float:
        streaming = self.total_s - (self.first_token_s or 0.0)
        return (
            (self.completion_tokens - 1) / streaming
            if self.completion_tokens > 1 and streaming > 0
            else 0.0
        )
