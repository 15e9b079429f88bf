"""What the draft session asks the window to do, in order: plain values, no Qt.

DraftSession (desktop/drafting/session.py) returns a tuple of these for every event; the
window's adapter (desktop/ui/draft_controller.py) performs them. Keeping them apart keeps the
policy readable and lets tests compare effects as values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from desktop.drafting.results import ReadyReply
from desktop.drafting.rewrite import Action as RewriteAction
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.feedback import FeedbackEvent
from desktop.transcript import Transcript

if TYPE_CHECKING:
    from desktop.drafting.understand import Understanding


@dataclass(frozen=True)
class Mark:
    """A flagged sentence in the editor's text: underlined, `reason` on hover."""

    start: int
    end: int
    reason: str


@dataclass(frozen=True)
class RemovedSentence:
    """A sentence the checks took out of the offered draft; Restore puts it back."""

    index: int
    text: str
    reason: str


# --- effects: what the UI should do, in order ---------------------------------------------------
@dataclass(frozen=True)
class Notify:
    """A short message in the status bar."""

    text: str


@dataclass(frozen=True)
class ShowProblem:
    """The banner above the draft; an empty text hides it."""

    text: str


@dataclass(frozen=True)
class ClearDraft:
    """Empty the draft, its sources, marks, removed sentences, alternatives and the banner."""


@dataclass(frozen=True)
class AppendText:
    text: str


@dataclass(frozen=True)
class ShowDraft:
    """Replace the draft's text (one undoable edit when `undoable`), with its marks."""

    text: str
    marks: tuple[Mark, ...]
    removed: tuple[RemovedSentence, ...]
    undoable: bool = False


@dataclass(frozen=True)
class ShowAlternatives:
    """Which version is shown ("2/3"); a count of 1 hides the switcher."""

    index: int
    count: int


@dataclass(frozen=True)
class ShowReadyReply:
    """The ready reply box; None hides it."""

    reply: ReadyReply | None


@dataclass(frozen=True)
class ShowSources:
    grounding: tuple[CannedResponse, ...]


@dataclass(frozen=True)
class Ask:
    """Start a model request for this draft; a newer one supersedes it."""

    transcript: Transcript
    pinned: tuple[CannedResponse, ...]
    # What the window already read of this very transcript: the pipeline need not read it again.
    understood: Understanding | None = None


@dataclass(frozen=True)
class BeginRewrite:
    """Take the selection (or, without one, the whole draft) out: the rewrite streams there."""


@dataclass(frozen=True)
class AskRewrite:
    """Start a rewrite request; a newer request supersedes it."""

    action: RewriteAction
    text: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class RewriteText:
    """A streamed piece of the rewrite, at the rewrite's place."""

    text: str


@dataclass(frozen=True)
class FinishRewrite:
    """The rewrite's final text replaces what streamed, in the same undo step; marks relative."""

    text: str
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Cancel:
    """Stop the running request at once."""


@dataclass(frozen=True)
class CopyText:
    text: str


@dataclass(frozen=True)
class FillThenCopy:
    """Ask for the placeholders the conversation cannot fill, then copy the rendered response."""

    response: CannedResponse


@dataclass(frozen=True)
class CountUse:
    """The canned response was used (its "most used" count goes up)."""

    response: CannedResponse


@dataclass(frozen=True)
class RecordFeedback:
    """Write a local feedback row (off the GUI thread)."""

    event: FeedbackEvent


@dataclass(frozen=True)
class FocusConversation:
    """Put the caret in the conversation: it is what is missing."""


@dataclass(frozen=True)
class SaveSettings:
    settings: Settings


@dataclass(frozen=True)
class LoadModel:
    settings: Settings


@dataclass(frozen=True)
class UseSettings:
    """Settings that apply without reloading the model (length, temperature, grounding)."""

    settings: Settings


@dataclass(frozen=True)
class SetControls:
    can_generate: bool  # Generate, Regenerate and Rewrite
    can_stop: bool


Effect = (
    Notify
    | ShowProblem
    | ClearDraft
    | AppendText
    | ShowDraft
    | ShowAlternatives
    | ShowReadyReply
    | ShowSources
    | Ask
    | BeginRewrite
    | AskRewrite
    | RewriteText
    | FinishRewrite
    | Cancel
    | CopyText
    | FillThenCopy
    | CountUse
    | RecordFeedback
    | FocusConversation
    | SaveSettings
    | LoadModel
    | UseSettings
    | SetControls
)
Effects = tuple[Effect, ...]
