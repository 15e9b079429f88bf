"""`agent-assist bench-retrieval`: ranking and search latency over a large synthetic library."""

from __future__ import annotations

import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from desktop.evaluation.cases import Case
from desktop.evaluation.library import memory_repository, synthetic_library
from desktop.importers import bitext
from desktop.importers.bitext import intent_of
from desktop.store.canned import CannedRepository
from desktop.store.ranking import rank_for


def _search_timings(repo: CannedRepository, cases: Sequence[Case]) -> list[float]:
    """Search-box latency as an agent types: every prefix of the first two words of each case."""
    timings = []
    for case in cases:
        typed = " ".join(case.transcript.latest_customer_text().split()[:2])
        for end in range(2, len(typed) + 1):
            start = time.perf_counter()
            repo.search(typed[:end], 50)
            timings.append((time.perf_counter() - start) * 1000)
    return sorted(timings)


def benchmark(cases: Sequence[Case], library_path: Path, size: int) -> dict[str, float]:
    """Median and p95 ranking latency over a synthetic library of `size` responses."""
    repo = memory_repository(synthetic_library(bitext.parse(library_path).responses, size))
    start = time.perf_counter()
    rank_for(repo, cases[0].transcript, 5)
    build_s = time.perf_counter() - start
    timings = []
    hits = 0
    for case in cases:
        start = time.perf_counter()
        ranked = rank_for(repo, case.transcript, 5)
        timings.append((time.perf_counter() - start) * 1000)
        hits += bool(ranked) and intent_of(ranked[0]) == case.expected_intent
    searches = _search_timings(repo, cases)
    repo.db.close()
    timings.sort()
    return {
        "search_median_ms": statistics.median(searches),
        "search_p95_ms": searches[min(len(searches) - 1, round(0.95 * (len(searches) - 1)))],
        "size": size,
        "queries": len(timings),
        "median_ms": statistics.median(timings),
        "p95_ms": timings[min(len(timings) - 1, round(0.95 * (len(timings) - 1)))],
        "index_build_s": build_s,
        "top1": hits / len(cases),  # the bit prefilter must not cost accuracy at scale
    }
