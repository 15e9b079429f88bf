"""One JSON form of a suggestion, for `suggest --json`, the local API and the evaluations. No Qt."""

from __future__ import annotations

from typing import Any

from desktop.drafting.results import CheckedDraft, SuggestionResult
from desktop.transcript import Transcript


def draft_json(draft: CheckedDraft) -> dict[str, Any]:
    return {
        "text": draft.text,
        "canned": [{"id": c.id, "title": c.title} for c in draft.canned],
        "checks": draft.checks_json(),
        "guard": draft.guard,
    }


def turns_json(transcript: Transcript) -> list[dict[str, str]]:
    """The parse of the pasted thread: who said what, oldest first."""
    return [{"role": t.role, "speaker": t.speaker, "text": t.text} for t in transcript.turns]


def suggestion_json(
    result: SuggestionResult,
    model: str,
    cpu_variant: str = "",
    transcript: Transcript | None = None,
) -> dict[str, Any]:
    """Everything a suggestion offers: ready replies per need, the draft and its checks."""
    draft = result.draft
    return {
        "text": result.text,
        "raw_text": result.raw_text,
        "mode": str(result.mode),
        "note": result.note,
        "abstain": result.abstain,
        "canned": [
            {"id": c.id, "title": c.title, "shortcode": c.shortcode} for c in result.grounding
        ],
        "ready_reply": result.ready_reply.as_json() if result.ready_reply else None,
        "needs": [need.as_json() for need in result.needs],
        "pending_actions": [pending.as_json() for pending in result.pending_actions],
        "turns": turns_json(transcript) if transcript is not None else [],
        "tone": str(result.tone),
        **_reading_json(result),
        "checks": draft.checks_json() if draft else [],
        "guard": draft.guard if draft else None,
        "alternatives": [draft_json(alt) for alt in result.alternatives],
        "model": model,
        "cpu_variant": cpu_variant,
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "first_token_s": result.first_token_s,
        "first_text_s": result.first_text_s,
        "total_s": result.total_s,
        "tokens_per_s": result.tokens_per_s,
        "finish_reason": result.finish_reason,
        "turns_dropped": result.turns_dropped,
    }


def _reading_json(result: SuggestionResult) -> dict[str, Any]:
    """The reading's fields, its `abstain` (no intent guessed) renamed `intents_abstain`.

    Merged as it was, it overwrote the suggestion's own `abstain` (no saved reply fits).
    """
    if result.reading is None:
        return {}
    reading = result.reading.as_dict()
    reading["intents_abstain"] = reading.pop("abstain")
    return reading
