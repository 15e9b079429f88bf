"""The model's figures of `agent-assist bench`: through `Suggester` beside raw llama.cpp.

The app through the pipeline the window and `suggest` share, raw llama.cpp through
`engine.llama.raw_timings` (a tight loop over its C API on the same weights and context
settings), so `ttft_cold_s / ttft_cold_raw_s` and `decode_ratio` compare like with like.
"""

from __future__ import annotations

import os
import resource
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from desktop.drafting.options import DraftMode, DraftOptions
from desktop.engine.types import GenerationParams
from desktop.evaluation.bench.config import BenchConfig, Progress
from desktop.evaluation.cases import Case
from desktop.evaluation.library import memory_repository
from desktop.settings import Settings
from desktop.store.canned import CannedResponse

if TYPE_CHECKING:
    from desktop.drafting.pipeline import Suggester
    from desktop.drafting.results import SuggestionResult
    from desktop.engine.llama import LlamaEngine


def model_figures(
    settings: Settings,
    cases: Sequence[Case],
    library: Sequence[CannedResponse],
    config: BenchConfig,
    progress: Progress,
) -> dict[str, Any]:
    from desktop.drafting.pipeline import Suggester, load_system_prompt
    from desktop.engine.llama import LlamaEngine, raw_timings
    from desktop.engine.loading import load_local

    started = time.perf_counter()
    engine = load_local(settings)
    if not isinstance(engine, LlamaEngine):
        raise TypeError("the benchmark needs a local GGUF model")
    out: dict[str, Any] = {
        "model": engine.info.name,
        "model_load_s": round(time.perf_counter() - started, 3),
        "threads": settings.threads or os.cpu_count(),
        "threads_batch": settings.threads_batch or os.cpu_count(),
    }
    repo = memory_repository(library)
    suggester = Suggester(engine, repo, settings, load_system_prompt())
    first, again, other = _three_conversations(cases)
    free = DraftOptions(mode=DraftMode.FREE, alternatives=1)
    params = GenerationParams(
        max_tokens=config.decode_tokens, temperature=settings.temperature, seed=1
    )
    try:
        # First, before any raw llama.cpp context exists: the peak is the app's own.
        progress(f"  memory over {config.generations} generations")
        out.update(_memory(suggester, cases, config.generations))
        progress(f"  cold and warm first tokens beside raw llama.cpp, best of {config.repeats}")
        pairs = _cold_pairs(suggester, engine, cases, free, params, config.repeats, raw_timings)
        out.update(pairs)
        progress("  a new conversation on a topic read before")
        seen = _timed(suggester, first.transcript, free, params)
        out.update(_seen_grounding(suggester, engine, seen.result, again, other, free, params))
        progress("  adapt mode (the default)")
        adapt = _timed(suggester, other.transcript, DraftOptions(alternatives=1), params)
        out.update(
            ttft_adapt_s=_round(adapt.result.first_token_s),
            first_text_adapt_s=_round(adapt.result.first_text_s),
            adapt_mode_used=str(adapt.result.mode),
            prompt_tokens_adapt=adapt.result.prompt_tokens,
        )
        progress("  prompt length")
        filler = "\n\n".join(c.body for c in library[:200])
        out["by_prompt_length"] = _by_length(engine, config, filler, raw_timings)
        if config.thread_settings:
            progress("  thread settings")
            out["by_threads"] = _by_threads(engine, filler, raw_timings)
    finally:
        engine.close()
    return out


def _cold_pairs(
    suggester: Suggester,
    engine: LlamaEngine,
    cases: Sequence[Case],
    options: DraftOptions,
    params: GenerationParams,
    repeats: int,
    raw_timings: Any,
) -> dict[str, Any]:
    """New conversations through the app, each followed by raw llama.cpp on its exact tokens.

    Best of `repeats` for each side: on a shared machine a slow run says more about the
    neighbours than about the code. Warm is the same conversation asked again (Regenerate).
    """
    topics: dict[str, Case] = {}  # the first conversation of each topic
    for case in cases:
        topics.setdefault(case.expected_intent, case)
    app: list[_Timed] = []
    warm: list[float] = []
    raw: list[Any] = []
    greedy: list[float] = []
    for case in list(topics.values())[:repeats]:
        cold = _timed(suggester, case.transcript, options, params)
        again = _timed(suggester, case.transcript, options, params)
        prompt = suggester.prepare(case.transcript, cold.result.grounding)
        tokens = engine.prompt_token_ids(prompt.messages)
        app.append(cold)
        warm.append(again.result.first_token_s or 0.0)
        # The same sampling chain as the app's (penalties, top-k/p, min-p, temperature), and
        # greedy (llama.cpp's cheapest) for reference.
        raw.append(raw_timings(engine, tokens, cold.decoded, sampling=params))
        greedy.append(raw_timings(engine, tokens, cold.decoded).decode_tps)
    ttft = min(t.result.first_token_s or 0.0 for t in app)
    ttft_raw = min(r.prompt_s for r in raw)
    decode = max(t.decode_tps for t in app)
    decode_raw = max(r.decode_tps for r in raw)
    return {
        "ttft_cold_s": round(ttft, 3),
        "ttft_cold_raw_s": round(ttft_raw, 3),
        "ttft_cold_ratio": round(ttft / ttft_raw, 3) if ttft_raw else None,
        "prompt_tokens_cold": [t.result.prompt_tokens for t in app],
        "ttft_warm_s": round(min(warm), 3),
        "decode_tps_app": round(decode, 1),
        "decode_tps_raw": round(decode_raw, 1),
        "decode_ratio": round(decode / decode_raw, 3) if decode_raw else None,
        "decode_tps_raw_greedy": round(max(greedy), 1),
        "decode_ratio_greedy": round(decode / max(greedy), 3) if max(greedy) else None,
        "decode_tps_app_shown": round(max(t.shown_tps for t in app), 1),
        "decode_tokens_app": [t.decoded for t in app],
    }


@dataclass
class _Timed:
    result: SuggestionResult
    arrivals: list[float]
    stream: Any = None  # the engine's StreamStats of the draft's (last) model call

    @property
    def decoded(self) -> int:
        """Tokens the model decoded for the draft, counted as they came (not re-tokenized)."""
        return int(self.stream.tokens) if self.stream is not None else 0

    @property
    def decode_tps(self) -> float:
        """Tokens a second, first token to last, on the engine's clock.

        Each token leaves the engine only after the caller handled the one before (guards,
        callbacks): the whole pipeline's per-token work is inside this span.
        """
        return float(self.stream.decode_tps) if self.stream is not None else self.shown_tps

    @property
    def shown_tps(self) -> float:
        """Tokens a second as the text reached the caller, first arrival to last.

        Not the decode speed: the guards hold back text that could start a stop string, so the
        first arrival can come tokens late, and the last one (the flush) after the final token.
        """
        span = self.arrivals[-1] - self.arrivals[0] if len(self.arrivals) > 1 else 0.0
        tokens = self.decoded or self.result.completion_tokens
        return (tokens - 1) / span if tokens > 1 and span > 0 else 0.0


def _timed(
    suggester: Suggester,
    transcript: Any,
    options: DraftOptions,
    params: GenerationParams,
    pinned: Sequence[CannedResponse] = (),
) -> _Timed:
    arrivals: list[float] = []
    if options.mode is DraftMode.FREE and not pinned:
        # Free mode grounds on the top `grounding_count` responses only when as many drafts are
        # asked for; one draft is timed here, so the same responses are given as pinned.
        count = suggester.settings.grounding_count
        pinned = [c for c, _ in suggester.rank(transcript, count=count)]
    result = suggester.suggest(
        transcript,
        threading.Event(),
        lambda _text: arrivals.append(time.perf_counter()),
        pinned=pinned,
        options=options,
        params=params,
    )
    return _Timed(result, arrivals, getattr(suggester.engine, "last_stream", None))


def _three_conversations(cases: Sequence[Case]) -> tuple[Case, Case, Case]:
    """Two conversations on one topic, and one on another."""
    first = cases[0]
    again = next(c for c in cases[1:] if c.expected_intent == first.expected_intent)
    other = next(c for c in cases if c.expected_intent != first.expected_intent)
    return first, again, other


def _seen_grounding(
    suggester: Suggester,
    engine: LlamaEngine,
    seen: SuggestionResult,
    again: Case,
    other: Case,
    options: DraftOptions,
    params: GenerationParams,
) -> dict[str, Any]:
    """A new conversation grounded on responses read before, another topic read in between.

    The second conversation is given the first one's grounding (pinned, as an agent would
    pin them), so both prompts share their system message exactly. Measured with the state
    cache and again with it off.
    """
    out: dict[str, Any] = {}
    capacity = engine.state_cache.capacity_bytes
    for key, bytes_ in (("ttft_seen_grounding_s", capacity), ("ttft_seen_uncached_s", 0)):
        engine.state_cache.capacity_bytes = bytes_
        if not bytes_:
            engine.state_cache.clear()
        _timed(suggester, other.transcript, options, params)  # the model reads another topic
        new = _timed(suggester, again.transcript, options, params, pinned=seen.grounding)
        out[key] = _round(new.result.first_token_s)
        if bytes_:
            out["state_cache_mb"] = round(engine.state_cache.size_bytes / 2**20, 1)
            out["state_cache_entries"] = len(engine.state_cache)
    engine.state_cache.capacity_bytes = capacity
    return out


def _memory(suggester: Suggester, cases: Sequence[Case], generations: int) -> dict[str, Any]:
    """Resident memory over `generations` default (adapt) drafts on different conversations."""
    options = DraftOptions(alternatives=1)
    _timed(suggester, cases[0].transcript, options, suggester.params())
    before = _rss_mb()
    kept_before = _kept_mb(suggester)
    for number in range(generations):
        case = cases[(number * 7) % len(cases)]
        _timed(suggester, case.transcript, options, suggester.params())
    return {
        "rss_growth_mb": round(_rss_mb() - before, 1),
        # Part of the growth is the bounded KV-state cache filling (low-confidence
        # conversations are drafted freely, each grounding kept): by design, not a leak.
        "state_cache_growth_mb": round(_kept_mb(suggester) - kept_before, 1),
        "generations": generations,
        "peak_rss_mb": round(_peak_rss_mb(), 1),
    }


def _kept_mb(suggester: Suggester) -> float:
    cache = getattr(suggester.engine, "state_cache", None)
    return cache.size_bytes / 2**20 if cache is not None else 0.0


def _rss_mb() -> float:
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return _peak_rss_mb()
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 1024  # bytes vs KiB


def _filler_tokens(engine: LlamaEngine, text: str, count: int) -> list[int]:
    """`count` prompt tokens of real support text (repeated as needed)."""
    from desktop.engine.types import Message

    tokens = engine.prompt_token_ids([Message("user", text)])
    while len(tokens) < count:
        tokens = tokens + tokens
    return tokens[:count]


def _by_length(
    engine: LlamaEngine, config: BenchConfig, text: str, raw_timings: Any
) -> dict[str, Any]:
    """First token (prompt reading) and decode speed of raw llama.cpp by prompt length."""
    out = {}
    room = engine.info.context_tokens - config.decode_tokens - 8
    for length in config.prompt_lengths:
        tokens = _filler_tokens(engine, text, min(length, room))
        raw = raw_timings(engine, tokens, min(config.decode_tokens, 32))
        out[str(length)] = {
            "tokens": len(tokens),
            "first_token_s": round(raw.prompt_s, 3),
            "prompt_tps": round(len(tokens) / raw.prompt_s, 1),
            "decode_tps": round(raw.decode_tps, 1),
        }
    return out


def _by_threads(engine: LlamaEngine, text: str, raw_timings: Any) -> dict[str, Any]:
    """Decode and prompt speed for each (decode threads, prompt threads) pair up to the CPUs."""
    cpus = os.cpu_count() or 2
    counts = sorted({1, max(1, cpus // 2), cpus})
    tokens = _filler_tokens(engine, text, 256)
    out = {}
    for decode in counts:
        for prompt in counts:
            raw = raw_timings(engine, tokens, 32, threads=(decode, prompt))
            out[f"{decode}/{prompt}"] = {
                "prompt_tps": round(len(tokens) / raw.prompt_s, 1),
                "decode_tps": round(raw.decode_tps, 1),
            }
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)
