"""The labelled cases of `agent-assist eval`, the drafts' eval and the benchmarks.

A case is one JSON line: `{"id", "conversation": [{"role", "text"}], "expected_intent"}`, with
an optional `"language"` (the customer's, e.g. "de") by which the hit rates can be split. No Qt.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from desktop.errors import InputError
from desktop.transcript import Transcript, Turn

ROLES = ("customer", "agent")


@dataclass(frozen=True)
class Case:
    id: str
    transcript: Transcript
    expected_intent: str
    language: str = ""  # the customer's language when the case file says so


def load_cases(path: Path) -> list[Case]:
    """Read a JSONL file of cases; a bad line is reported by number."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except OSError as exc:
        raise InputError(f"Cannot read {path}: {exc.strerror}.") from exc
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} is not UTF-8 text.") from exc
    cases = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            turns = tuple(
                Turn(t["role"], str(t["text"]))
                for t in record["conversation"]
                if t["role"] in ROLES
            )
            cases.append(
                Case(
                    str(record.get("id", number)),
                    Transcript(turns),
                    str(record["expected_intent"]),
                    str(record.get("language") or ""),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise InputError(f"{path.name}, line {number}: not a valid case ({exc}).") from exc
    if not cases:
        raise InputError(f"{path.name} holds no cases.")
    return cases
