"""`agent-assist bench [--json] [--quick]`: how fast the app is beside llama.cpp itself."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop import bench
from desktop.errors import InputError
from desktop.settings import Settings


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "bench",
        help="measure first token, decode, smoothness, start-up, ranking and memory",
        description="Measure the app beside raw llama.cpp on this machine (default settings, "
        "so runs compare; --model and the thread options change them).",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--quick", action="store_true", help="smaller sizes: under a minute")
    parser.add_argument("--threads", type=int, default=0, help="decode threads (0: all CPUs)")
    parser.add_argument(
        "--threads-batch", type=int, default=0, help="prompt-reading threads (0: all CPUs)"
    )
    parser.add_argument("--cases", type=Path, default=bench.EVAL_DIR / "dev_cases.jsonl")
    parser.add_argument("--canned", type=Path, default=bench.EVAL_DIR / "canned.json")
    parser.add_argument("--no-startup", action="store_true", help="skip the --self-test child")
    parser.add_argument("--no-event-loop", action="store_true", help="skip the Qt child")
    parser.set_defaults(handler=bench_command)


def bench_command(args: argparse.Namespace) -> int:
    for path, what in ((args.cases, "Cases file"), (args.canned, "Canned library")):
        if not path.is_file():
            raise InputError(f"{what} not found: {path}")
    settings = Settings(threads=args.threads, threads_batch=args.threads_batch)
    if args.model:
        settings = settings.replace(model_path=str(args.model))
    make = bench.BenchConfig.quick_run if args.quick else bench.BenchConfig
    config = make(
        cases=args.cases,
        canned=args.canned,
        startup=not args.no_startup,
        event_loop=not args.no_event_loop,
    )
    results = bench.run(config, settings, _progress)
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
