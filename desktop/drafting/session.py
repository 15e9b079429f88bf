"""The draft lifecycle without Qt: Generate, Stop, Regenerate, Use for draft, Copy. No Qt.

The window's adapter (`ui/draft_controller.py`) feeds events in (a button, a token, a change of
the engine's state) and performs the effects that come back, in order. The policy lives here so
that it is tested without widgets, and so that the coming draft features (a ready reply before
the first token, per-sentence checks, alternatives, rewrites) change this state and return new
effects instead of growing the window. Anki's pylib under aqt is the model: the Qt side only
shows what the plain object decided.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from desktop import placeholders
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.suggest import SuggestionResult
from desktop.transcript import Transcript

# Settings that shape the loaded model: changing one reloads it; the rest apply at once.
RELOAD_KEYS = ("model_path", "context_tokens", "threads")


class EngineState(Enum):
    LOADING = "Loading model"
    IDLE = "Ready"
    GENERATING = "Generating"
    NO_MODEL = "No model (canned responses only)"


class DraftStatus(Enum):
    STREAMING = "streaming"
    DONE = "done"
    STOPPED = "stopped"
    FAILED = "failed"


@dataclass
class Draft:
    """One reply draft as the session knows it; the editor may hold the agent's edits on top."""

    request_id: int | None  # None: a canned response put in as is (canned-only mode)
    pinned: tuple[CannedResponse, ...] = ()  # given to the model first ("Use for draft")
    text: str = ""
    grounding: tuple[CannedResponse, ...] = ()
    status: DraftStatus = DraftStatus.STREAMING
    result: SuggestionResult | None = None


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
    """Empty the draft, its sources and the banner."""


@dataclass(frozen=True)
class AppendText:
    text: str


@dataclass(frozen=True)
class ShowSources:
    grounding: tuple[CannedResponse, ...]


@dataclass(frozen=True)
class Ask:
    """Start a model request under this id; a newer one supersedes it."""

    request_id: int
    transcript: Transcript
    pinned: tuple[CannedResponse, ...]


@dataclass(frozen=True)
class Cancel:
    """Stop the running request at once."""


@dataclass(frozen=True)
class CopyText:
    text: str


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
    can_generate: bool  # Generate and Regenerate
    can_stop: bool


Effect = (
    Notify
    | ShowProblem
    | ClearDraft
    | AppendText
    | ShowSources
    | Ask
    | Cancel
    | CopyText
    | FocusConversation
    | SaveSettings
    | LoadModel
    | UseSettings
    | SetControls
)
Effects = tuple[Effect, ...]


class DraftSession:
    """The current draft, the engine's state as last reported, and the settings in use.

    It owns the request ids: an Ask carries the id of the draft it starts, so whatever comes
    back can be matched to that draft.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = EngineState.LOADING
        self.model_loaded = False
        self.draft: Draft | None = None
        self._request_id = 0
        self._pinned: tuple[CannedResponse, ...] = ()  # of the last model draft: for Regenerate
        self._copy_warned_for: str | None = None

    # --- the engine -------------------------------------------------------------------------
    def engine_changed(self, state: EngineState, model_loaded: bool) -> Effects:
        self.engine, self.model_loaded = state, model_loaded
        return (self.controls(),)

    def controls(self) -> SetControls:
        busy = self.engine == EngineState.GENERATING
        ready = self.model_loaded and self.engine != EngineState.LOADING
        return SetControls(can_generate=ready and not busy, can_stop=busy)

    def model_ready(self, info: ModelInfo) -> Effects:
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

    def _start(self, transcript: Transcript, pinned: Sequence[CannedResponse]) -> Effects:
        if not self._can_ask():
            if self.engine == EngineState.LOADING:
                return (Notify("The model is not ready yet."),)
            return (Notify("No model is loaded: choose one with File > Choose model."),)
        if transcript.is_empty:
            return Notify(
                "Paste the customer's conversation on the left first."
            ), FocusConversation()
        self._request_id += 1
        self._pinned = tuple(pinned)
        self.draft = Draft(self._request_id, self._pinned)
        return ClearDraft(), Ask(self._request_id, transcript, self._pinned)

    # --- what the model sends back for the current draft -------------------------------------
    def grounded(self, grounding: Sequence[CannedResponse]) -> Effects:
        if self.draft is not None:
            self.draft.grounding = tuple(grounding)
        return (ShowSources(tuple(grounding)),)

    def token(self, text: str) -> Effects:
        if self.draft is not None:
            self.draft.text += text
        return (AppendText(text),)

    def finished(self, result: SuggestionResult) -> Effects:
        if self.draft is not None:
            stopped = result.finish_reason == "cancelled"
            self.draft.status = DraftStatus.STOPPED if stopped else DraftStatus.DONE
            self.draft.result = result
        if result.finish_reason == "length":
            return (Notify("Draft reached the length limit."),)
        return ()

    def failed(self, message: str) -> Effects:
        if self.draft is not None:
            self.draft.status = DraftStatus.FAILED
        return Notify(message), ShowProblem(message)

    # --- copying ------------------------------------------------------------------------------
    def copy(self, text: str) -> Effects:
        """Copy the draft as shown; unfilled placeholders warn once, a second Copy copies."""
        if not text.strip():
            return (Notify("Nothing to copy yet."),)
        unfilled = [p for p in placeholders.names(text) if placeholders.is_known(p)]
        if unfilled and self._copy_warned_for != text:
            # Warn without a modal box: the agent either fills them in or presses Copy again.
            self._copy_warned_for = text
            shown = ", ".join("{{" + name + "}}" for name in unfilled)
            return (
                ShowProblem(
                    f"The reply still has unfilled placeholders: {shown}. "
                    "Fill them in, or press Copy again to copy anyway."
                ),
            )
        self._copy_warned_for = None
        return ShowProblem(""), CopyText(text), Notify("Reply copied to the clipboard.")

    def copy_canned(self, response: CannedResponse, conversation: str) -> Effects:
        """Copy a canned response as is, with the placeholders it can fill filled."""
        rendered = placeholders.render(response.body, self.placeholder_values(conversation))
        left = f" Unfilled: {', '.join(rendered.unresolved)}." if rendered.unresolved else ""
        return CopyText(rendered.text), Notify(f"Copied “{response.title}”.{left}")

    def placeholder_values(self, conversation: str) -> dict[str, str]:
        """Values known for placeholders: settings, then what the conversation states."""
        return placeholders.values_for(
            conversation, self.settings.agent_name, self.settings.company_name
        )

    # --- settings -----------------------------------------------------------------------------
    def apply_settings(self, settings: Settings) -> Effects:
        """Save; reload the model only when a setting that shapes it changed."""
        old, self.settings = self.settings, settings
        if any(getattr(old, key) != getattr(settings, key) for key in RELOAD_KEYS):
            return SaveSettings(settings), LoadModel(settings)
        return SaveSettings(settings), UseSettings(settings)
