"""The reply-suggestion pipeline shared by the window, the CLI and the local API. No Qt.

rank canned responses -> ready reply (the top one, rendered, no model) -> draft (adapt the
chosen canned response, or write freely) streamed through the guards -> every sentence
checked against the conversation and the grounding -> the offered draft -> alternatives.
"""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from desktop import paths, placeholders
from desktop.drafting import adapt
from desktop.drafting.checks import check_draft
from desktop.drafting.guards import StreamGuard, trim_unfinished
from desktop.drafting.offered import apply_checks
from desktop.drafting.options import DraftMode, DraftOptions, Length, Tone
from desktop.drafting.prompts import Prompt, build_prompt
from desktop.drafting.ready import rank_with_pins, ready_reply
from desktop.drafting.results import CheckedDraft, FinishReason, ReadyReply, SuggestionResult
from desktop.drafting.sentences import split
from desktop.engine.base import Engine
from desktop.engine.types import GenerationParams, Message
from desktop.errors import InputError
from desktop.reading import Reading, read_conversation
from desktop.settings import Settings
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.transcript import Transcript

# Room kept free beside the prompt and the reply: chat-template tokens the estimate can miss.
_CONTEXT_MARGIN = 32
OPENING_TOKENS = 40  # one sentence; two for a detailed draft
TextSink = Callable[[str], None]
DEFAULT_OPTIONS = DraftOptions()


@dataclass
class _Stream:
    """What one model call produced."""

    text: str = ""
    tokens: int = 0
    prompt_tokens: int = 0
    first_token_s: float | None = None
    guard: str | None = None
    early: bool = False
    hit_length: bool = False
    turns_dropped: int = 0


def load_system_prompt() -> str:
    return (paths.resource_dir() / "prompts" / "system.txt").read_text(encoding="utf-8")


class Suggester:
    """Turns a conversation into a ready reply and streamed, checked reply drafts."""

    def __init__(
        self, engine: Engine, repo: CannedRepository, settings: Settings, system_prompt: str
    ) -> None:
        self.engine = engine
        self.repo = repo
        self.settings = settings
        self.system_prompt = system_prompt
        self._language = "en"  # of the conversation being drafted (set by `suggest`)

    def params(self) -> GenerationParams:
        return GenerationParams(
            max_tokens=self.settings.max_tokens, temperature=self.settings.temperature
        )

    # --- ranking and the ready reply (no model) ----------------------------------------------
    def rank(
        self, transcript: Transcript, pinned: Sequence[CannedResponse] = (), count: int = 3
    ) -> list[tuple[CannedResponse, float]]:
        """Canned responses for the conversation with their confidence; pinned ones first."""
        return rank_with_pins(self.repo, transcript, pinned, count)

    def values(self, transcript: Transcript) -> dict[str, str]:
        return placeholders.values_for(
            transcript.to_text(), self.settings.agent_name, self.settings.company_name
        )

    # --- the free-writing prompt ------------------------------------------------------------
    def prepare(self, transcript: Transcript, pinned: Sequence[CannedResponse] = ()) -> Prompt:
        """Rank grounding (pinned responses first) and fit everything into the context."""
        _require_conversation(transcript)
        count = max(self.settings.grounding_count, len(pinned))
        grounding = [c for c, _ in self.rank(transcript, pinned, count)]
        return self._free_prompt(transcript, grounding)

    def _free_prompt(self, transcript: Transcript, grounding: Sequence[CannedResponse]) -> Prompt:
        budget = self.engine.info.context_tokens - self.settings.max_tokens - _CONTEXT_MARGIN
        system = self.system_prompt
        if self._language != "en":
            system += f"\nReply in {adapt.LANGUAGE_NAMES[self._language]}, the customer's language."
        return build_prompt(
            system,
            transcript,
            grounding,
            self.engine.count_prompt_tokens,
            self.engine.count_tokens,
            budget,
        )

    # --- the whole suggestion -----------------------------------------------------------------
    def suggest(
        self,
        transcript: Transcript,
        cancel: threading.Event,
        on_text: TextSink,
        pinned: Sequence[CannedResponse] = (),
        options: DraftOptions = DEFAULT_OPTIONS,
        params: GenerationParams | None = None,
        on_ready: Callable[[ReadyReply | None], None] | None = None,
        on_alternative: Callable[[CheckedDraft], None] | None = None,
        on_draft: Callable[[CheckedDraft], None] | None = None,
    ) -> SuggestionResult:
        """The ready reply at once, the first draft streamed, then the alternatives.

        `on_ready` gets the ready reply before any token; `on_text` the first draft's text as
        it streams; `on_draft` the first draft, checked, as soon as it is done (before the
        alternatives); `on_alternative` each further draft when it is done.

        Adapt mode needs a canned response the ranking is confident in (or one the agent
        pinned); otherwise the model writes freely, grounded on the top few, as the issue's
        "low confidence: lead with the model's draft" asks.
        """
        _require_conversation(transcript)
        started = time.perf_counter()
        params = params or self.params()
        values = self.values(transcript)
        reading = read_conversation(transcript, self.repo.db)
        # The reply language: the customer's, where the draft knows how to greet in it.
        self._language = reading.language if reading.language in adapt.LANGUAGE_NAMES else "en"
        if (
            options.follow_mood
            and reading.sentiment == "negative"
            and options.tone is Tone.FRIENDLY
        ):
            options = dataclasses.replace(options, tone=Tone.EMPATHETIC)
        wanted = max(options.alternatives, self.settings.grounding_count, 1, len(pinned))
        ranked = self.rank(transcript, pinned, wanted)
        ready = ready_reply(ranked, values, pinned_count=len(pinned))
        if ready is not None and reading.abstain and not pinned:
            # The calibrated intent reading says nothing in the library fits: only a lead.
            ready = dataclasses.replace(ready, confident=False)
        if on_ready is not None:
            on_ready(ready)
        confident = bool(pinned) or (ready is not None and ready.confident)
        mode = options.mode if confident else DraftMode.FREE
        first_text: list[float] = []

        def shown(text: str) -> None:
            if not first_text:
                first_text.append(time.perf_counter() - started)
            on_text(text)

        candidates = [c for c, _ in ranked]
        if mode is DraftMode.ADAPT:
            main, stream = self._adapt(
                transcript, candidates[0], options, values, params, cancel, shown
            )
        else:
            main, stream = self._free(
                transcript, candidates, options, values, params, cancel, shown, pinned
            )
        if on_draft is not None:
            on_draft(main)
        alternatives = []
        for k in range(1, max(options.alternatives, 1)):
            if cancel.is_set():
                break
            seed = None if params.seed is None else params.seed + k
            alt_params = dataclasses.replace(params, seed=seed)
            if mode is DraftMode.ADAPT:
                if k >= len(candidates):
                    break
                alt, _ = self._adapt(
                    transcript, candidates[k], options, values, alt_params, cancel, None
                )
            else:
                alt, _ = self._free(
                    transcript, candidates, options, values, alt_params, cancel, None, pinned
                )
            if cancel.is_set():
                break
            alternatives.append(alt)
            if on_alternative is not None:
                on_alternative(alt)
        reason: FinishReason = "stop"
        if cancel.is_set():
            reason = "cancelled"
        elif stream.hit_length:
            reason = "length"
        return SuggestionResult(
            text=main.text,
            grounding=main.canned,
            prompt_tokens=stream.prompt_tokens,
            completion_tokens=stream.tokens,
            first_token_s=stream.first_token_s,
            total_s=time.perf_counter() - started,
            finish_reason=reason,
            draft=main,
            raw_text=main.offered.draft,
            ready_reply=ready,
            alternatives=tuple(alternatives),
            first_text_s=first_text[0] if first_text else None,
            mode=mode,
            turns_dropped=stream.turns_dropped,
            reading=reading,
            tone=options.tone,
        )

    def _adapt(
        self,
        transcript: Transcript,
        canned: CannedResponse,
        options: DraftOptions,
        values: Mapping[str, str],
        params: GenerationParams,
        cancel: threading.Event,
        on_text: TextSink | None,
    ) -> tuple[CheckedDraft, _Stream]:
        """Greeting + the model's one-sentence acknowledgement + the canned body, checked."""
        sink = on_text or _ignore
        first_name = values.get("customer.first_name")
        language = self._language
        greeting = adapt.greeting(options.tone, first_name, language)
        sink(f"{greeting}\n\n")
        stream, opening = _Stream(), None
        sentences = 2 if options.length is Length.DETAILED else 1
        if adapt.wants_opening(options.length) and not cancel.is_set():
            messages = adapt.opening_messages(
                transcript, canned, options.tone, first_name, language
            )
            grammar = adapt.opening_grammar(adapt.check_sources(transcript, (canned,), values))
            opening_params = dataclasses.replace(
                params,
                max_tokens=OPENING_TOKENS * sentences,
                stop=("\n", *params.stop),
                grammar=grammar if self.settings.constrain_openings else "",
            )
            sink(adapt.lead(options.tone, language))
            for attempt in range(2):  # one more try when the guards leave nothing usable
                stream = self._stream(messages, opening_params, cancel, sink, (), sentences)
                opening = adapt.finish_opening(options.tone, stream.text, sentences, language)
                if opening or cancel.is_set() or attempt:
                    break
                seed = None if params.seed is None else params.seed + 100
                opening_params = dataclasses.replace(opening_params, seed=seed)
        body = adapt.render_body(canned, values)
        sink(("" if opening else "\n") + f"\n\n{body}")
        raw = adapt.assemble(options.tone, first_name, opening, body, options.length, language)
        sources = adapt.check_sources(transcript, (canned,), values)
        offered = apply_checks(raw, check_draft(raw, sources), options.checks)
        return CheckedDraft(offered, (canned,), stream.guard), stream

    def _free(
        self,
        transcript: Transcript,
        candidates: Sequence[CannedResponse],
        options: DraftOptions,
        values: Mapping[str, str],
        params: GenerationParams,
        cancel: threading.Event,
        on_text: TextSink | None,
        pinned: Sequence[CannedResponse],
    ) -> tuple[CheckedDraft, _Stream]:
        """The model writes the whole reply, grounded on the top canned responses, checked."""
        count = max(self.settings.grounding_count, len(pinned))
        prompt = self._free_prompt(transcript, list(candidates)[:count])
        sources = adapt.check_sources(transcript, prompt.grounding, values)
        stream = self._stream(prompt.messages, params, cancel, on_text or _ignore, sources, 0)
        regenerated = False
        if stream.early and not cancel.is_set():
            regenerated = True
            seed = None if params.seed is None else params.seed + 100
            stream = self._stream(
                prompt.messages, dataclasses.replace(params, seed=seed), cancel, _ignore, sources, 0
            )
        stream.prompt_tokens, stream.turns_dropped = prompt.tokens, prompt.turns_dropped
        raw = trim_unfinished(stream.text) if stream.hit_length else stream.text.strip()
        offered = apply_checks(raw, check_draft(raw, sources), options.checks)
        return CheckedDraft(offered, prompt.grounding, stream.guard, regenerated), stream

    def _stream(
        self,
        messages: Sequence[Message],
        params: GenerationParams,
        cancel: threading.Event,
        on_text: TextSink,
        sources: Sequence[str],
        sentences: int,
    ) -> _Stream:
        """One model call through the stream guards; `sentences` > 0 stops after that many."""
        out = _Stream(prompt_tokens=self.engine.count_prompt_tokens(messages))
        guard = StreamGuard(sources)
        started = time.perf_counter()
        pieces: list[str] = []
        for delta in self.engine.stream(messages, params, cancel):
            if out.first_token_s is None:
                out.first_token_s = time.perf_counter() - started
            pieces.append(delta)
            verdict = guard.feed(delta)
            if verdict.emit:
                on_text(verdict.emit)
            if verdict.stopped or (sentences and len(split(guard.text)) > sentences):
                break
        else:
            on_text(guard.flush().emit)
        out.text = guard.text
        out.guard = str(guard.reason) if guard.reason else None
        out.early = guard.fired_early
        model_text = "".join(pieces)
        out.tokens = self.engine.count_tokens(model_text) if model_text else 0
        out.hit_length = out.tokens >= params.max_tokens and not sentences
        return out


def _require_conversation(transcript: Transcript) -> None:
    if transcript.is_empty:
        raise InputError("The conversation is empty. Paste the customer's message first.")


def _ignore(_text: str) -> None:
    pass
