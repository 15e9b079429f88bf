"""Which side each pasted line belongs to, for painting the paste as it was parsed.

The parse reorders (e-mails are newest first) and drops lines (headers, quote marks, noise), so
the source lines are matched back to the turns by their text. A line that no turn holds takes
the role of the turn below it when it is a header ("Chloe (Support)", a date, "From: …", "On …
wrote:") and of the turn above it when it is a footer or a bare quote mark; blank lines get
None. Lines that two sides both wrote ("Thanks") take the first side that wrote them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

from desktop.threads.labels import classify_line, name_label
from desktop.threads.model import Role
from desktop.threads.noise import is_noise_line

_QUOTES = re.compile(r"^(?:\s*>)+\s?")
# A line that opens the next message of an e-mail chain, never a signature's.
_HEADER = re.compile(
    r"^\s*(?:from|sent|to|cc|subject|date|von|gesendet|an|betreff|de|envoyé|à|objet|asunto|"
    r"enviado|para|da|inviato|oggetto|van|verzonden|aan|onderwerp)\s*:|"
    r"(?:wrote|schrieb|a écrit|escribió|ha scritto|escreveu|schreef)\s*:?\s*$|^\s*[-_=]{5,}",
    re.IGNORECASE,
)


class _TurnLike(Protocol):
    @property
    def role(self) -> Role: ...

    @property
    def text(self) -> str: ...


def _key(line: str) -> str:
    return " ".join(line.split()).lower()


def line_roles(text: str, turns: Sequence[_TurnLike]) -> list[Role | None]:
    """One role (or None) per line of `text`, as `turns` (its parse) assigned them."""
    held: dict[str, Role] = {}
    for turn in turns:
        for line in turn.text.split("\n"):
            if key := _key(line):
                held.setdefault(key, turn.role)
    source = text.split("\n")
    roles: list[Role | None] = []
    for raw in source:
        line = _QUOTES.sub("", raw)
        role = held.get(_key(line))
        if role is None:
            labelled, length = classify_line(line)
            named = name_label(line) if labelled is None else None
            rest = line[length:] if labelled else line[named[3] :] if named else ""
            role = held.get(_key(rest)) if rest.strip() else labelled
        roles.append(role)
    # Headers above a message take its role (from the next line that has one); a footer
    # ("Sent from my iPhone") or a bare quote mark takes the role of the line above.
    bare = [_QUOTES.sub("", line) for line in source]
    trailing = [not line.strip() or is_noise_line(line) for line in bare]
    # A signature block under a message (its lines dropped by the parse: "Larkfield Customer
    # Care" under "Sam") runs on from the message's last line with no blank line between.
    signature = False
    for i in range(1, len(source)):
        if not bare[i].strip() or _HEADER.search(bare[i]):
            signature = False
        elif roles[i] is None and (roles[i - 1] is not None or signature) and bare[i - 1].strip():
            trailing[i] = signature = True
    following: Role | None = None
    for i in range(len(roles) - 1, -1, -1):
        if roles[i] is None and source[i].strip() and not trailing[i]:
            roles[i] = following
        elif roles[i] is not None:
            following = roles[i]
    previous: Role | None = None
    for i, role in enumerate(roles):
        if role is None and source[i].strip() and trailing[i]:
            roles[i] = previous
        previous = roles[i] if roles[i] is not None else previous
    return roles
