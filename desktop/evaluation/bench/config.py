"""What one `agent-assist bench` run measures."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from desktop import paths

EVAL_DIR = paths.eval_dir()
Progress = Callable[[str], None]


@dataclass(frozen=True)
class BenchConfig:
    """What one run measures; `quick()` fits an idle 2-core machine in under a minute."""

    cases: Path = EVAL_DIR / "dev_cases.jsonl"
    canned: Path = EVAL_DIR / "canned.json"
    rank_sizes: tuple[int, ...] = (1_000, 10_000, 100_000)
    rank_queries: int = 270
    generations: int = 50  # for memory growth
    prompt_lengths: tuple[int, ...] = (256, 1024, 4096)
    decode_tokens: int = 128
    repeats: int = 3  # cold/raw pairs; the best of each side is reported
    thread_settings: bool = True  # compare decode/prompt thread counts
    startup: bool = True
    event_loop: bool = True
    quick: bool = False

    @classmethod
    def quick_run(cls, **changes: Any) -> BenchConfig:
        quick = cls(
            rank_sizes=(1_000, 10_000),
            rank_queries=60,
            generations=10,
            prompt_lengths=(256, 1024),
            decode_tokens=48,
            repeats=1,
            thread_settings=False,
            quick=True,
        )
        return replace(quick, **changes)
