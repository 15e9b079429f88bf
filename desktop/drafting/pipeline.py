"""The reply-suggestion pipeline shared by the window, the CLI and the local API. No Qt.

rank canned responses -> ready reply (the top one, rendered, no model) -> draft (adapt the
chosen canned response, or write freely) streamed through the guards -> every sentence
checked against the conversation and the grounding -> the offered draft -> alternatives.
"""

from __future__ import annotations

import dataclasses
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from desktop import paths, placeholders
from desktop.drafting import adapt
from desktop.drafting.checks import check_draft
from desktop.drafting.echo import prompt_echo, sentences_with_echo
from desktop.drafting.guards import StreamGuard, trim_unfinished
from desktop.drafting.model_quality import writes_freely, writes_language
from desktop.drafting.offered import apply_checks
from desktop.drafting.options import DraftMode, DraftOptions, Length, Tone
from desktop.drafting.prompts import Prompt, build_prompt
from desktop.drafting.ready import rank_with_pins
from desktop.drafting.results import CheckedDraft, FinishReason, ReadyReply, SuggestionResult
from desktop.drafting.sentences import split
from desktop.drafting.understand import Understanding, understand_conversation
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


@dataclass(frozen=True)
class _Plan:
    """What the drafts of one suggestion are built from."""

    mode: DraftMode
    first: tuple[CannedResponse, ...]  # the first draft's canned responses
    alternatives: tuple[tuple[CannedResponse, ...], ...]
    note: str  # said in the panel when the draft is not a plain adaptation


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
            transcript, self.settings.agent_name, self.settings.company_name
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
        understood: Understanding | None = None,
    ) -> SuggestionResult:
        """The ready reply at once, the first draft streamed, then the alternatives.

        `understood`: the window's reading of this same transcript (no pinned responses), used
        as it is when it ranked enough responses instead of reading the thread again.

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
        if understood is None or pinned or len(understood.ranked) < wanted:
            understood = self.understand(transcript, pinned, wanted, values, reading)
        ready = understood.ready
        if on_ready is not None:
            on_ready(ready)
        first_text: list[float] = []

        def shown(text: str) -> None:
            if not first_text:
                first_text.append(time.perf_counter() - started)
            on_text(text)

        plan = self._plan(understood, options)
        main, stream = self._draft(transcript, plan.first, plan.mode, options, values, params,
                                   cancel, shown, pinned)  # fmt: skip
        if on_draft is not None:
            on_draft(main)
        alternatives = []
        for k, parts in enumerate(plan.alternatives, 1):
            if cancel.is_set() or k >= max(options.alternatives, 1):
                break
            seed = None if params.seed is None else params.seed + k
            alt_params = dataclasses.replace(params, seed=seed)
            alt, _ = self._draft(transcript, parts, plan.mode, options, values, alt_params,
                                 cancel, None, pinned)  # fmt: skip
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
            mode=plan.mode,
            turns_dropped=stream.turns_dropped,
            reading=reading,
            tone=options.tone,
            needs=understood.needs,
            abstain=understood.abstain,
            pending_actions=understood.pending,
            note=plan.note,
        )

    def understand(
        self,
        transcript: Transcript,
        pinned: Sequence[CannedResponse] = (),
        count: int = 3,
        values: Mapping[str, str] | None = None,
        reading: Reading | None = None,
    ) -> Understanding:
        """The needs, ready replies and pending actions of a thread (no model)."""
        _require_conversation(transcript)
        if values is None:
            values = self.values(transcript)
        return understand_conversation(self.repo, transcript, values, reading, count, pinned)

    def _plan(self, understood: Understanding, options: DraftOptions) -> _Plan:
        """Which canned responses each draft adapts, or whether the model writes freely.

        The first draft answers the main need; when the message holds another, the next draft
        answers both; then the main need's next responses. When nothing fits, the draft is the
        library's holding reply; free writing is used only with a model good enough for it
        (model_quality.writes_freely), never automatically with the 135M default.
        """
        ranked = [c for c, _ in understood.ranked]
        free = _Plan(DraftMode.FREE, tuple(ranked), (tuple(ranked),) * 2, "")
        if options.mode is DraftMode.FREE:  # the agent asked for it (Settings, --mode free)
            return free
        if not ranked:
            if writes_freely(self.engine.info):
                return free
            return _Plan(DraftMode.ADAPT, (), (), "The library has no canned responses yet.")
        if understood.abstain:
            if writes_freely(self.engine.info):
                return free
            note = "No saved reply fits this conversation"
            if understood.fallback is None:
                return _Plan(DraftMode.ADAPT, (), (), note + ": write your own, or pick a lead.")
            leads = tuple((c,) for c in ranked[:2])
            return _Plan(
                DraftMode.ADAPT, (understood.fallback,), leads, note + ": a holding reply."
            )
        needs = [
            n.ready.canned for n in understood.needs if n.ready is not None and not n.ready.pending
        ]
        others = [c for c in understood.sendable() if c not in needs]
        if not needs:  # only confirmations of what the agent has not done: adapt the next one
            needs, others = others[:1], others[1:]
        # The first draft answers the main need; a second need found in the message is right
        # about one time in four on the dev threads, so the draft answering both comes next.
        both = (tuple(needs),) if len(needs) > 1 else ()
        return _Plan(DraftMode.ADAPT, tuple(needs[:1]), both + tuple((c,) for c in others), "")

    def _draft(
        self,
        transcript: Transcript,
        parts: Sequence[CannedResponse],
        mode: DraftMode,
        options: DraftOptions,
        values: Mapping[str, str],
        params: GenerationParams,
        cancel: threading.Event,
        on_text: TextSink | None,
        pinned: Sequence[CannedResponse],
    ) -> tuple[CheckedDraft, _Stream]:
        if mode is DraftMode.FREE:
            return self._free(transcript, parts, options, values, params, cancel, on_text, pinned)
        if not parts:
            return CheckedDraft(apply_checks("", [], options.checks), ()), _Stream()
        return self._adapt(transcript, parts, options, values, params, cancel, on_text)

    def _adapt(
        self,
        transcript: Transcript,
        parts: Sequence[CannedResponse],
        options: DraftOptions,
        values: Mapping[str, str],
        params: GenerationParams,
        cancel: threading.Event,
        on_text: TextSink | None,
    ) -> tuple[CheckedDraft, _Stream]:
        """Greeting + the model's one-sentence acknowledgement + the canned bodies, checked.

        One canned body per need, in order. In a language the model does not write well
        (model_quality.writes_language), the canned text stands alone: no greeting or sentence
        in another language is mixed in.
        """
        sink = on_text or _ignore
        first_name = values.get("customer.first_name")
        language = self._language
        topic = parts[0]
        if len(parts) > 1:
            topic = dataclasses.replace(topic, title=" and ".join(p.title for p in parts))
        body = "\n\n".join(adapt.render_body(p, values) for p in parts)
        sources = adapt.check_sources(transcript, tuple(parts), values)
        stream, opening = _Stream(), None
        if language != "en" and not writes_language(self.engine.info, language):
            sink(body)
            offered = apply_checks(body, check_draft(body, sources), options.checks)
            return CheckedDraft(offered, tuple(parts)), stream
        greeting = adapt.greeting(options.tone, first_name, language)
        sink(f"{greeting}\n\n")
        sentences = 2 if options.length is Length.DETAILED else 1
        if adapt.wants_opening(options.length) and not cancel.is_set():
            messages = adapt.opening_messages(transcript, topic, options.tone, first_name, language)
            grammar = adapt.opening_grammar(sources)
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
                if opening and prompt_echo(opening, [m.content for m in messages[:1]]):
                    opening = None  # the model copied its instructions
                if opening or cancel.is_set() or attempt:
                    break
                seed = None if params.seed is None else params.seed + 100
                opening_params = dataclasses.replace(opening_params, seed=seed)
        sink(("" if opening else "\n") + f"\n\n{body}")
        raw = adapt.assemble(options.tone, first_name, opening, body, options.length, language)
        offered = apply_checks(raw, check_draft(raw, sources), options.checks)
        return CheckedDraft(offered, tuple(parts), stream.guard), stream

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
        raw = _without_echo(
            raw, [m.content for m in prompt.messages], [*sources, transcript.to_text()]
        )
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


def _without_echo(text: str, prompt: Sequence[str], allowed: Sequence[str]) -> str:
    """`text` without the sentences that copy the prompt's own words (its instructions)."""
    parts = split(text)
    echoed = set(sentences_with_echo([p.text for p in parts], prompt, allowed))
    if not echoed:
        return text
    kept, cursor = [], 0
    for index in sorted(echoed):
        kept.append(text[cursor : parts[index].start])
        cursor = parts[index].end
    kept.append(text[cursor:])
    return re.sub(r"[ \t]{2,}", " ", "".join(kept)).strip()


def _require_conversation(transcript: Transcript) -> None:
    if transcript.is_empty:
        raise InputError("The conversation is empty. Paste the customer's message first.")


def _ignore(_text: str) -> None:
    pass
