"""Turn pasted text into customer and agent turns. Pure Python, no Qt.

Accepted input: lines such as `Customer: ...` / `Agent: ...` (with common synonyms,
optional `[10:32]` timestamps and `Name (customer):` forms). Unlabelled lines continue the
turn above them; text before any label, or a block with no labels at all, is the customer's.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from desktop.errors import InputError

Role = Literal["customer", "agent"]

# Large enough for any real conversation, small enough to keep the UI and the prompt snappy.
MAX_CHARS = 100_000

_CUSTOMER_WORDS = (
    "customer|client|user|visitor|guest|requester|end[- ]user|buyer|caller|contact|shopper"
)
_AGENT_WORDS = (
    "agent|support|support agent|assistant|rep|representative|staff|operator|advisor|"
    "associate|customer service|customer support|helpdesk|help desk|you"
)
_TIMESTAMP = (
    r"(?:\[[^\]\n]{1,25}\]\s*|\(?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?\)?\s*[-\u2013]?\s*)?"
)
_LABEL = re.compile(
    rf"^\s*{_TIMESTAMP}(?:(?P<customer>{_CUSTOMER_WORDS})|(?P<agent>{_AGENT_WORDS})"
    rf"|[^:\n()]{{1,40}}\((?P<pcustomer>{_CUSTOMER_WORDS})\)|[^:\n()]{{1,40}}\((?P<pagent>{_AGENT_WORDS})\))"
    r"\s*:\s?",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Turn:
    role: Role
    text: str


@dataclass(frozen=True)
class Transcript:
    turns: tuple[Turn, ...]
    truncated: bool = False  # the input was longer than MAX_CHARS; the oldest part was dropped

    @property
    def is_empty(self) -> bool:
        return not any(t.text for t in self.turns)

    def customer_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.role == "customer"]

    def latest_customer_text(self) -> str:
        customer = self.customer_turns()
        return customer[-1].text if customer else ""

    def to_text(self) -> str:
        return "\n".join(f"{t.role.capitalize()}: {t.text}" for t in self.turns)


def classify_line(line: str) -> tuple[Role | None, int]:
    """Return the role a line's label announces (None if unlabelled) and the label's length."""
    match = _LABEL.match(line)
    if not match:
        return None, 0
    role: Role = "customer" if (match["customer"] or match["pcustomer"]) else "agent"
    return role, match.end()


def clean(text: str) -> tuple[str, bool]:
    """Normalise newlines, drop control characters, refuse binary, keep the newest MAX_CHARS."""
    if not text:
        return "", False
    head = text[:8192]
    if "\x00" in head or len(_CONTROL.findall(head)) > len(head) * 0.05:
        raise InputError(
            "This looks like binary data, not a conversation. "
            "Paste or open a plain-text transcript."
        )
    text = _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    truncated = len(text) > MAX_CHARS
    if truncated:
        text = text[-MAX_CHARS:]
        text = text[text.find("\n") + 1 :] if "\n" in text else text  # start on a whole line
    return text, truncated


def _lines_with_roles(text: str) -> Iterator[tuple[Role, str, bool]]:
    role: Role = "customer"
    for line in text.split("\n"):
        labelled, length = classify_line(line)
        if labelled is not None:
            role = labelled
            yield role, line[length:], True
        else:
            yield role, line, False


def parse(text: str) -> Transcript:
    """Parse a pasted conversation into turns; raises InputError for binary data."""
    text, truncated = clean(text)
    turns: list[Turn] = []
    current_role: Role | None = None
    current: list[str] = []

    def flush() -> None:
        body = "\n".join(current).strip()
        if current_role is not None and body:
            turns.append(Turn(current_role, body))

    for role, line, starts_turn in _lines_with_roles(text):
        if starts_turn or role != current_role:
            flush()
            current_role, current = role, []
        current.append(line)
    flush()
    return Transcript(tuple(turns), truncated)
