"""Headless drafting: `agent-assist suggest` and `summarize`, the same pipeline as the window."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading
from pathlib import Path

from desktop import settings as settings_module
from desktop import textfile
from desktop.drafting.offered import Mode as CheckMode
from desktop.drafting.options import DraftMode, DraftOptions, Length, Tone
from desktop.drafting.pipeline import Suggester, load_system_prompt
from desktop.drafting.serialise import suggestion_json
from desktop.drafting.summary import summarize
from desktop.engine.loading import load_engine
from desktop.errors import InputError
from desktop.store import ranking
from desktop.store.library import open_library
from desktop.transcript import parse

MAX_INPUT_BYTES = 5_000_000


def _read_input(name: str) -> str:
    source = sys.stdin.buffer if name == "-" else Path(name)
    return textfile.read_text(source, MAX_INPUT_BYTES, hint="; pass the conversation only")


def suggest_command(args: argparse.Namespace) -> int:
    settings = settings_module.load()
    if args.model:
        settings = settings.replace(model_path=str(args.model))
    if args.max_tokens is not None:
        if args.max_tokens < 1:
            raise InputError("--max-tokens must be at least 1.")
        settings = settings.replace(max_tokens=args.max_tokens)
    if args.temperature is not None:
        settings = settings.replace(temperature=args.temperature)
    if args.server:
        settings = settings.replace(server_url=args.server, server_model=args.server_model or "")
    if not 1 <= args.alternatives <= 10:
        raise InputError("--alternatives must be between 1 and 10.")
    options = DraftOptions(
        mode=DraftMode(args.mode),
        tone=Tone(args.tone or Tone.FRIENDLY),
        follow_mood=args.tone is None,
        length=Length(args.length),
        alternatives=args.alternatives,
        checks=CheckMode(args.checks),
    )
    transcript = parse(_read_input(args.file))
    if transcript.is_empty:  # before the model loads (4-12 s) only to refuse it
        raise InputError("The conversation is empty. Paste the customer's message first.")
    library = open_library()
    engine = load_engine(settings)
    try:
        suggester = Suggester(engine, library.repo, settings, load_system_prompt())
        params = suggester.params()
        if args.seed is not None:
            params = dataclasses.replace(params, seed=args.seed)
        stream_out = None if args.json else _write_stdout
        result = suggester.suggest(
            transcript, threading.Event(), stream_out or _ignore, options=options, params=params
        )
        learned = ranking.learned_scores(library.repo.db, transcript) if args.json else {}
    finally:
        engine.close()
        library.close()
    if args.json:
        found = suggestion_json(result, engine.info.name, engine.info.cpu_variant, transcript)
        for canned in found.get("canned", []):  # what the ranking learned from the team
            examples, score = learned.get(canned.get("id"), (0, None))
            canned["examples"], canned["learned_score"] = examples, score
        print(json.dumps(found))
    else:
        sys.stdout.write("\n")
        sources = ", ".join(c.title for c in result.grounding) or "none"
        if result.draft and result.draft.offered.removed:
            taken = "; ".join(
                f"{r.check.text!r} ({r.check.reason})" for r in result.draft.offered.removed
            )
            print(f"[checks took out: {taken}; --json gives the draft as offered]", file=sys.stderr)
        print(
            f"[{result.completion_tokens} tokens, first token {result.first_token_s or 0:.2f}s, "
            f"{result.tokens_per_s:.1f} tok/s; grounded on: {sources}]",
            file=sys.stderr,
        )
    return 0


def summarize_command(args: argparse.Namespace) -> int:
    settings = settings_module.load()
    if args.model:
        settings = settings.replace(model_path=str(args.model))
    transcript = parse(_read_input(args.file))
    if transcript.is_empty:
        raise InputError("The conversation is empty. Paste the customer's message first.")
    engine = load_engine(settings)
    try:
        summary = summarize(engine, transcript, threading.Event(), seed=args.seed)
    finally:
        engine.close()
    print(json.dumps(summary.as_json(), ensure_ascii=False) if args.json else summary.text)
    return 0


def _write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _ignore(_text: str) -> None:
    return None
