"""`agent-assist bench [--json] [--quick]`: how fast the app is beside llama.cpp itself."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from desktop.errors import InputError
from desktop.evaluation.bench.config import BenchConfig
from desktop.evaluation.bench.run import run
from desktop.settings import Settings


def bench_command(args: argparse.Namespace) -> int:
    for path, what in ((args.cases, "Cases file"), (args.canned, "Canned library")):
        if not path.is_file():
            raise InputError(f"{what} not found: {path}")
    settings = Settings(threads=args.threads, threads_batch=args.threads_batch)
    if args.model:
        settings = settings.replace(model_path=str(args.model))
    make = BenchConfig.quick_run if args.quick else BenchConfig
    config = make(
        cases=args.cases,
        canned=args.canned,
        startup=not args.no_startup,
        event_loop=not args.no_event_loop,
    )
    results = run(config, settings, _progress)
    if args.json:
        sys.stdout.write(json.dumps(results) + "\n")
    else:
        sys.stdout.write(table(results))
    return 0


def _progress(line: str) -> None:
    sys.stderr.write(line + "\n")
    sys.stderr.flush()


def table(results: dict[str, Any]) -> str:
    """One figure a line; figures by size or length as `key[size]`."""
    rows: list[tuple[str, str]] = []
    for key, value in results.items():
        if isinstance(value, dict):
            for sub, inner in value.items():
                shown = (
                    ", ".join(f"{k} {v}" for k, v in inner.items())
                    if isinstance(inner, dict)
                    else str(inner)
                )
                rows.append((f"{key}[{sub}]", shown))
        else:
            rows.append((key, str(value)))
    width = max((len(k) for k, _ in rows), default=0)
    return "".join(f"{key:<{width}}  {value}\n" for key, value in rows)
