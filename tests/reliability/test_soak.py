"""Soak: many suggestions in one process through the real pipeline and the real default model.

`AGENT_ASSIST_SOAK=500` runs 500 on demand; by default a short run keeps CI quick. What is
measured before and after (after a few warm-up drafts, so loading and first-use allocations
are not counted): resident memory (VmRSS), OS threads, open file descriptors, and the time of
the first and the last pass over the same seeded conversations.

Bounds, stated: RSS grows by at most 80 MB, which includes the engine's KV-state cache (capped
at 64 MB) filling up as distinct conversations pass through; the thread count and the number
of open descriptors come back to where they were; the last pass takes at most 1.5 times the
first plus 2 s (generous: the CI machine is shared; a real leak grows without bound).
"""

from __future__ import annotations

import dataclasses
import os
import statistics
import threading
import time
from pathlib import Path

import pytest
from desktop.drafting.options import DraftOptions
from desktop.drafting.pipeline import Suggester
from desktop.engine.llama import LlamaEngine
from desktop.settings import Settings
from desktop.store.library import open_library
from desktop.transcript import parse

COUNT = int(os.environ.get("AGENT_ASSIST_SOAK", "16"))
WARM_UP = 3
RSS_BOUND_MB = 80
SLOWDOWN_BOUND = 1.5

PROBLEMS = [
    "my parcel never arrived and the tracking has not moved",
    "I was charged twice for the same order",
    "how do I reset my password? the link has expired",
    "I want to return the shoes, they are too small",
    "can I change the delivery address on my order",
    "the app crashes when I open my basket",
    "please cancel my subscription before the next renewal",
    "my discount code was not applied at checkout",
]


def conversation(index: int) -> str:
    """Passes over distinct conversations, so the prompt-state cache sees several prefixes."""
    turn = index % len(PROBLEMS)
    return f"Customer: Hi, order {40_000 + turn}: {PROBLEMS[turn]}. Thanks, Sam"


def status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise AssertionError(f"{field} missing from /proc/self/status")


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_soak_generations_hold_memory_threads_and_descriptors(engine: LlamaEngine) -> None:
    library = open_library()
    try:
        settings = Settings(max_tokens=32)
        suggester = Suggester(engine, library.repo, settings, "You are a support agent.")
        options = DraftOptions(alternatives=2)
        # A fixed seed: each pass over the conversations does the same work, so passes compare.
        params = dataclasses.replace(suggester.params(), seed=7)
        durations: list[float] = []

        def run(index: int) -> None:
            tokens: list[str] = []
            began = time.perf_counter()
            result = suggester.suggest(
                parse(conversation(index)),
                threading.Event(),
                tokens.append,
                options=options,
                params=params,
            )
            durations.append(time.perf_counter() - began)
            assert result.finish_reason != "cancelled"
            # "the app crashes..." fits no sample response and the samples have no holding
            # reply: no draft, and a note that says so.
            assert result.text.strip() or (result.abstain and result.note)

        for index in range(WARM_UP):
            run(index)
        durations.clear()
        passes = len(PROBLEMS)
        rss_before, threads_before = status_kb("VmRSS"), status_kb("Threads")
        fds_before = open_fds()
        py_threads_before = threading.active_count()
        for index in range(COUNT):
            run(index)
        growth_mb = (status_kb("VmRSS") - rss_before) / 1024
        early = sum(durations[:passes])  # the first pass over the conversations
        late = sum(durations[-passes:])  # the last pass: the same work, seeded
        print(
            f"\nsoak: {COUNT} suggestions, RSS {rss_before / 1024:.0f} MB +{growth_mb:.1f} MB, "
            f"threads {threads_before}->{status_kb('Threads')}, "
            f"fds {fds_before}->{open_fds()}, "
            f"first pass {early:.1f}s, last pass {late:.1f}s, "
            f"median {statistics.median(durations):.2f}s, slowest {max(durations):.2f}s, "
            f"all {sum(durations):.1f}s"
        )
        assert growth_mb <= RSS_BOUND_MB
        assert status_kb("Threads") <= threads_before
        assert threading.active_count() <= py_threads_before
        assert open_fds() <= fds_before
        assert late <= early * SLOWDOWN_BOUND + 2.0
    finally:
        library.close()
