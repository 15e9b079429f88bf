"""One `agent-assist bench` run: every part's figures, with the machine and its load."""

from __future__ import annotations

import os
import platform
import tempfile
from pathlib import Path
from typing import Any

from desktop.evaluation.bench.children import event_loop_figures, startup_figures
from desktop.evaluation.bench.config import BenchConfig, Progress
from desktop.evaluation.bench.model import model_figures
from desktop.evaluation.bench.ranking import ranking_figures
from desktop.evaluation.cases import load_cases
from desktop.importers import bitext
from desktop.settings import Settings


def run(config: BenchConfig, settings: Settings, progress: Progress) -> dict[str, Any]:
    """Every figure, as one flat dict (objects for figures by size or length)."""
    cases = load_cases(config.cases)
    library = bitext.parse(config.canned).responses
    results: dict[str, Any] = {
        "machine": machine(),
        "load_average_1min": round(os.getloadavg()[0], 2),
        "quick": config.quick,
    }
    progress("model: first token, decode, memory")
    results.update(model_figures(settings, cases, library, config, progress))
    with tempfile.TemporaryDirectory(prefix="agent-assist-bench-") as folder:
        progress("ranking")
        results.update(ranking_figures(cases, library, config, Path(folder), progress))
    if config.startup:
        progress("start-up (--self-test)")
        results.update(startup_figures())
    if config.event_loop:
        progress("event loop (offscreen window)")
        results.update(event_loop_figures(config))
    results["load_average_1min_end"] = round(os.getloadavg()[0], 2)
    return results


def machine() -> str:
    return f"{platform.machine()} {os.cpu_count()} CPUs, {platform.system()} {platform.release()}"
