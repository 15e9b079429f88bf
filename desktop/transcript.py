"""Turn pasted text into customer and agent turns. Pure Python, no Qt.

Accepted input is whatever an agent pastes (desktop/threads reads it): labelled chats
(`Customer:`/`Agent:` and their synonyms in 11 languages, `[10:32] Zara:`, `Jane (customer):`,
`Visitor 4821:`, `Bot:`), helpdesk exports (name, date line, message), e-mail chains (quoted
replies, Outlook headers) and single e-mails. Unlabelled lines continue the turn above them;
text before any label, or a block with no labels at all, is the customer's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from desktop.errors import InputError
from desktop.threads.labels import classify_line, role_of_name
from desktop.threads.model import Role
from desktop.threads.reader import read

__all__ = ["MAX_CHARS", "Role", "Transcript", "Turn", "classify_line", "clean", "parse"]

# Large enough for any real conversation, small enough to keep the UI and the prompt snappy.
MAX_CHARS = 100_000

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class Turn:
    role: Role
    text: str
    speaker: str = ""  # the name the paste gives ("Chloe", "Visitor 4821"), when it gives one


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

    @property
    def agent_names(self) -> tuple[str, ...]:
        """The team's people named in this thread ("Chloe"), in order of appearance.

        Labels that name a role or the team rather than a person ("Agent", "Bot",
        "Larkfield Customer Care") are left out.
        """
        names = (
            t.speaker
            for t in self.turns
            if t.role == "agent" and t.speaker and role_of_name(t.speaker) is None
        )
        return tuple(dict.fromkeys(names))

    def to_text(self) -> str:
        return "\n".join(f"{t.role.capitalize()}: {t.text}" for t in self.turns)


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


def parse(text: str) -> Transcript:
    """Parse a pasted conversation into turns, oldest first; raises InputError for binary data."""
    text, truncated = clean(text)
    turns = tuple(Turn(m.role or "customer", m.text, m.speaker) for m in read(text))
    return Transcript(turns, truncated)
