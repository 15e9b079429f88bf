"""`agent-assist eval --drafts N`: how trustworthy the drafts are, measured on labelled cases.

For each of the first N cases the real pipeline runs (ranking, ready reply, the model through
the guards, the sentence checks), and the texts are measured with desktop/drafting/metrics.py:
the draft as offered (what Copy copies), the draft before the checks took anything out (so the
checks' share of the result stays visible), and the ready reply. No Qt.
"""

from __future__ import annotations

import dataclasses
import statistics
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

from desktop.drafting.adapt import check_sources
from desktop.drafting.metrics import DraftMeasures, IntentIndex, measure, summarise
from desktop.drafting.options import DraftOptions
from desktop.drafting.pipeline import Suggester, load_system_prompt
from desktop.drafting.ready import ready_reply
from desktop.engine.base import Engine
from desktop.evaluation.cases import Case
from desktop.evaluation.library import memory_repository
from desktop.importers.bitext import intent_of
from desktop.settings import Settings
from desktop.store.canned import CannedResponse


def evaluate_drafts(
    cases: Sequence[Case],
    library: Sequence[CannedResponse],
    engine: Engine,
    settings: Settings,
    options: DraftOptions,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    """Draft every case (one draft each, seeded by its position) and summarise the measures."""
    repo = memory_repository(library)
    index = IntentIndex.build((intent_of(r), f"{r.title}\n{r.body}") for r in library)
    suggester = Suggester(engine, repo, settings, load_system_prompt())
    options = dataclasses.replace(options, alternatives=1)
    suggester.rank(cases[0].transcript)  # builds the ranking index: not a per-draft cost
    offered: list[DraftMeasures] = []
    raw: list[DraftMeasures] = []
    ready: list[DraftMeasures] = []
    ready_on_intent = 0
    ready_ms: list[float] = []
    first_token: list[float] = []
    first_text: list[float] = []
    modes: dict[str, int] = {}
    for number, case in enumerate(cases, 1):
        values = suggester.values(case.transcript)
        started = time.perf_counter()
        reply = ready_reply(suggester.rank(case.transcript), values)
        ready_ms.append((time.perf_counter() - started) * 1000)
        params = dataclasses.replace(suggester.params(), seed=number)
        result = suggester.suggest(
            case.transcript, threading.Event(), _ignore, options=options, params=params
        )
        sources = check_sources(case.transcript, result.grounding, values)
        offered.append(measure(result.text, case.expected_intent, index, sources))
        raw.append(measure(result.raw_text, case.expected_intent, index, sources))
        modes[str(result.mode)] = modes.get(str(result.mode), 0) + 1
        if result.first_token_s is not None:
            first_token.append(result.first_token_s)
        if result.first_text_s is not None:
            first_text.append(result.first_text_s)
        if reply is not None:
            reply_sources = check_sources(case.transcript, (reply.canned,), values)
            ready.append(measure(reply.text, case.expected_intent, index, reply_sources))
            ready_on_intent += intent_of(reply.canned) == case.expected_intent
        if progress is not None:
            progress(number, len(cases))
    count = len(cases)
    return {
        "cases": count,
        "model": engine.info.name,
        "mode": str(options.mode),
        "modes_used": modes,
        **_rounded(summarise(offered)),
        "first_token_s": _mean(first_token),
        "first_text_s": _mean(first_text),
        "before_checks": _rounded(summarise(raw)),
        "ready_reply": {
            **_rounded(summarise(ready)),
            "offered": len(ready) / count if count else 0.0,
            "on_expected_intent": ready_on_intent / count if count else 0.0,
            "ms_mean": _mean(ready_ms, 2),
        },
    }


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {key: round(value, 3) for key, value in values.items()}


def _mean(values: Sequence[float], digits: int = 3) -> float | None:
    return round(statistics.fmean(values), digits) if values else None


def _ignore(_text: str) -> None:
    pass
