"""What the reply pipeline produces: the ready reply, checked drafts, the whole result. No Qt."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

from desktop.drafting.offered import OfferedDraft
from desktop.drafting.options import DraftMode, Tone
from desktop.reading import Reading
from desktop.store.action_macros import StatedAction
from desktop.store.canned import CannedResponse

FinishReason = Literal["stop", "length", "cancelled"]


@dataclass(frozen=True)
class ReadyReply:
    """The top canned response rendered for this conversation: offered before any token."""

    canned: CannedResponse
    text: str
    confidence: float  # the measured probability that it is acceptable (calibration.py)
    confident: bool  # False: the panel says no saved reply fits and calls it a lead
    unresolved: tuple[str, ...]  # placeholders the conversation and settings cannot fill
    action: StatedAction | None = None  # what the response states as done, if anything
    action_done: bool = True  # the agent's turns say that action was done
    also: tuple[CannedResponse, ...] = ()  # the responses to the customer's other needs

    @property
    def pending(self) -> bool:
        """A confirmation of an action the agent has not taken: send only after doing it."""
        return self.action is not None and not self.action_done

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.canned.id,
            "title": self.canned.title,
            "also": [{"id": c.id, "title": c.title} for c in self.also],
            "text": self.text,
            "confidence": self.confidence,
            "confident": self.confident,
            "pending_action": asdict(self.action) if self.pending and self.action else None,
        }


@dataclass(frozen=True)
class PendingAction:
    """A confirmation response that presupposes an action the agent has not taken yet."""

    canned: CannedResponse
    action: StatedAction

    def as_json(self) -> dict[str, Any]:
        return {"id": self.canned.id, "title": self.canned.title, **asdict(self.action)}


@dataclass(frozen=True)
class Need:
    """One thing the customer asks for, with the responses that answer it."""

    text: str  # the customer's words for it
    candidates: tuple[tuple[CannedResponse, float], ...]
    ready: ReadyReply | None

    def as_json(self) -> dict[str, Any]:
        return {
            "text": self.text,
            "ready_reply": self.ready.as_json() if self.ready else None,
            "candidates": [
                {"id": c.id, "title": c.title, "confidence": round(s, 3)}
                for c, s in self.candidates
            ],
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
    needs: tuple[Need, ...] = ()  # one per customer need, the first is the ready reply's
    abstain: bool = False  # nothing in the library fits: leads only
    pending_actions: tuple[PendingAction, ...] = ()  # confirmations waiting for the agent
    note: str = ""  # why the draft is what it is, when that needs saying

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
