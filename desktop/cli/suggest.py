"""Headless drafting: `agent-assist suggest` and `summarize`, the same pipeline as the window."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading
from pathlib import Path
from typing import Any

from desktop import settings as settings_module
from desktop import textfile
from desktop.drafting.offered import Mode as CheckMode
from desktop.drafting.options import DraftMode, DraftOptions, Length, Tone
from desktop.drafting.pipeline import Suggester, load_system_prompt
from desktop.drafting.results import SuggestionResult
from desktop.drafting.summary import summarize
from desktop.engine.loading import load_engine
from desktop.errors import InputError
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
    finally:
        engine.close()
        library.close()
    if args.json:
        print(json.dumps(_as_json(result, engine.info.name, engine.info.cpu_variant)))
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


def _as_json(result: SuggestionResult, model: str, cpu_variant: str) -> dict[str, Any]:
    draft = result.draft
    return {
        "text": result.text,
        "raw_text": result.raw_text,
        "mode": str(result.mode),
        "canned": [
            {"id": c.id, "title": c.title, "shortcode": c.shortcode} for c in result.grounding
        ],
        "ready_reply": result.ready_reply.as_json() if result.ready_reply else None,
        "tone": str(result.tone),
        **(result.reading.as_dict() if result.reading else {}),
        "checks": draft.checks_json() if draft else [],
        "guard": draft.guard if draft else None,
        "alternatives": [
            {
                "text": alt.text,
                "canned": [{"id": c.id, "title": c.title} for c in alt.canned],
                "checks": alt.checks_json(),
            }
            for alt in result.alternatives
        ],
        "model": model,
        "cpu_variant": cpu_variant,
        "prompt_tokens": result.prompt_tokens,
        "completion_tokens": result.completion_tokens,
        "first_token_s": result.first_token_s,
        "first_text_s": result.first_text_s,
        "total_s": result.total_s,
        "tokens_per_s": result.tokens_per_s,
        "finish_reason": result.finish_reason,
        "turns_dropped": result.turns_dropped,
    }


def _write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _ignore(_text: str) -> None:
    return None
