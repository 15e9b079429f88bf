"""Headless `agent-assist learn import|stats|forget`: the examples the ranking learns from."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from desktop.errors import InputError
from desktop.importers.picks import Pick, read_picks
from desktop.library.team_examples import from_team
from desktop.store.examples import ExampleStore
from desktop.store.learning import Answered, learn_many, resolve_canned
from desktop.store.library import open_library


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def import_command(args: argparse.Namespace) -> int:
    """Every row naming a known response becomes an example, all in one transaction."""
    picks = read_picks(args.file)
    library = open_library()
    try:
        db = library.repo.db
        ids = resolve_canned(db, [n for p in picks for n in (p.ref, p.canned) if n])
        unknown = sorted({p.canned for p in picks if _known(p, ids) is None})
        answered = [
            Answered(found, p.transcript) for p in picks if (found := _known(p, ids)) is not None
        ]
        if not answered:
            raise InputError(
                f"None of the {len(picks)} rows of {args.file.name} names a canned response "
                f"of the library (by title, short code or id): nothing learned."
            )
        kept = learn_many(db, answered, source="import")
    finally:
        library.close()
    result: dict[str, Any] = {"rows": len(picks), "learned": kept, "unknown": unknown}
    if args.json:
        _out(json.dumps(result))
        return 0
    _out(f"learned {kept} examples from {len(picks)} rows of {args.file.name}")
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


def _known(pick: Pick, ids: dict[str, int]) -> int | None:
    """The response a pick names: by its record reference first, else by its name."""
    return ids.get(pick.ref) if pick.ref in ids else ids.get(pick.canned)
