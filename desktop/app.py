"""Composition root: parse arguments, set up logging, then run a command or the window."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from desktop import __version__, cli, paths
from desktop.system import display_check


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="agent-assist",
        description="Offline reply suggestions for customer-support agents.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--model", type=Path, help="GGUF model to load (saved as the new default)")
    parser.add_argument("--conversation", type=Path, help="open this conversation text file")
    handover = parser.add_mutually_exclusive_group()
    handover.add_argument(
        "--from-clipboard",
        action="store_true",
        help="hand the clipboard to the running window as a new conversation (bind to a key)",
    )
    handover.add_argument(
        "--from-selection",
        action="store_true",
        help="the same with the selected text (X11 primary selection), else the clipboard",
    )
    handover.add_argument("--text", help=argparse.SUPPRESS)  # scripts: hand over this text
    parser.add_argument(
        "--minimized",
        action="store_true",
        help="start hidden in the tray (minimised where there is none): the login entry uses it",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check this installation end to end (model, database, window) and exit",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    cli.add_commands(subparsers)  # each command's code loads only when it runs
    return parser


def configure_logging() -> None:
    handlers: list[logging.Handler] = [logging.StreamHandler()]
    handlers[0].setLevel(logging.WARNING)
    try:
        paths.data_dir().mkdir(parents=True, exist_ok=True)
        file_handler = logging.FileHandler(paths.log_path(), encoding="utf-8")
        file_handler.setLevel(logging.INFO)
        handlers.append(file_handler)
    except OSError:
        pass  # an unwritable data folder is reported where it matters (opening the database)
    logging.basicConfig(
        level=logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
    )


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.self_test:
        # Before configure_logging: the self-test must not touch the user's data folder.
        from desktop.ui.selftest import run_self_test

        return run_self_test()
    configure_logging()
    if getattr(args, "handler", None):
        return cli.run(args)
    problem = display_check.display_problem()
    if problem:
        print(problem, file=sys.stderr)
        return 3
    from desktop.ui.launch import run_gui  # Qt only when a window is wanted: the CLI stays light

    return run_gui(args)
