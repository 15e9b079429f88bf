"""Headless retrieval measurements: `agent-assist eval` and `agent-assist bench-retrieval`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from desktop import settings as settings_module
from desktop.drafting.options import DraftMode, DraftOptions, Tone
from desktop.engine.loading import load_engine
from desktop.errors import InputError
from desktop.evaluation.bench.retrieval import benchmark
from desktop.evaluation.cases import Case, load_cases
from desktop.evaluation.drafts import evaluate_drafts
from desktop.evaluation.ranking_eval import Report, evaluate, load_picks
from desktop.importers import bitext
from desktop.store.canned import CannedResponse


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


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
    learned = _learned(args, cases, library, report)
    drafts = _draft_reports(args, cases, library) if args.drafts else []
    if args.json:
        result = report.as_dict()
        if learned:
            result["learned"] = learned
        if args.by_language:
            result["by_language"] = report.languages_dict()
        if drafts:
            result["drafts"] = drafts[0]
            result["drafts_by_model"] = drafts
        _out(json.dumps(result))
        return 0
    for draft in drafts:
        _print_drafts(draft)
    _out(f"cases             {report.cases}")
    _out(f"top-1 intent hit  {report.top1:.1%}")
    _out(f"top-3 intent hit  {report.top3:.1%}")
    _out(f"macro precision   {report.macro_precision:.3f}")
    _out(f"macro recall      {report.macro_recall:.3f}")
    _out(f"macro F1          {report.macro_f1:.3f}")
    _out(f"median ranking    {report.median_ms:.2f} ms")
    if learned:
        _out(
            f"after learning {learned['examples']} picks: top-1 {learned['top1']:.1%} "
            f"(before {report.top1:.1%}), top-3 {learned['top3']:.1%} (before {report.top3:.1%})"
        )
        if learned["unknown"]:
            _out(f"picks naming no response: {', '.join(learned['unknown'])}")
    _out("")
    if args.by_language:
        _out(f"{'language':10} {'top-1':>7} {'top-3':>7} {'n':>5}")
        for lang in report.by_language:
            _out(
                f"{lang.language or '(none)':10} {lang.top1:7.1%} {lang.top3:7.1%} {lang.cases:5d}"
            )
        _out("")
    _out(f"{'intent':32} {'prec':>6} {'recall':>6} {'F1':>6} {'n':>4}")
    for s in report.per_intent:
        _out(f"{s.intent:32} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} {s.support:4d}")
    return 0


def _learned(
    args: argparse.Namespace, cases: list[Case], library: list[CannedResponse], before: Report
) -> dict[str, Any]:
    """With --learn-from: the same cases ranked after learning the picks (a fresh library)."""
    if args.learn_from is None:
        return {}
    picks = load_picks(_require(args.learn_from, "Picks file"))
    after = evaluate(cases, library, picks=picks)
    kept, unknown = after.learned
    if not kept:
        raise InputError(f"None of the picks in {args.learn_from.name} names a canned response.")
    return {
        "examples": kept,
        "unknown": unknown,
        "top1": after.top1,
        "top3": after.top3,
        "before": {"top1": before.top1, "top3": before.top3},
        "median_ms": after.median_ms,
    }


def _draft_reports(
    args: argparse.Namespace, cases: list[Case], library: list[CannedResponse]
) -> list[dict[str, Any]]:
    if args.drafts < 1:
        raise InputError("--drafts must be at least 1.")
    settings = settings_module.load()
    options = DraftOptions(mode=DraftMode(args.mode), tone=Tone(args.tone))
    reports = []
    for model in args.model or [None]:
        chosen = settings.replace(model_path=str(model)) if model else settings
        engine = load_engine(chosen)
        try:
            reports.append(
                evaluate_drafts(cases[: args.drafts], library, engine, chosen, options, _progress)
            )
        finally:
            engine.close()
    sys.stderr.write("\n")
    return reports


def _progress(done: int, total: int) -> None:
    sys.stderr.write(f"\rdrafting {done}/{total}")
    sys.stderr.flush()


def _print_drafts(report: dict[str, Any]) -> None:
    ready = report["ready_reply"]
    _out(f"drafts ({report['model']}, {report['mode']} mode, {report['cases']} cases)")
    _out(f"{'':24} {'offered draft':>14} {'before checks':>14} {'ready reply':>12}")
    for key in ("draft_on_topic", "unsupported_specifics", "action_claims", "leaks", "non_empty"):
        before = report["before_checks"].get(key, 0.0)
        _out(f"{key:24} {report.get(key, 0.0):14.3f} {before:14.3f} {ready.get(key, 0.0):12.3f}")
    _out(
        f"{'median_words':24} {report.get('median_words', 0):14.0f} "
        f"{report['before_checks'].get('median_words', 0):14.0f} "
        f"{ready.get('median_words', 0):12.0f}"
    )
    _out(f"first model token {report['first_token_s']} s, first text {report['first_text_s']} s")
    _out(
        f"ready reply: on the expected intent {ready['on_expected_intent']:.1%}, "
        f"{ready['ms_mean']} ms"
    )
    _out("")


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
