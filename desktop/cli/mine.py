"""Headless `agent-assist learn mine`: new canned responses from replies written by hand."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from desktop.errors import InputError
from desktop.store.library import open_library


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def mine_command(args: argparse.Namespace) -> int:
    """Propose responses for the replies the library does not cover; add chosen ones."""
    # The clustering loads numpy and the word vectors: only when this command runs.
    from desktop.importers.replies import read_answers
    from desktop.library import mining

    numbers = _numbers(args.accept) if args.accept else []
    answers = read_answers(args.file)
    mined = mining.mine(answers, _library_texts(args), args.min_size)
    added: list[dict[str, Any]] = []
    learned = 0
    if numbers:
        library = open_library()
        try:
            responses, learned = mining.accept(library.repo.db, mined, numbers)
        finally:
            library.close()
        added = [{"id": r.id, "title": r.title} for r in responses]
    if args.json:
        result = mined.as_dict()
        if numbers:
            result["accepted"] = added
            result["examples_learned"] = learned
        _out(json.dumps(result))
        return 0
    _print_mined(mined, args)
    if numbers:
        _out(f"added {len(added)} canned responses with {learned} examples:")
        for response in added:
            _out(f"  #{response['id']} {response['title']}")
    return 0


def _numbers(text: str) -> list[int]:
    try:
        numbers = [int(part) for part in text.replace(" ", "").split(",") if part]
    except ValueError:
        numbers = []
    if not numbers:
        raise InputError(f"--accept takes proposal numbers as listed, like 1,3 (not {text!r}).")
    return numbers


def _library_texts(args: argparse.Namespace) -> list[str]:
    """The bodies the replies are compared with: none, a library file's, or the app's."""
    if args.no_library:
        return []
    if args.canned is not None:
        from desktop.importers import parse_file

        if not args.canned.is_file():
            raise InputError(f"Canned library not found: {args.canned}.")
        return [r.body for r in parse_file(args.canned)[1].responses]
    library = open_library()
    try:
        return [r.body for r in library.repo.all(active_only=True)]
    finally:
        library.close()


def _print_mined(mined: Any, args: argparse.Namespace) -> None:
    _out(
        f"{len(mined.answers)} replies: {len(mined.covered)} covered by the library, "
        f"{len(mined.proposals)} proposals (clusters of {args.min_size} or more)"
    )
    if mined.left_out:
        _out(f"  the oldest {mined.left_out} uncovered replies were left out (too many)")
    for number, proposal in enumerate(mined.proposals, start=1):
        _out("")
        _out(f"{number}. {proposal.title}  (would have answered {proposal.answered})")
        _out(f"   tags: {', '.join(proposal.tags)}")
        for line in proposal.body.splitlines():
            _out(f"   | {line}" if line.strip() else "   |")
    figures = mined.figures()
    if "purity" in figures:
        _out("")
        _out(
            f"purity {figures['purity']}, intents proposed {figures['intents_proposed']} of "
            f"{figures['intents']} ({figures['intents_covered_by_proposals']}), "
            f"covered by the library {figures['covered_by_library']}"
        )
    if figures["values_left"]:
        _out(f"customer details left in proposals: {', '.join(figures['values_left'])}")
    if mined.proposals and not args.accept:
        against = " --no-library" if args.no_library else ""
        against += f" --canned {args.canned}" if args.canned is not None else ""
        example = "1" if len(mined.proposals) == 1 else "1,2"
        _out("")
        _out(f"add some with: agent-assist learn mine {args.file}{against} --accept {example}")
