"""Headless retrieval measurements: `agent-assist eval` and `agent-assist bench-retrieval`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop.errors import InputError
from desktop.evaluation import benchmark, evaluate, load_cases
from desktop.importers import bitext

# The evaluation set sits beside a source checkout (../shared/eval); pass paths elsewhere.
EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
DEFAULT_SIZE = 100_000


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    ev = subparsers.add_parser("eval", help="measure how well ranking finds the right response")
    ev.add_argument("cases", type=Path, help="JSONL file of labelled conversations")
    ev.add_argument("--canned", type=Path, required=True, help="library to rank (Bitext JSON)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.set_defaults(handler=eval_command)

    bench = subparsers.add_parser(
        "bench-retrieval", help="time ranking over a large synthetic library"
    )
    bench.add_argument("--size", type=int, default=DEFAULT_SIZE, help="library size")
    bench.add_argument(
        "--cases",
        type=Path,
        default=EVAL_DIR / "dev_cases.jsonl",
        help="conversations to rank (JSONL)",
    )
    bench.add_argument(
        "--canned",
        type=Path,
        default=EVAL_DIR / "canned.json",
        help="library the synthetic one is made from (Bitext JSON)",
    )
    bench.add_argument("--json", action="store_true", help="print one JSON object")
    bench.set_defaults(handler=bench_command)


def _require(path: Path, what: str) -> Path:
    if not path.is_file():
        raise InputError(f"{what} not found: {path}.")
    return path


def eval_command(args: argparse.Namespace) -> int:
    cases = load_cases(_require(args.cases, "Cases file"))
    library = bitext.parse(_require(args.canned, "Canned library")).responses
    if not library:
        raise InputError(f"{args.canned.name} holds no responses.")
    report = evaluate(cases, library)
    if args.json:
        _out(json.dumps(report.as_dict()))
        return 0
    _out(f"cases             {report.cases}")
    _out(f"top-1 intent hit  {report.top1:.1%}")
    _out(f"top-3 intent hit  {report.top3:.1%}")
    _out(f"macro precision   {report.macro_precision:.3f}")
    _out(f"macro recall      {report.macro_recall:.3f}")
    _out(f"macro F1          {report.macro_f1:.3f}")
    _out(f"median ranking    {report.median_ms:.2f} ms")
    _out("")
    _out(f"{'intent':32} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>4}")
    for s in report.per_intent:
        _out(f"{s.intent:32} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:4d}")
    return 0


def bench_command(args: argparse.Namespace) -> int:
    if args.size < 1:
        raise InputError("--size must be at least 1.")
    cases = load_cases(_require(args.cases, "Cases file"))
    result = benchmark(cases, _require(args.canned, "Canned library"), args.size)
    if args.json:
        _out(json.dumps(result))
        return 0
    _out(
        f"library           {result['size']:,} responses (index built in "
        f"{result['index_build_s']:.1f} s)"
    )
    _out(f"queries           {result['queries']} (top-1 intent hit {result['top1']:.1%})")
    _out(f"median ranking    {result['median_ms']:.2f} ms")
    _out(f"p95 ranking       {result['p95_ms']:.2f} ms")
    _out(f"median search     {result['search_median_ms']:.2f} ms (search box / palette, as typed)")
    _out(f"p95 search        {result['search_p95_ms']:.2f} ms")
    return 0
