"""Labelled chats: "Customer: …", "[10:32] Zara: …", "Visitor 4821: …", "Owen (Larkfield): …".

Each label starts a message; unlabelled lines continue the message above; text before the
first label is the customer's. A role word ("Kunde:", "Conseiller :", "Bot:") is a label
wherever it appears. A bare name is one only when the thread shows it is a speaker: it has a
tag or a timestamp, it labels more than one line, it opens the paste, or it names a role
("Visitor 4821"). Otherwise "Tracking: …" in the middle of a message would split it.
"""

# Words and punctuation of 11 languages, on purpose:
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from desktop.threads.dates import is_date_line
from desktop.threads.labels import TIMESTAMP, classify_line, name_label, role_of_name
from desktop.threads.model import Message
from desktop.threads.noise import event_actor

_STAMP = re.compile(rf"^\s*{TIMESTAMP}", re.IGNORECASE)


def _accepted_names(lines: Sequence[str]) -> set[str]:
    candidates = [(i, label) for i, line in enumerate(lines) if (label := name_label(line))]
    counts = Counter(label[0] for _, label in candidates)
    first = next((i for i, line in enumerate(lines) if line.strip()), -1)
    return {
        name
        for i, (name, tag, stamped, _) in candidates
        if tag or stamped or counts[name] > 1 or i == first or role_of_name(name)
    }


def split(lines: Sequence[str]) -> tuple[list[Message], set[str]]:
    """The chat's messages in order, and the names that "joined the chat" (the team's)."""
    names = _accepted_names(lines)
    messages: list[Message] = [Message("", speaker="", role="customer")]
    body: list[str] = []
    joined: set[str] = set()

    def start(message: Message, first_line: str) -> None:
        nonlocal body
        messages[-1].text = "\n".join(body).strip()
        messages.append(message)
        body = [first_line]

    for line in lines:
        role, length = classify_line(line)
        if role is not None:
            speaker = _speaker(line[:length].strip().rstrip(":：").strip())
            start(Message("", speaker=speaker, role=role, key=speaker.lower()), line[length:])
            continue
        label = name_label(line)
        if label is not None and label[0] in names:
            name, tag, _, length = label
            start(_named(name, tag), line[length:])
            continue
        actor = event_actor(line)
        if actor is not None:
            if actor:
                joined.add(actor.lower())
            continue
        if is_date_line(line) and len(messages) > 1:
            continue  # a day separator between chat lines
        body.append(line)
    messages[-1].text = "\n".join(body).strip()
    return [m for m in messages if m.text], joined


def _speaker(label: str) -> str:
    """The label without its timestamp and role tag: "[10:32] Jane (customer)" -> "Jane"."""
    text = _STAMP.sub("", label, count=1).split("(")[0].strip()
    return text or label


def _named(name: str, tag: str) -> Message:
    message = Message("", speaker=name, key=name.lower())
    role = role_of_name(tag) if tag else role_of_name(name)
    if role is not None:
        message.role = role
    elif tag:
        message.tag = tag
    return message
