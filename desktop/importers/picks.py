"""Past tickets answered with a canned response: `conversation, canned` rows for learning.

The plain format of `agent-assist learn import` and `eval --learn-from` (Zendesk tickets with
their audits too, desktop.importers.zendesk_audits): a CSV with a header
naming a conversation column and a canned column (title, short code or id), or JSON / JSON
Lines of `{"conversation": [{"role", "text"}] or "text", "canned": "<title or id>"}`. A text
conversation is read as a pasted one is (labelled turns, or all the customer's). No Qt.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop.errors import ImportFileError
from desktop.importers.base import decode_json, read_text
from desktop.importers.history_rows import CONVERSATION_COLUMNS, columns, parsed
from desktop.transcript import Transcript, Turn

ROLES = ("customer", "agent")
CANNED_COLUMNS = ("canned", "canned_response", "response", "macro", "title", "id")


@dataclass(frozen=True)
class Pick:
    """A past conversation and the canned response (title or id) the agent answered it with."""

    transcript: Transcript
    canned: str
    ref: str = ""  # "source:record id" of an imported response (a Zendesk macro's id)


def read_picks(path: Path) -> list[Pick]:
    """Every pick in `path` (CSV by its extension, else JSON or JSON Lines)."""
    if not path.is_file():
        raise ImportFileError(f"File not found: {path}.")
    text = read_text(path)
    picks = _from_csv(text, path.name) if path.suffix.lower() == ".csv" else _from_json(text, path)
    if not picks:
        raise ImportFileError(f"{path.name} holds no conversations with a canned response.")
    return picks


def _from_json(text: str, path: Path) -> list[Pick]:
    from desktop.importers import zendesk_audits  # its own format, read by its own module

    data = decode_json(text, path.name)
    if zendesk_audits.is_audits(data):
        return zendesk_audits.picks_from(data)
    records = data if isinstance(data, list) else [data]
    picks = []
    for number, record in enumerate(records, start=1):
        try:
            picks.append(Pick(_transcript(record["conversation"]), str(record["canned"])))
        except (KeyError, TypeError, AttributeError) as exc:
            raise ImportFileError(
                f"{path.name}, record {number}: needs a conversation and a canned ({exc})."
            ) from exc
    return [p for p in picks if p.canned.strip() and not p.transcript.is_empty]


def _transcript(conversation: Any) -> Transcript:
    if isinstance(conversation, str):
        return parsed(conversation)
    return Transcript(
        tuple(Turn(t["role"], str(t["text"])) for t in conversation if t["role"] in ROLES)
    )


def _from_csv(text: str, name: str) -> list[Pick]:
    reader = csv.DictReader(io.StringIO(text))
    conversation, canned = columns(reader, CONVERSATION_COLUMNS, CANNED_COLUMNS)
    if conversation is None or canned is None:
        raise ImportFileError(
            f"{name}: the first row must name a conversation column and a canned column "
            f"(for example: conversation,canned)."
        )
    picks = []
    for row in reader:
        text_value, canned_value = (row.get(conversation) or "").strip(), row.get(canned) or ""
        if text_value and canned_value.strip():
            picks.append(Pick(parsed(text_value), canned_value.strip()))
    return picks
