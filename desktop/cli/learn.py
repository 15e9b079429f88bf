"""Headless `agent-assist learn import|stats|forget`: the examples the ranking learns from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from desktop.errors import InputError
from desktop.library.team_examples import from_team
from desktop.library.ticket_history import learn_from_file
from desktop.store.examples import ExampleStore
from desktop.store.learning import resolve_canned
from desktop.store.library import open_library


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def import_command(args: argparse.Namespace) -> int:
    """Every row naming a known response becomes an example, all in one transaction."""
    library = open_library()
    try:
        report = learn_from_file(library.repo, args.file)
    finally:
        library.close()
    unknown = list(report.unknown)
    result: dict[str, Any] = {"rows": report.rows, "learned": report.learned, "unknown": unknown}
    if args.json:
        _out(json.dumps(result))
        return 0
    _out(f"learned {report.learned} examples from {report.rows} rows of {args.file.name}")
    if unknown:
        _out(f"{len(unknown)} names match no canned response: {', '.join(unknown[:20])}")
    return 0


def stats_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        stats = ExampleStore(library.repo.db).stats()
    finally:
        library.close()
    stats["from_team"] = from_team(stats["by_source"])
    if args.json:
        _out(json.dumps(stats))
        return 0
    _out(f"{stats['examples']} examples of {stats['responses']} canned responses")
    for source, counts in sorted(stats["by_source"].items()):
        if not source.startswith("team:"):  # one line per colleague's file: summed below
            _out(f"  {source:<7} {counts['picks']} picks, {counts['against']} passed over")
    team = stats["from_team"]
    if team["picks"] or team["against"]:
        _out(f"  {'team':<7} {team['picks']} picks, {team['against']} passed over")
    if stats["without_response"]:
        _out(f"  {stats['without_response']} belong to deleted responses (ignored)")
    return 0


def forget_command(args: argparse.Namespace) -> int:
    if args.canned is None and args.source is None and not args.all:
        raise InputError("Say what to forget: --canned TITLE, --source app|import, or --all.")
    library = open_library()
    try:
        db = library.repo.db
        canned_id = None
        if args.canned is not None:
            found = resolve_canned(db, [args.canned])
            if not found:
                raise InputError(f"No canned response is called {args.canned!r}.")
            canned_id = found[args.canned]
        gone = ExampleStore(db).forget(canned_id=canned_id, source=args.source)
    finally:
        library.close()
    _out(f"forgot {gone} examples")
    return 0
