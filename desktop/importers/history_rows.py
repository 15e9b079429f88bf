"""What the past-conversation importers share (picks.py, replies.py). No Qt.

A conversation given as text is read as a pasted one is, and a CSV's columns are found by any
of their usual names, whatever their case.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence

from desktop.errors import ImportFileError, InputError
from desktop.transcript import Transcript, parse

CONVERSATION_COLUMNS = ("conversation", "text", "message", "question", "ticket")


def parsed(text: str) -> Transcript:
    """A conversation given as text, parsed as a paste; a bad one is the file's error."""
    try:
        return parse(text)
    except InputError as exc:
        raise ImportFileError(str(exc)) from exc


def columns(reader: csv.DictReader[str], *names: Sequence[str]) -> list[str | None]:
    """For each list of `names`, the header of the first one the CSV has (None: none of them)."""
    header = {h.strip().lower(): h for h in reader.fieldnames or [] if h}
    return [next((header[n] for n in wanted if n in header), None) for wanted in names]
