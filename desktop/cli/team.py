"""Team-library commands: `agent-assist canned subscribe|unsubscribe|sync|subscriptions`.

They hang under the `canned` command that desktop/cli_canned.py creates, so the library's
commands stay in one place for the agent, while the code stays in its own module.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from desktop import team_library
from desktop.store.library import open_library


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _canned_commands(
    subparsers: argparse._SubParsersAction[argparse.ArgumentParser],
) -> argparse._SubParsersAction[argparse.ArgumentParser]:
    canned = subparsers.choices["canned"]
    for action in canned._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise RuntimeError("the canned command has no subcommands")  # pragma: no cover


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the team commands to `canned` (register after cli_canned)."""
    commands = _canned_commands(subparsers)
    subscribe = commands.add_parser(
        "subscribe", help="follow a team library file (read-only, re-imported when it changes)"
    )
    subscribe.add_argument("file", type=Path, help="library file on a shared folder")
    subscribe.set_defaults(handler=subscribe_command)
    unsubscribe = commands.add_parser(
        "unsubscribe", help="stop following a team library file and remove its responses"
    )
    unsubscribe.add_argument("file", type=Path)
    unsubscribe.set_defaults(handler=unsubscribe_command)
    sync = commands.add_parser("sync", help="re-import the team library files that changed")
    sync.add_argument("--force", action="store_true", help="re-import every file")
    sync.set_defaults(handler=sync_command)
    listing = commands.add_parser("subscriptions", help="list the team library files followed")
    listing.set_defaults(handler=subscriptions_command)


def _print(report: team_library.SyncReport) -> None:
    if report.error:
        _out(f"{report.path}: {report.error} (the last good responses are kept)")
        return
    _out(f"{report.path}: {report.added} added, {report.updated} updated, {report.removed} removed")
    for warning in report.warnings:
        _out(f"  warning: {warning}")


def subscribe_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        _print(team_library.subscribe(library.repo, args.file))
    finally:
        library.close()
    return 0


def unsubscribe_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        removed = team_library.unsubscribe(library.repo, args.file)
    finally:
        library.close()
    _out(f"Unsubscribed from {args.file}: {removed} team responses removed.")
    return 0


def sync_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        reports = team_library.poll(library.repo, force=args.force)
    finally:
        library.close()
    for report in reports:
        _print(report)
    if not reports:
        _out("Team libraries are up to date.")
    return 1 if any(r.error for r in reports) else 0


def subscriptions_command(_args: argparse.Namespace) -> int:
    library = open_library()
    try:
        found = team_library.subscriptions(library.repo)
    finally:
        library.close()
    for sub in found:
        synced = time.strftime("%Y-%m-%d %H:%M", time.localtime(sub.synced_at or 0))
        state = f"error: {sub.error}" if sub.error else f"synced {synced}"
        _out(f"{sub.path}\t{sub.responses} responses\t{state}")
    if not found:
        _out("No team libraries; add one with `agent-assist canned subscribe FILE`.")
    return 0
