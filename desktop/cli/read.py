"""Headless reading: `agent-assist read FILE [--json] [--lines]`.

`--lines` reads each line of FILE as a one-message conversation and prints one JSON object
per line, so thousands of messages are read in one process (the models load once).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop.evaluation.library import memory_repository
from desktop.importers import bitext
from desktop.reading import Reading, read_conversation
from desktop.store.library import open_library
from desktop.textfile import read_text
from desktop.transcript import MAX_CHARS, Transcript, Turn, parse

LINES_LIMIT = 50_000_000  # bytes: a file of many messages


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _text(source: Path, limit: int) -> str:
    return read_text(sys.stdin.buffer if str(source) == "-" else source, limit)


def read_command(args: argparse.Namespace) -> int:
    if args.canned is not None:
        repo = memory_repository(bitext.parse(args.canned).responses)
    else:
        repo = open_library().repo
    try:
        if args.lines:
            for line in _text(args.file, LINES_LIMIT).splitlines():
                if line.strip():
                    transcript = Transcript((Turn("customer", line.strip()),))
                    _out(read_conversation(transcript, repo.db).as_json())
            return 0
        reading = read_conversation(parse(_text(args.file, MAX_CHARS * 4)), repo.db)
    finally:
        repo.db.close()
    _out(reading.as_json() if args.json else _describe(reading))
    return 0


def _describe(reading: Reading) -> str:
    intents = ", ".join(f"{g.intent} {g.confidence:.0%}" for g in reading.intents) or "none"
    cues = "; ".join(f"{kind}: {words}" for kind, words in reading.cues) or "none"
    lines = [
        f"language   {reading.language or 'unknown'}",
        f"sentiment  {reading.sentiment}" + (f" ({reading.emotion})" if reading.emotion else ""),
        f"urgency    {reading.urgency}",
        f"cues       {cues}",
        f"intents    {intents}",
    ]
    if reading.abstain:
        lines.append("no matching canned response")
    return "\n".join(lines)
