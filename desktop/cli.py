"""Headless commands: `agent-assist suggest`. Same engine and pipeline as the window."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import threading
from pathlib import Path

from desktop import settings as settings_module
from desktop import textfile
from desktop.engine.loading import load_engine
from desktop.errors import AgentAssistError, InputError
from desktop.store.library import open_library
from desktop.suggest import Suggester, load_system_prompt
from desktop.transcript import parse

MAX_INPUT_BYTES = 5_000_000


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    suggest = subparsers.add_parser(
        "suggest", help="stream a reply suggestion for a conversation to stdout"
    )
    suggest.add_argument(
        "file", nargs="?", default="-", help="conversation text file, or - for stdin"
    )
    suggest.add_argument(
        "--json", action="store_true", help="print one JSON object instead of streaming"
    )
    suggest.add_argument("--model", type=Path, help="GGUF model file (default: the bundled model)")
    suggest.add_argument("--max-tokens", type=int, help="longest reply, in tokens")
    suggest.add_argument("--temperature", type=float, help="sampling temperature (0 = greedy)")
    suggest.add_argument("--seed", type=int, help="sampling seed, for repeatable output")
    suggest.set_defaults(handler=suggest_command)


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
    transcript = parse(_read_input(args.file))
    library = open_library()
    engine = load_engine(settings)
    try:
        suggester = Suggester(engine, library.repo, settings, load_system_prompt())
        prompt = suggester.prepare(transcript)
        params = suggester.params()
        if args.seed is not None:
            params = dataclasses.replace(params, seed=args.seed)
        stream_out = None if args.json else _write_stdout
        result = suggester.run(prompt, threading.Event(), stream_out or _ignore, params)
    finally:
        engine.close()
        library.close()
    if args.json:
        print(
            json.dumps(
                {
                    "text": result.text,
                    "canned": [
                        {"id": c.id, "title": c.title, "shortcode": c.shortcode}
                        for c in result.grounding
                    ],
                    "model": engine.info.name,
                    "cpu_variant": engine.info.cpu_variant,
                    "prompt_tokens": result.prompt_tokens,
                    "completion_tokens": result.completion_tokens,
                    "first_token_s": result.first_token_s,
                    "total_s": result.total_s,
                    "tokens_per_s": result.tokens_per_s,
                    "finish_reason": result.finish_reason,
                    "turns_dropped": prompt.turns_dropped,
                },
                ensure_ascii=False,
            )
        )
    else:
        sys.stdout.write("\n")
        sources = ", ".join(c.title for c in result.grounding) or "none"
        print(
            f"[{result.completion_tokens} tokens, first token {result.first_token_s or 0:.2f}s, "
            f"{result.tokens_per_s:.1f} tok/s; grounded on: {sources}]",
            file=sys.stderr,
        )
    return 0


def _write_stdout(text: str) -> None:
    sys.stdout.write(text)
    sys.stdout.flush()


def _ignore(_text: str) -> None:
    return None


def run(args: argparse.Namespace) -> int:
    """Run a subcommand; user errors print one clear line, not a traceback."""
    try:
        return int(args.handler(args))
    except AgentAssistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
