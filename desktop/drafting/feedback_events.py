"""The local feedback rows of a draft session. No Qt.

What was copied, as is or edited, and what was discarded: the draft (or the alternative
shown), the ready reply, and a canned response copied from the list.
"""

from __future__ import annotations

from desktop.drafting.effects import Effects, RecordFeedback
from desktop.drafting.results import ReadyReply
from desktop.drafting.versions import Draft
from desktop.store.canned import CannedResponse
from desktop.store.feedback import Action, FeedbackEvent, Kind
from desktop.transcript import Transcript


def draft_event(draft: Draft, action: Action, copied: str, model: str, tone: str) -> FeedbackEvent:
    """The shown version of `draft`, copied as `copied` or discarded (`copied` empty)."""
    version = draft.versions[draft.shown]
    result = draft.result
    kind: Kind = "alternative" if draft.shown else "draft"
    return FeedbackEvent(
        kind=kind,
        action=action,
        offered_text=draft.offered[draft.shown].text,
        copied_text=copied,
        canned_ids=[c.id for c in version.canned if c.id is not None],
        model=model,
        mode=str(result.mode) if result else "",
        tone=tone,
        first_token_s=result.first_token_s if result else None,
        total_s=result.total_s if result else None,
        # The thread it answered: the store keeps it (redacted) as an example of the
        # canned responses used, so the ranking learns from what agents send.
        conversation=draft.transcript.to_text() if draft.transcript else "",
    )


def draft_discarded(draft: Draft | None, model: str, tone: str) -> Effects:
    """A finished draft never copied is recorded as discarded, once."""
    if draft is None or not draft.versions or draft.copied:
        return ()
    draft.copied = True  # recorded once
    return (RecordFeedback(draft_event(draft, "discarded", "", model, tone)),)


def canned_event(response: CannedResponse, text: str, conversation: str) -> FeedbackEvent:
    """A canned response copied from the list: the agent's own pick for this thread."""
    return FeedbackEvent(
        kind="canned",
        action="copied",
        offered_text=text,
        copied_text=text,
        canned_ids=[response.id] if response.id is not None else [],
        mode="canned",
        conversation=conversation,
    )


def ready_event(
    reply: ReadyReply, transcript: Transcript, action: Action, copied: str
) -> FeedbackEvent:
    canned = reply.canned
    return FeedbackEvent(
        kind="ready_reply",
        action=action,
        offered_text=reply.text,
        copied_text=copied,
        canned_ids=[canned.id] if canned.id is not None else [],
        model="",
        mode="canned",
        tone="",
        conversation=transcript.to_text(),
    )
