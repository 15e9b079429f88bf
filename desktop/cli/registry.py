"""Every headless command's arguments, in one place; the commands' code loads when it runs.

Each command names its handler as a module of this package and a function (`Handler`), and
that module is imported only when the command runs: `agent-assist --help` and
`agent-assist canned list` load neither the models, numpy nor the evaluation code. So the
imports here stay light, and the choices below are plain values: the option enums and the
importers' registry pull in the ranking (numpy). tests/test_cli_registry.py holds them equal.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from desktop import paths
from desktop.errors import AgentAssistError

Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

# The evaluation sets ship in resources/eval (the packaged app has them too).
EVAL_DIR = paths.eval_dir()
# desktop.drafting.options' DraftMode, Tone, Length; desktop.drafting.offered's Mode.
DRAFT_MODES = ("adapt", "free")
TONES = ("friendly", "formal", "empathetic", "concise")
LENGTHS = ("short", "medium", "detailed")
CHECK_MODES = ("remove", "mark")
# desktop.importers.format_names(), and what desktop.library.service exports.
IMPORT_FORMATS = (
    "json", "csv", "zendesk", "freshdesk", "chatwoot", "zammad", "intercom", "osticket",
    "helpscout", "espanso", "textexpander", "bitext",
)  # fmt: skip
EXPORT_FORMATS = ("json", "csv")


@dataclass(frozen=True)
class Handler:
    """A command's function, `desktop.cli.<module>.<function>`, imported on the first call."""

    module: str
    function: str

    def load(self) -> Callable[[argparse.Namespace], int]:
        found: Callable[[argparse.Namespace], int] = getattr(
            importlib.import_module(f"desktop.cli.{self.module}"), self.function
        )
        return found

    def __call__(self, args: argparse.Namespace) -> int:
        return int(self.load()(args))


def run(args: argparse.Namespace) -> int:
    """Run a subcommand; user errors print one clear line, not a traceback."""
    try:
        status = int(args.handler(args))
        sys.stdout.flush()  # here, where a closed pipe can still be caught
        return status
    except AgentAssistError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader stopped early (`canned list | head -5`): stop quietly, as other tools do.
        # Python would try to flush stdout again at exit; point it at nothing instead.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
        return 141  # 128 + SIGPIPE, what a shell shows for a tool the pipe ended


def add_commands(subparsers: Subparsers) -> None:
    """Every command, in the order `--help` lists them."""
    _suggest(subparsers)
    _eval(subparsers)
    _eval_conversations(subparsers)
    canned = _canned(subparsers)
    _team(canned)
    _models(subparsers)
    _stats(subparsers)
    _learn(subparsers)
    _read(subparsers)
    _eval_mood(subparsers)
    _api(subparsers)
    _bench(subparsers)


def _suggest(subparsers: Subparsers) -> None:
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
    suggest.add_argument("--server", help="OpenAI-compatible server URL instead of a local model")
    suggest.add_argument("--server-model", help="model name on that server (default: its only one)")
    suggest.add_argument(
        "--mode",
        choices=DRAFT_MODES,
        default="adapt",
        help="adapt the best canned response (default) or write freely",
    )
    suggest.add_argument(
        "--tone",
        choices=TONES,
        help="default: friendly, or empathetic when the customer is upset",
    )
    suggest.add_argument("--length", choices=LENGTHS, default="medium")
    suggest.add_argument(
        "--alternatives", type=int, default=1, help="drafts to write (each checked; default 1)"
    )
    suggest.add_argument(
        "--checks",
        choices=CHECK_MODES,
        default="remove",
        help="flagged sentences are removed (default) or only marked",
    )
    suggest.set_defaults(handler=Handler("suggest", "suggest_command"))

    summary = subparsers.add_parser(
        "summarize", help="handover notes: what the customer wants, what was done, what is open"
    )
    summary.add_argument("file", nargs="?", default="-", help="conversation text file, or -")
    summary.add_argument("--json", action="store_true", help="print one JSON object")
    summary.add_argument("--model", type=Path, help="GGUF model file (default: the bundled model)")
    summary.add_argument("--seed", type=int, help="sampling seed, for repeatable output")
    summary.set_defaults(handler=Handler("suggest", "summarize_command"))


def _eval(subparsers: Subparsers) -> None:
    ev = subparsers.add_parser("eval", help="measure how well ranking finds the right response")
    _cases_and_library(
        ev,
        (EVAL_DIR / "dev_cases.jsonl", "JSONL file of labelled conversations", "Bitext dev cases"),
        (EVAL_DIR / "canned.json", "library to rank, Bitext JSON", "Bitext library"),
    )
    ev.add_argument(
        "--by-language",
        action="store_true",
        help="also give top-1/top-3 per language (the cases' `language` field)",
    )
    ev.add_argument(
        "--drafts",
        type=int,
        metavar="N",
        help="also draft replies for the first N cases and measure how trustworthy they are",
    )
    ev.add_argument(
        "--model",
        type=Path,
        action="append",
        help="GGUF to draft with (repeat to compare models; default: the configured one)",
    )
    ev.add_argument("--mode", choices=DRAFT_MODES, default="adapt")
    ev.add_argument("--tone", choices=TONES, default="friendly")
    ev.add_argument(
        "--learn-from",
        type=Path,
        metavar="PICKS",
        help="also rank after learning from past picks (JSONL/CSV of conversation, canned)",
    )
    ev.set_defaults(handler=Handler("eval", "eval_command"))

    bench = subparsers.add_parser(
        "bench-retrieval", help="time ranking over a large synthetic library"
    )
    bench.add_argument("--size", type=int, default=100_000, help="library size")
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
    bench.set_defaults(handler=Handler("eval", "bench_command"))


def _cases_and_library(
    parser: argparse.ArgumentParser, cases: tuple[Path, str, str], canned: tuple[Path, str, str]
) -> None:
    """What every evaluation command takes: cases, --canned (shipped ones by default), --json."""
    path, what, shipped = cases
    parser.add_argument(
        "cases", type=Path, nargs="?", default=path, help=f"{what} (default: the shipped {shipped})"
    )
    path, what, shipped = canned
    parser.add_argument(
        "--canned", type=Path, default=path, help=f"{what} (default: the shipped {shipped})"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON object")


def _eval_conversations(subparsers: Subparsers) -> None:
    ev = subparsers.add_parser(
        "eval-conversations",
        help="measure the whole pipeline on realistic pasted threads (per kind)",
    )
    realistic = EVAL_DIR / "realistic"
    _cases_and_library(
        ev,
        (realistic / "conversations.jsonl", "JSONL of realistic cases", "realistic dev set"),
        (realistic / "library.json", "the team's library, any importable format", "shop library"),
    )
    ev.add_argument(
        "--no-drafts",
        action="store_true",
        help="rank only: no model, no draft measures (fast)",
    )
    ev.add_argument("--model", type=Path, help="GGUF to draft with (default: the configured one)")
    ev.add_argument("--limit", type=int, help="only the first N cases")
    ev.set_defaults(handler=Handler("conversations", "eval_conversations_command"))


def _canned(subparsers: Subparsers) -> Subparsers:
    canned = subparsers.add_parser("canned", help="import, export or list canned responses")
    commands = canned.add_subparsers(title="canned commands", metavar="COMMAND", required=True)

    importer = commands.add_parser("import", help="add responses from another tool's export")
    importer.add_argument("file", type=Path, help="file to import")
    importer.add_argument(
        "--format",
        default="auto",
        choices=["auto", *IMPORT_FORMATS],
        help="the file's format (default: detect it from the file)",
    )
    importer.add_argument(
        "--replace-samples",
        action="store_true",
        help="first remove the sample responses that are still as shipped (same transaction)",
    )
    importer.set_defaults(handler=Handler("canned", "import_command"))

    samples = commands.add_parser(
        "remove-samples", help="remove the sample responses that are still as shipped"
    )
    samples.set_defaults(handler=Handler("canned", "remove_samples_command"))

    exporter = commands.add_parser("export", help="write the whole library to a file")
    exporter.add_argument("file", type=Path, help="file to write (replaced if it exists)")
    exporter.add_argument(
        "--format", choices=EXPORT_FORMATS, help="json or csv (default: from the file name)"
    )
    exporter.set_defaults(handler=Handler("canned", "export_command"))

    lister = commands.add_parser("list", help="print the library, one response per line")
    lister.set_defaults(handler=Handler("canned", "list_command"))

    backups = commands.add_parser("backups", help="list the library's automatic backups")
    backups.set_defaults(handler=Handler("canned", "backups_command"))

    backup_now = commands.add_parser("backup", help="back up the library now")
    backup_now.set_defaults(handler=Handler("canned", "backup_command"))

    restorer = commands.add_parser(
        "restore", help="replace the library with a backup (the current one is kept aside)"
    )
    restorer.add_argument("file", help="a backup's file name (see `canned backups`) or path")
    restorer.set_defaults(handler=Handler("canned", "restore_command"))
    return commands


def _team(commands: Subparsers) -> None:
    """The team library's commands, under `canned`: the library's commands stay in one place."""
    subscribe = commands.add_parser(
        "subscribe", help="follow a team library file (read-only, re-imported when it changes)"
    )
    subscribe.add_argument("file", type=Path, help="library file on a shared folder")
    subscribe.set_defaults(handler=Handler("team", "subscribe_command"))
    unsubscribe = commands.add_parser(
        "unsubscribe", help="stop following a team library file and remove its responses"
    )
    unsubscribe.add_argument("file", type=Path)
    unsubscribe.set_defaults(handler=Handler("team", "unsubscribe_command"))
    sync = commands.add_parser("sync", help="re-import the team library files that changed")
    sync.add_argument("--force", action="store_true", help="re-import every file")
    sync.set_defaults(handler=Handler("team", "sync_command"))
    listing = commands.add_parser("subscriptions", help="list the team library files followed")
    listing.set_defaults(handler=Handler("team", "subscriptions_command"))


def _models(subparsers: Subparsers) -> None:
    models = subparsers.add_parser(
        "models", help="list the GGUF models on this machine (other apps' folders included)"
    )
    models.add_argument("--json", action="store_true", help="print one JSON object")
    models.add_argument(
        "--all", action="store_true", help="also list files that cannot be used, with the reason"
    )
    models.add_argument(
        "--folder", action="append", type=Path, default=[], help="also scan this folder"
    )
    models.add_argument(
        "--context", type=int, help="context size for the memory estimate (default: settings)"
    )
    models.add_argument(
        "--speed",
        nargs="?",
        const="",
        metavar="PATH",
        help="measure the expected speed of the recommended model (or PATH) with a short "
        "warm-up; measured once per file, then cached",
    )
    models.add_argument(
        "--writing",
        nargs="?",
        const="",
        metavar="PATH",
        help="check whether the configured model (or PATH) writes whole replies well enough "
        "to be chosen for them automatically; checked once per file, then cached",
    )
    models.set_defaults(handler=Handler("models", "models_command"))


def _stats(subparsers: Subparsers) -> None:
    stats = subparsers.add_parser("stats", help="acceptance of ready replies and drafts")
    stats.add_argument("--days", type=int, default=30, help="period, in days (default 30)")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(handler=Handler("stats", "stats_command"))


def _learn(subparsers: Subparsers) -> None:
    learn = subparsers.add_parser("learn", help="teach the ranking from past tickets and picks")
    commands = learn.add_subparsers(dest="learn_command", required=True)
    imported = commands.add_parser(
        "import",
        help="learn from past tickets: CSV/JSONL of conversation, canned (or Zendesk audits)",
    )
    imported.add_argument("file", type=Path)
    imported.add_argument("--json", action="store_true", help="print one JSON object")
    imported.set_defaults(handler=Handler("learn", "import_command"))
    stats = commands.add_parser("stats", help="how many examples the ranking learns from")
    stats.add_argument("--json", action="store_true", help="print one JSON object")
    stats.set_defaults(handler=Handler("learn", "stats_command"))
    forget = commands.add_parser("forget", help="forget learned examples")
    forget.add_argument("--canned", help="only this response's (title or id)")
    forget.add_argument("--source", choices=("app", "import"), help="only picks, or imports")
    forget.add_argument("--all", action="store_true", help="every example (say so explicitly)")
    forget.set_defaults(handler=Handler("learn", "forget_command"))
    mine = commands.add_parser(
        "mine",
        help="propose new canned responses from replies agents keep writing by hand",
    )
    mine.add_argument("file", type=Path, help="JSONL/JSON/CSV of conversations with the reply")
    against = mine.add_mutually_exclusive_group()
    against.add_argument(
        "--canned", type=Path, help="compare with this library file (default: your library)"
    )
    against.add_argument(
        "--no-library", action="store_true", help="compare with no library: propose for all"
    )
    mine.add_argument(
        "--min-size", type=int, default=3, help="replies a proposal needs at least (default 3)"
    )
    mine.add_argument(
        "--accept", help="add these proposals (numbers as listed, e.g. 1,3) to your library"
    )
    mine.add_argument("--json", action="store_true", help="print one JSON object")
    mine.set_defaults(handler=Handler("mine", "mine_command"))


def _read(subparsers: Subparsers) -> None:
    read = subparsers.add_parser(
        "read", help="read a conversation: language, mood, urgency, intents"
    )
    read.add_argument("file", type=Path, help="conversation text file, or - for stdin")
    read.add_argument("--json", action="store_true", help="print one JSON object")
    read.add_argument(
        "--lines", action="store_true", help="each line is a one-message conversation (JSONL out)"
    )
    read.add_argument(
        "--canned", type=Path, help="rank intents against this library (Bitext JSON) instead"
    )
    read.set_defaults(handler=Handler("read", "read_command"))


def _eval_mood(subparsers: Subparsers) -> None:
    ev = subparsers.add_parser(
        "eval-mood",
        help="measure the mood reader: negative recall/precision, 3-class accuracy per language",
    )
    ev.add_argument(
        "files",
        nargs="*",
        type=Path,
        help="labelled JSONL (default: the UMSAB dev set and the realistic conversations)",
    )
    ev.add_argument("--json", action="store_true", help="one JSON object per file")
    ev.add_argument(
        "--cues-only", action="store_true", help="the cue lists alone (the reader before meaning)"
    )
    ev.set_defaults(handler=Handler("mood", "eval_mood_command"))


def _api(subparsers: Subparsers) -> None:
    api = subparsers.add_parser(
        "api", help="serve the local HTTP API on 127.0.0.1 (suggest, canned search, feedback)"
    )
    api.add_argument("--port", type=int, help="port (default: the settings' api_port, 8765)")
    api.add_argument("--host", default="127.0.0.1", help="127.0.0.1 (or ::1); nothing else")
    api.set_defaults(handler=Handler("api", "api_command"))


def _bench(subparsers: Subparsers) -> None:
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
    parser.add_argument("--cases", type=Path, default=EVAL_DIR / "dev_cases.jsonl")
    parser.add_argument("--canned", type=Path, default=EVAL_DIR / "canned.json")
    parser.add_argument("--no-startup", action="store_true", help="skip the --self-test child")
    parser.add_argument("--no-event-loop", action="store_true", help="skip the Qt child")
    parser.set_defaults(handler=Handler("bench", "bench_command"))
