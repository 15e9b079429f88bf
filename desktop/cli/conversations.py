"""`agent-assist eval-conversations`: the pipeline on realistic threads, per kind."""

from __future__ import annotations

import argparse
import json
import sys

from desktop import settings as settings_module
from desktop.engine.loading import load_engine
from desktop.errors import InputError
from desktop.evaluation.conversations import evaluate_conversations, load_conversation_cases, table
from desktop.importers import parse_file


def eval_conversations_command(args: argparse.Namespace) -> int:
    cases = load_conversation_cases(args.cases)
    if args.limit:
        cases = cases[: args.limit]
    if not args.canned.is_file():
        raise InputError(f"Canned library not found: {args.canned}.")
    library = list(parse_file(args.canned)[1].responses)
    if not library:
        raise InputError(f"{args.canned.name} holds no responses.")
    settings = settings_module.load()
    if args.model:
        settings = settings.replace(model_path=str(args.model))
    engine = load_engine(settings)
    try:

        def progress(done: int, total: int) -> None:
            if not args.json:
                sys.stderr.write(f"\r{done}/{total}")
                sys.stderr.flush()

        report = evaluate_conversations(
            cases, library, engine, settings, drafts=not args.no_drafts, progress=progress
        )
    finally:
        engine.close()
    if args.json:
        sys.stdout.write(json.dumps(report) + "\n")
        return 0
    sys.stderr.write("\n")
    sys.stdout.write("\n".join(table(report)) + "\n")
    return 0
