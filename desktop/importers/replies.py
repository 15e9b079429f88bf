"""Past conversations with the reply an agent wrote: what `agent-assist learn mine` reads.

Accepted: JSON or JSON Lines of `{"conversation": [{"role", "text"}] or "text", "reply":
"..."}` (`reference_reply` and `answer` name the reply too), or of `{"messages": [{"role",
"text"}]}` where the last agent turn is the reply and the turns before it the conversation;
and a CSV whose header names a conversation column and a reply column. An `intent` (or
`expected_intent`) is kept when a row has one, so that a labelled history can measure how
pure the mined clusters are. No Qt.
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

REPLY_COLUMNS = ("reply", "agent_reply", "answer", "response", "reference_reply")
INTENT_COLUMNS = ("intent", "expected_intent")
# Chat-export role names read as the app's two roles.
ROLES = {
    "customer": "customer",
    "user": "customer",
    "client": "customer",
    "agent": "agent",
    "assistant": "agent",
    "support": "agent",
}


@dataclass(frozen=True)
class Answer:
    """One conversation (up to the reply) and the reply an agent wrote to it."""

    transcript: Transcript
    reply: str
    intent: str = ""  # a label the file carries, for measuring; "" when none
    meta: tuple[tuple[str, str], ...] = ()  # other string fields of the row (an entity's value)


def read_answers(path: Path) -> list[Answer]:
    """Every conversation with a reply in `path` (CSV by its extension, else JSON or JSONL)."""
    if not path.is_file():
        raise ImportFileError(f"File not found: {path}.")
    text = read_text(path)
    if not text.strip():
        raise ImportFileError(f"{path.name} is empty: no conversations with a reply.")
    if path.suffix.lower() == ".csv":
        answers = _from_csv(text, path.name)
    else:
        answers = _from_json(text, path.name)
    if not answers:
        raise ImportFileError(f"{path.name} holds no conversations with an agent's reply.")
    return answers


def _from_json(text: str, name: str) -> list[Answer]:
    data = decode_json(text, name)
    records = data if isinstance(data, list) else [data]
    answers = []
    for number, record in enumerate(records, start=1):
        try:
            answer = _record(record)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            why = f"no {exc.args[0]!r} field" if isinstance(exc, KeyError) else str(exc)
            raise ImportFileError(
                f"{name}, record {number}: needs a conversation and a reply, or messages "
                f"ending with an agent's turn ({why})."
            ) from exc
        if answer is not None:
            answers.append(answer)
    return answers


def _record(record: Any) -> Answer | None:
    """The answer a record holds; None for one with an empty reply or conversation."""
    if not isinstance(record, dict):
        raise TypeError(f"a record is an object, not {type(record).__name__}")
    if "messages" in record and not any(k in record for k in REPLY_COLUMNS):
        turns = _turns(record["messages"])
        last = max((i for i, t in enumerate(turns) if t.role == "agent"), default=-1)
        if last < 0:
            raise ValueError("no agent turn among the messages")
        transcript, reply = Transcript(tuple(turns[:last])), turns[last].text
    else:
        key = next((k for k in REPLY_COLUMNS if k in record), None)
        if key is None:
            raise KeyError("reply")
        reply = record[key]
        if not isinstance(reply, str):
            raise TypeError(f"the reply is {type(reply).__name__}, not text")
        transcript = _transcript(record["conversation"])
    if not reply.strip() or transcript.is_empty:
        return None
    intent = next((str(record[k]) for k in INTENT_COLUMNS if record.get(k)), "")
    return Answer(transcript, reply.strip(), intent, _meta(record))


def _meta(record: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """A row's entity annotations (Bitext's `meta.entity_value`), kept for checks."""
    meta = record.get("meta")
    if not isinstance(meta, dict):
        return ()
    return tuple((str(k), v) for k, v in meta.items() if isinstance(v, str) and v)


def _turns(items: Any) -> list[Turn]:
    if not isinstance(items, list):
        raise TypeError("the turns are not a list")
    turns = []
    for item in items:
        role = ROLES.get(str(item["role"]).strip().lower())
        text = item.get("text", item.get("content"))
        if role is not None and isinstance(text, str) and text.strip():
            turns.append(Turn(role, text))  # type: ignore[arg-type]  # checked just above
    return turns


def _transcript(conversation: Any) -> Transcript:
    if isinstance(conversation, str):
        return parsed(conversation)
    return Transcript(tuple(_turns(conversation)))


def _from_csv(text: str, name: str) -> list[Answer]:
    reader = csv.DictReader(io.StringIO(text))
    conversation, reply, intent = columns(
        reader, CONVERSATION_COLUMNS, REPLY_COLUMNS, INTENT_COLUMNS
    )
    if conversation is None or reply is None:
        raise ImportFileError(
            f"{name}: the first row must name a conversation column and a reply column "
            f"(for example: conversation,reply)."
        )
    answers = []
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise ImportFileError(f"{name}, line {reader.line_num}: not valid CSV ({exc}).") from exc
    for row in rows:
        said, answered = (row.get(conversation) or "").strip(), (row.get(reply) or "").strip()
        if said and answered:
            label = (row.get(intent) or "").strip() if intent else ""
            answers.append(Answer(parsed(said), answered, label))
    return answers
