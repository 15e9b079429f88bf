"""What the model sends back for one draft or rewrite request, as plain values. No Qt.

Declared once here and carried by one signal at every hop: the model thread emits
`news(request_id, event)` (ui/worker.py); AssistController drops the news of any request but
the last one asked (the only request-id check); GenerationQueue hands the rest to the tab
whose request runs; DraftSession.on_event decides what that tab shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeAlias

from desktop.drafting.results import CheckedDraft, ReadyReply, SuggestionResult
from desktop.drafting.rewrite import Rewrite
from desktop.store.canned import CannedResponse


@dataclass(frozen=True)
class ReadyReplyFound:
    """The pipeline's own ready reply (pinned responses first), or None; before any token."""

    reply: ReadyReply | None


@dataclass(frozen=True)
class Grounded:
    """The canned responses the draft was built from."""

    grounding: tuple[CannedResponse, ...]


@dataclass(frozen=True)
class Token:
    """Streamed text of the draft or rewrite (the deltas of one frame joined)."""

    text: str


@dataclass(frozen=True)
class Drafted:
    """The first draft, checked, while the alternatives are still being written."""

    draft: CheckedDraft


@dataclass(frozen=True)
class Alternative:
    """One more checked draft, as each is done."""

    draft: CheckedDraft


@dataclass(frozen=True)
class Finished:
    """A draft request ended, also when stopped: its last news."""

    result: SuggestionResult


@dataclass(frozen=True)
class Rewritten:
    """A rewrite request ended, also when stopped: its last news."""

    result: Rewrite


@dataclass(frozen=True)
class Failed:
    """The request failed; carries the reason. Its last news."""

    message: str


DraftEvent: TypeAlias = (
    ReadyReplyFound | Grounded | Token | Drafted | Alternative | Finished | Rewritten | Failed
)

# The last news of a request: the model is free for the next one.
ENDINGS = (Finished, Rewritten, Failed)
# Text still in flight when Stop is pressed: dropped, so that Stop stops at once.
STREAMED = (Token, Drafted, Alternative)
