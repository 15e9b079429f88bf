"""The draft lifecycle without Qt: Generate, Stop, Regenerate, Use for draft, Copy. No Qt.

The window's adapter (`ui/draft_controller.py`) feeds events in (a button, a token, a change of
the engine's state) and performs the effects that come back, in order. The policy lives here so
that it is tested without widgets, and so that the coming draft features (a ready reply before
the first token, per-sentence checks, alternatives, rewrites) change this state and return new
effects instead of growing the window. Anki's pylib under aqt is the model: the Qt side only
shows what the plain object decided.

What it decides besides starting and stopping: the ready reply (the top canned response,
rendered, shown as soon as the conversation is ranked), the checked draft (offered text, marked
and removed sentences, restore), alternatives, tone and length, rewrites, the copy guard, and
the local feedback rows (what was copied, as is or edited, and what was discarded). A draft's
versions (alternatives, restore) are `versions.py`'s, the feedback rows `feedback_events.py`'s.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from desktop import placeholders
from desktop.drafting import adapt, versions
from desktop.drafting.checks import SentenceCheck, check_draft
from desktop.drafting.effects import (
    AppendText,
    Ask,
    AskRewrite,
    BeginRewrite,
    Cancel,
    ClearDraft,
    CopyText,
    CountUse,
    Effect,
    Effects,
    FillThenCopy,
    FinishRewrite,
    FocusConversation,
    LoadModel,
    Notify,
    RecordFeedback,
    RewriteText,
    SaveSettings,
    SetControls,
    ShowAlternatives,
    ShowProblem,
    ShowReadyReply,
    ShowSources,
    UseSettings,
)
from desktop.drafting.events import (
    Alternative,
    Drafted,
    DraftEvent,
    Failed,
    Finished,
    Grounded,
    ReadyReplyFound,
    Rewritten,
    Token,
)
from desktop.drafting.feedback_events import (
    canned_event,
    draft_discarded,
    draft_event,
    ready_event,
)
from desktop.drafting.focus import agent_turn_texts
from desktop.drafting.options import Length, Tone
from desktop.drafting.ready import ready_reply
from desktop.drafting.results import CheckedDraft, ReadyReply, SuggestionResult
from desktop.drafting.rewrite import LABELS as REWRITE_LABELS
from desktop.drafting.rewrite import Action as RewriteAction
from desktop.drafting.rewrite import Rewrite
from desktop.drafting.understand import Understanding
from desktop.drafting.versions import Draft, DraftStatus, check_marks
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.transcript import Transcript

# Settings that shape the loaded model: changing one reloads it; the rest apply at once.
RELOAD_KEYS = (
    "model_path", "context_tokens", "threads", "threads_batch", "batch_tokens", "gpu_layers",
    "model_overrides", "server_url", "server_model",
)  # fmt: skip


class EngineState(Enum):
    LOADING = "Loading model"
    IDLE = "Ready"
    GENERATING = "Generating"
    NO_MODEL = "No model (canned responses only)"


@dataclass
class _Ready:
    reply: ReadyReply
    transcript: Transcript
    copied: bool = False


@dataclass(frozen=True)
class _Rewriting:
    action: RewriteAction
    text: str


class DraftSession:
    """The current draft, the ready reply, the engine's state and the settings in use.

    It numbers its model drafts (Draft.request_id; None for a canned response put in as is).
    The model's news reaches `on_event` already matched to this tab's latest request by the
    window (ui/assist.py), so nothing here checks an id again.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = EngineState.LOADING
        self.model_loaded = False
        self.model_name = ""
        self.draft: Draft | None = None
        self.ready: _Ready | None = None
        self._understood: tuple[Transcript, Understanding] | None = None
        self._request_id = 0
        self._pinned: tuple[CannedResponse, ...] = ()  # of the last model draft: for Regenerate
        self._copy_warned_for: str | None = None
        self._ready_warned = False
        self._rewriting: _Rewriting | None = None

    # --- the engine -------------------------------------------------------------------------
    def engine_changed(self, state: EngineState, model_loaded: bool) -> Effects:
        self.engine, self.model_loaded = state, model_loaded
        return (self.controls(),)

    def controls(self) -> SetControls:
        busy = self.engine == EngineState.GENERATING
        ready = self.model_loaded and self.engine != EngineState.LOADING
        return SetControls(can_generate=ready and not busy, can_stop=busy)

    def model_ready(self, info: ModelInfo) -> Effects:
        self.model_name = info.name
        loaded = f"Model loaded in {info.load_seconds:.1f} s."
        # A CPU fallback after a crash is said once, where the agent looks (status bar).
        return ShowProblem(""), Notify(f"{info.notice}. {loaded}" if info.notice else loaded)

    def model_failed(self, message: str) -> Effects:
        # A banner, not a modal box: the agent keeps working in canned-only mode.
        return (
            ShowProblem(
                f"{message}\nCanned responses still work: copy one, or use it as your draft. "
                "Choose another model with File > Choose model (Ctrl+M)."
            ),
        )

    def model_switch_failed(self, message: str, kept: Settings) -> Effects:
        """A new model did not load; the one in use stays, and so do the settings it needs."""
        self.settings = self.settings.replace(**{key: getattr(kept, key) for key in RELOAD_KEYS})
        name = self.model_name or "the current model"
        return (
            ShowProblem(f"{message}\nStill drafting with {name}."),
            Notify(message),
            SaveSettings(self.settings),
        )

    # --- the ready reply: the conversation was ranked (no model) ------------------------------
    def understood(
        self, transcript: Transcript, understood: Understanding | None, conversation: str
    ) -> Effects:
        """The thread was read (understand.py): show its ready reply, other needs composed in."""
        self._understood = (transcript, understood) if understood is not None else None
        if understood is None or understood.ready is None:
            return self.ranked(transcript, [], conversation)
        ready = understood.ready
        return self.ranked(
            transcript,
            [(ready.canned, ready.confidence)],
            conversation,
            abstain=not ready.confident,
            also=ready.also,
        )

    def ranked(
        self,
        transcript: Transcript,
        scored: Sequence[tuple[CannedResponse, float]],
        conversation: str,
        abstain: bool = False,
        also: Sequence[CannedResponse] = (),
    ) -> Effects:
        """The conversation changed and was ranked: show its top canned response, rendered.

        A conversation that replaces the previous one (not one that grows or is corrected)
        discards the suggestions made for the old one that were never copied. `abstain`: the
        reading found no intent that fits, so the top response is only a lead (as in suggest).
        """
        effects: list[Effect] = []
        previous = self.ready.transcript if self.ready else None
        if self.draft is not None and self.draft.transcript is not None:
            previous = self.draft.transcript
        if previous is not None and _replaced(previous, transcript):
            effects += self._discard_all()
        values = self.placeholder_values(conversation)
        agent = agent_turn_texts(transcript.turns)
        reply = ready_reply(scored, values, also=also, agent_texts=agent) if scored else None
        if reply is not None and abstain:
            reply = dataclasses.replace(reply, confident=False)
        kept = self.ready is not None and reply is not None and _same(self.ready.reply, reply)
        if reply is None:
            self.ready = None
        elif not kept:
            self.ready = _Ready(reply, transcript)
            self._ready_warned = False
        elif self.ready is not None:
            self.ready.transcript = transcript
        effects.append(ShowReadyReply(reply))
        return tuple(effects)

    def _ready_from_model(self, reply: ReadyReply | None) -> Effects:
        """The pipeline's own ready reply (pinned responses first); shown if it differs."""
        if reply is None or (self.ready is not None and _same(self.ready.reply, reply)):
            return ()
        transcript = self.draft.transcript if self.draft and self.draft.transcript else None
        self.ready = _Ready(reply, transcript or Transcript(()))
        self._ready_warned = False
        return (ShowReadyReply(reply),)

    def copy_ready(self) -> Effects:
        """Copy the ready reply; placeholders only the agent knows are asked for first."""
        if self.ready is None:
            return (Notify("No ready reply for this conversation."),)
        reply = self.ready.reply
        if reply.pending and reply.action is not None and not self._ready_warned:
            # It tells the customer the action is done: the agent does it first, then copies.
            self._ready_warned = True
            message = (
                f"This reply says it is done ({reply.action.phrase}). "
                f"{reply.action.todo} first, then press Copy again."
            )
            return (Notify(message),)
        if [n for n in reply.unresolved if placeholders.is_known(n)]:
            return (FillThenCopy(reply.canned),)
        return self.ready_copied(reply.text)

    def ready_copied(self, text: str) -> Effects:
        """The ready reply's text (filled in by the agent, maybe) goes to the clipboard."""
        if self.ready is None:
            return (CopyText(text),)
        ready = self.ready
        effects: list[Effect] = [CopyText(text), CountUse(ready.reply.canned)]
        if not ready.copied:
            ready.copied = True
            effects.append(
                RecordFeedback(ready_event(ready.reply, ready.transcript, "copied", text))
            )
        effects.append(Notify(f"Copied the ready reply “{ready.reply.canned.title}”."))
        return tuple(effects)

    # --- starting and stopping drafts -------------------------------------------------------
    def generate(self, transcript: Transcript) -> Effects:
        """Draft a reply grounded on the best-ranked canned responses."""
        return self._start(transcript, ())

    def regenerate(self, transcript: Transcript) -> Effects:
        """A new draft with the same pinned canned responses as the last one."""
        return self._start(transcript, self._pinned)

    def use_canned(
        self, response: CannedResponse, transcript: Transcript, conversation: str
    ) -> Effects:
        """Draft from `response`; without a model, the response itself becomes the draft."""
        if self._can_ask():
            return self._start(transcript, (response,))
        text = placeholders.render(response.body, self.placeholder_values(conversation)).text
        self.draft = Draft(None, (response,), text, (response,), DraftStatus.DONE)
        return ClearDraft(), AppendText(text), ShowSources((response,))

    def stop(self) -> Effects:
        if self.engine != EngineState.GENERATING:
            return ()
        return Cancel(), Notify("Stopped.")

    def _can_ask(self) -> bool:
        return self.engine in (EngineState.IDLE, EngineState.GENERATING)

    def _refusal(self, transcript: Transcript | None) -> Effects:
        """Why a model request cannot start now; empty when it can."""
        if not self._can_ask():
            if self.engine == EngineState.LOADING:
                return (Notify("The model is not ready yet."),)
            return (Notify("No model is loaded: choose one with File > Choose model."),)
        if transcript is not None and transcript.is_empty:
            return Notify(
                "Paste the customer's conversation on the left first."
            ), FocusConversation()
        return ()

    def _start(self, transcript: Transcript, pinned: Sequence[CannedResponse]) -> Effects:
        if refused := self._refusal(transcript):
            return refused
        discarded = self._discard_draft()
        self._request_id += 1
        self._rewriting = None
        self._pinned = tuple(pinned)
        self.draft = Draft(self._request_id, self._pinned, transcript=transcript)
        read = self._understood
        # The window's reading holds for this request only if it read this very thread.
        understood = read[1] if read and read[0] == transcript and not self._pinned else None
        return (
            *discarded,
            ClearDraft(),
            Ask(transcript, self._pinned, understood),
        )

    # --- what the model sends back for the current request ----------------------------------
    def on_event(self, event: DraftEvent) -> Effects:
        """The one way in for the model's news of this tab's request (events.py)."""
        match event:
            case ReadyReplyFound(reply):
                return self._ready_from_model(reply)
            case Grounded(grounding):
                return self._grounded(grounding)
            case Token(text):
                return self._token(text)
            case Drafted(draft):
                return self._drafted(draft)
            case Alternative(draft):
                return self._alternative(draft)
            case Finished(result):
                return self._finished(result)
            case Rewritten(result):
                return self._rewritten(result)
            case Failed(message):
                return self._failed(message)

    def _grounded(self, grounding: Sequence[CannedResponse]) -> Effects:
        if self.draft is not None:
            self.draft.grounding = tuple(grounding)
        return (ShowSources(tuple(grounding)),)

    def _token(self, text: str) -> Effects:
        if self._rewriting is not None:
            return (RewriteText(text),)
        if self.draft is not None:
            self.draft.text += text
        return (AppendText(text),)

    def _alternative(self, version: CheckedDraft) -> Effects:
        """One more checked draft; the switcher counts it once the first draft is shown."""
        draft = self.draft
        if draft is None or version in draft.versions:
            return ()
        self._add_version(draft, version)
        if draft.status is DraftStatus.STREAMING:
            return ()  # the first draft is still streaming: counted when it is done
        return (ShowAlternatives(draft.shown, len(draft.versions)),)

    def _drafted(self, version: CheckedDraft) -> Effects:
        """The first draft, checked, while the alternatives are still being written."""
        draft = self.draft
        if draft is None or draft.status is not DraftStatus.STREAMING:
            return ()
        draft.status = DraftStatus.DONE
        alternatives = [v for v in draft.versions if v != version]
        draft.versions, draft.offered, draft.sources = [], [], []
        for each in (version, *alternatives):
            self._add_version(draft, each)
        draft.text = draft.offered[0].text
        return (
            versions.show_version(draft, 0, undoable=False),
            ShowAlternatives(0, len(draft.versions)),
        )

    def _finished(self, result: SuggestionResult) -> Effects:
        draft = self.draft
        effects: list[Effect] = []
        if draft is not None:
            stopped = result.finish_reason == "cancelled"
            already_shown = result.draft is not None and result.draft in draft.versions
            draft.status = (
                DraftStatus.STOPPED if stopped and not already_shown else DraftStatus.DONE
            )
            draft.result = result
            if already_shown:
                # The first draft came through `drafted`; only alternatives may be new.
                for version in result.alternatives:
                    if version not in draft.versions:
                        self._add_version(draft, version)
                effects.append(ShowAlternatives(draft.shown, len(draft.versions)))
            # Stopped: keep what was written (the agent chose to stop there).
            elif result.draft is not None and not stopped:
                alternatives = list(draft.versions)
                draft.versions, draft.offered, draft.sources = [], [], []
                for version in (result.draft, *alternatives, *result.alternatives):
                    if version not in draft.versions:
                        self._add_version(draft, version)
                draft.text = draft.offered[0].text
                effects += [
                    versions.show_version(draft, 0, undoable=False),
                    ShowAlternatives(0, len(draft.versions)),
                ]
        if result.finish_reason == "length":
            effects.append(Notify("Draft reached the length limit."))
        return tuple(effects)

    def _failed(self, message: str) -> Effects:
        if self._rewriting is not None:
            original = self._rewriting.text
            self._rewriting = None
            return FinishRewrite(original, ()), Notify(message)
        if self.draft is not None:
            self.draft.status = DraftStatus.FAILED
        return Notify(message), ShowProblem(message)

    # --- the checked draft: versions, restore (versions.py) -----------------------------------
    def _add_version(self, draft: Draft, version: CheckedDraft) -> None:
        versions.add_version(draft, version, self._values(draft.transcript or Transcript(())))

    def flip(self, step: int, editor_text: str) -> Effects:
        """Show the next (+1) or previous (-1) version; the agent's edits are kept per version."""
        return () if self.draft is None else versions.flip(self.draft, step, editor_text)

    def resume(self, draft: Draft | None, editor_text: str) -> Effects:
        """A reopened tab's finished draft comes back with its alternatives, as it was shown.

        `editor_text` is the editor's text when the tab closed: kept as the shown version's
        edits when it differs from what was offered.
        """
        if draft is None or draft.status is not DraftStatus.DONE or not draft.versions:
            return ()
        self.draft = draft
        self._pinned = draft.pinned
        self._request_id = max(self._request_id, draft.request_id or 0)
        if editor_text != draft.offered[draft.shown].text:
            draft.edits[draft.shown] = editor_text
        return versions.showing(draft)

    def restore(self, index: int, editor_text: str) -> Effects:
        """Put a removed sentence back, still marked, as one undoable edit (versions.restore)."""
        return () if self.draft is None else versions.restore(self.draft, index, editor_text)

    # --- steering: tone, length, rewrites ---------------------------------------------------
    def set_style(
        self, transcript: Transcript, tone: str | None = None, length: str | None = None
    ) -> Effects:
        """Save the tone or length; a model draft on screen is written again with it."""
        changes: dict[str, str] = {}
        if tone:
            changes["tone"] = str(Tone(tone))
        if length:
            changes["draft_length"] = str(Length(length))
        settings = self.settings.replace(**changes)
        if settings == self.settings:
            return ()
        self.settings = settings
        effects: Effects = (SaveSettings(settings), UseSettings(settings))
        has_draft = self.draft is not None and self.draft.request_id is not None
        if has_draft and not transcript.is_empty and self._can_ask():
            return effects + self._start(transcript, self._pinned)
        return (*effects, Notify("The next draft uses it."))

    def rewrite(
        self, action: RewriteAction, selected: str, whole: str, transcript: Transcript
    ) -> Effects:
        """Rewrite the selection, or the whole draft without one, streaming, one undo step."""
        if refused := self._refusal(None):
            return refused
        if self.engine == EngineState.GENERATING:
            return (Notify("Wait for the draft to finish, or Stop it, then rewrite."),)
        text = selected if selected.strip() else whole
        if not text.strip():
            return (Notify("Nothing to rewrite yet."),)
        self._rewriting = _Rewriting(action, text)
        sources = (*self._current_sources(transcript), whole)
        return (
            BeginRewrite(),
            AskRewrite(action, text, sources),
            Notify(f"{REWRITE_LABELS[action]}…"),
        )

    def _rewritten(self, result: Rewrite) -> Effects:
        if self._rewriting is None:
            return ()
        self._rewriting = None
        if result.cancelled or not result.changed:
            why = "stopped" if result.cancelled else "gave nothing new"
            return FinishRewrite(result.original, ()), Notify(f"The rewrite {why}: text unchanged.")
        marks = check_marks(result.checks)
        note = f" {_sentences(len(marks))} what the sources do not: underlined." if marks else ""
        return FinishRewrite(result.text, marks), Notify(f"Rewritten (Ctrl+Z undoes it).{note}")

    def _current_sources(self, transcript: Transcript) -> tuple[str, ...]:
        draft = self.draft
        if draft is not None and draft.sources:
            return draft.sources[draft.shown]
        return tuple(adapt.check_sources(transcript, (), self._values(transcript)))

    # --- copying ------------------------------------------------------------------------------
    def copy(self, text: str) -> Effects:
        """Copy the draft as shown; unfilled placeholders or marked sentences warn once."""
        if not text.strip():
            return (Notify("Nothing to copy yet."),)
        warnings = []
        unfilled = [p for p in placeholders.names(text) if placeholders.is_known(p)]
        if unfilled:
            shown = ", ".join("{{" + name + "}}" for name in unfilled)
            warnings.append(f"The reply still has unfilled placeholders: {shown}.")
        flagged = self._flagged(text)
        if flagged:
            warnings.append(
                f"{_sentences(len(flagged))} what neither the conversation nor your canned "
                "responses say (underlined; hover for why)."
            )
        if warnings and self._copy_warned_for != text:
            # Warn without a modal box: the agent either fixes the text or presses Copy again.
            self._copy_warned_for = text
            advice = "Fix them, or press Copy again to copy anyway."
            return (ShowProblem(" ".join([*warnings, advice])),)
        self._copy_warned_for = None
        effects: list[Effect] = [ShowProblem(""), CopyText(text)]
        draft = self.draft
        if draft is not None and draft.versions and not draft.copied:
            draft.copied = True
            copied = draft_event(draft, "copied", text, self.model_name, self.settings.tone)
            effects.append(RecordFeedback(copied))
        effects.append(Notify("Reply copied to the clipboard."))
        return tuple(effects)

    def _flagged(self, text: str) -> list[SentenceCheck]:
        """Re-checked on the text being copied: cheap, and right after any edit."""
        draft = self.draft
        if draft is None or not draft.sources:
            return []  # no model draft: nothing to check the agent's own text against
        return [c for c in check_draft(text, draft.sources[draft.shown]) if c.flagged]

    def copy_canned(self, response: CannedResponse, conversation: str) -> Effects:
        """Copy a canned response as is, with the placeholders it can fill filled."""
        rendered = placeholders.render(response.body, self.placeholder_values(conversation))
        left = f" Unfilled: {', '.join(rendered.unresolved)}." if rendered.unresolved else ""
        # The agent chose it for this thread: a pick the ranking learns from, as a copied draft.
        picked = RecordFeedback(canned_event(response, rendered.text, conversation))
        return CopyText(rendered.text), picked, Notify(f"Copied “{response.title}”.{left}")

    def placeholder_values(self, conversation: str | Transcript) -> dict[str, str]:
        """Values known for placeholders: settings, then what the conversation states."""
        return placeholders.values_for(
            conversation, self.settings.agent_name, self.settings.company_name
        )

    def _values(self, transcript: Transcript) -> dict[str, str]:
        return self.placeholder_values(transcript)

    # --- feedback (feedback_events.py) ---------------------------------------------------------
    def _discard_draft(self) -> Effects:
        return draft_discarded(self.draft, self.model_name, self.settings.tone)

    def _discard_all(self) -> Effects:
        effects = self._discard_draft()
        if self.ready is not None and not self.ready.copied:
            self.ready.copied = True
            discarded = ready_event(self.ready.reply, self.ready.transcript, "discarded", "")
            effects += (RecordFeedback(discarded),)
        return effects

    # --- settings -----------------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> Effects:
        """Save; reload the model only when a setting that shapes it changed."""
        old, self.settings = self.settings, settings
        if any(getattr(old, key) != getattr(settings, key) for key in RELOAD_KEYS):
            return SaveSettings(settings), LoadModel(settings)
        return SaveSettings(settings), UseSettings(settings)


def _sentences(number: int) -> str:
    """The count and a verb that agrees with it: 1 sentence states, 2 sentences state."""
    return "1 sentence states" if number == 1 else f"{number} sentences state"


def _same(a: ReadyReply, b: ReadyReply) -> bool:
    return a.canned.id == b.canned.id and a.text == b.text


def _replaced(old: Transcript, new: Transcript) -> bool:
    """The new conversation is another one, not the old one grown, trimmed or corrected."""
    if not old.turns:
        return False
    if not new.turns:
        return True
    before, after = old.turns[0].text[:40], new.turns[0].text[:40]
    return not (after.startswith(before) or before.startswith(after))
