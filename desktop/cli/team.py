"""Team-library commands: `agent-assist canned subscribe|unsubscribe|sync|subscriptions`.

They hang under the `canned` command (see desktop/cli/registry.py), so the library's commands
stay in one place for the agent, while the code stays in its own module.
"""

from __future__ import annotations

import argparse
import sys
import time

from desktop import settings as app_settings
from desktop.library import team as team_library
from desktop.library import team_examples
from desktop.store.library import open_library


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


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
    share = app_settings.load().share_examples
    library = open_library()
    try:
        reports = team_library.poll(library.repo, force=args.force)
        # After the libraries, so a colleague's picks find the responses they name.
        shared = team_examples.sync_examples(library.repo, share)
    finally:
        library.close()
    for report in reports:
        _print(report)
    if not reports:
        _out("Team libraries are up to date.")
    for example_report in shared if share else []:
        _print_examples(example_report)
    return 1 if any(r.error for r in reports) else 0


def _print_examples(report: team_examples.ExamplesReport) -> None:
    """A colleague's unreadable sidecar is told, but does not fail the sync."""
    _out(
        f"{report.library}: {report.exported} of your picks shared, "
        f"{report.learned} learned from the team, {report.removed} replaced"
    )
    for error in report.errors:
        _out(f"  warning: {error}")


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
