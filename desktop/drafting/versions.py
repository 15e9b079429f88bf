"""A draft's versions: the first draft and its alternatives, flipped, resumed and restored. No Qt.

Each version keeps its offered text (a restore changes it), the agent's edits while another
version is shown, and the sources its sentences are checked against. The draft session
(`desktop.drafting.session`) owns the current draft; what is shown of it is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import Enum

from desktop.drafting import adapt
from desktop.drafting.checks import SentenceCheck, check_draft
from desktop.drafting.effects import (
    Effects,
    Mark,
    Notify,
    RemovedSentence,
    ShowAlternatives,
    ShowDraft,
    ShowSources,
)
from desktop.drafting.offered import OfferedDraft
from desktop.drafting.results import CheckedDraft, SuggestionResult
from desktop.store.canned import CannedResponse
from desktop.transcript import Transcript

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


class DraftStatus(Enum):
    STREAMING = "streaming"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass
class Draft:
    """One reply draft as the session knows it; the editor may hold the agent's edits on top.

    A finished model draft has versions: the first draft and its alternatives, each with its
    offered text (restores change it), the agent's edits when flipped away from it, and the
    sources its sentences are checked against.
    """

    request_id: int | None  # None: a canned response put in as is (canned-only mode)
    pinned: tuple[CannedResponse, ...] = ()  # given to the model first ("Use for draft")
    text: str = ""
    grounding: tuple[CannedResponse, ...] = ()
    status: DraftStatus = DraftStatus.STREAMING
    result: SuggestionResult | None = None
    transcript: Transcript | None = None
    versions: list[CheckedDraft] = field(default_factory=list)
    offered: list[OfferedDraft] = field(default_factory=list)
    sources: list[tuple[str, ...]] = field(default_factory=list)
    edits: dict[int, str] = field(default_factory=dict)
    shown: int = 0
    copied: bool = False


def add_version(draft: Draft, version: CheckedDraft, values: dict[str, str]) -> None:
    """One more version, with the sources its sentences are checked against."""
    draft.versions.append(version)
    draft.offered.append(version.offered)
    transcript = draft.transcript or Transcript(())
    draft.sources.append(tuple(adapt.check_sources(transcript, version.canned, values)))


def show_version(draft: Draft, index: int, undoable: bool) -> ShowDraft:
    offered = draft.offered[index]
    text = draft.edits.get(index, offered.text)
    if text == offered.text:
        marks = tuple(Mark(m.start, m.end, m.check.reason) for m in offered.marked)
    else:
        marks = check_marks(check_draft(text, draft.sources[index]))
    removed = tuple(RemovedSentence(r.index, r.check.text, r.check.reason) for r in offered.removed)
    return ShowDraft(text, marks, removed, undoable)


def showing(draft: Draft) -> Effects:
    """The shown version, its place among the alternatives and its sources."""
    return (
        show_version(draft, draft.shown, undoable=False),
        ShowAlternatives(draft.shown, len(draft.versions)),
        ShowSources(draft.versions[draft.shown].canned),
    )


def flip(draft: Draft, step: int, editor_text: str) -> Effects:
    """Show the next (+1) or previous (-1) version; the agent's edits are kept per version."""
    if len(draft.versions) < 2 or draft.status is not DraftStatus.DONE:
        return ()
    if editor_text != draft.offered[draft.shown].text:
        draft.edits[draft.shown] = editor_text
    else:
        draft.edits.pop(draft.shown, None)
    draft.shown = (draft.shown + step) % len(draft.versions)
    return showing(draft)


def restore(draft: Draft, index: int, editor_text: str) -> Effects:
    """Put a removed sentence back, still marked, as one undoable edit.

    Unedited, the offered draft is recomputed with it in its place. After the agent's
    edits the sentence is added at the end of the paragraph it came from (counted in the
    offered text; the last paragraph when the draft has fewer now): their edits stay.
    """
    if not draft.offered:
        return ()
    offered = draft.offered[draft.shown]
    removed = next((r for r in offered.removed if r.index == index), None)
    if removed is None:
        return ()
    restored = offered.restore(index)
    draft.offered[draft.shown] = restored
    if editor_text == offered.text:
        draft.edits.pop(draft.shown, None)
        return show_version(draft, draft.shown, undoable=True), Notify(
            "Sentence restored; it stays underlined (Ctrl+Z takes it out again)."
        )
    paragraph = len(_PARAGRAPH_BREAK.findall(offered.text, 0, removed.at))
    text = insert_in_paragraph(editor_text, paragraph, removed.check.text)
    draft.edits[draft.shown] = text
    return show_version(draft, draft.shown, undoable=True), Notify(
        "Sentence restored at the end of its paragraph, after your edits."
    )


def check_marks(checks: Sequence[SentenceCheck]) -> tuple[Mark, ...]:
    """The flagged sentences as the editor underlines them."""
    return tuple(Mark(c.start, c.end, c.reason) for c in checks if c.flagged)


def insert_in_paragraph(text: str, paragraph: int, sentence: str) -> str:
    """`sentence` added at the end of paragraph `paragraph` (0-based; past the end: the last)."""
    ends = [m.start() for m in _PARAGRAPH_BREAK.finditer(text)] + [len(text.rstrip())]
    end = ends[min(paragraph, len(ends) - 1)]
    before = text[:end]
    joiner = " " if before and not before.endswith((" ", "\n")) else ""
    return f"{before}{joiner}{sentence}{text[end:]}"
