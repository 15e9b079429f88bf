"""Labelled chats: "Customer: …", "[10:32] Zara: …", "Visitor 4821: …", "Owen (Larkfield): …".

Each label starts a message; unlabelled lines continue the message above; text before the
first label is the customer's. A role word ("Kunde:", "Conseiller :", "Bot:") is a label
wherever it appears. A bare name is one only when the thread shows it is a speaker: it has a
tag or a timestamp, it labels more than one line, it is a full name opening the paste, it
names a role ("Visitor 4821"), or the chat has other labels. Otherwise "Tracking: …" in the
middle of a message would split it.
"""

# Words and punctuation of 11 languages, on purpose:
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from desktop.threads.dates import is_date_line
from desktop.threads.labels import (
    TIMESTAMP,
    NameLabel,
    classify_line,
    is_channel_tag,
    is_handle,
    name_label,
    role_of_name,
)
from desktop.threads.model import Message, Role
from desktop.threads.noise import event_actor, has_event_hint

_STAMP = re.compile(rf"^\s*{TIMESTAMP}", re.IGNORECASE)


def split(lines: Sequence[str]) -> tuple[list[Message], set[str]]:
    """The chat's messages in order, and the names that "joined the chat" (the team's)."""
    # One pass to see every line's label, then one to cut: a bare name is only known to be a
    # speaker once the whole chat has been seen.
    roles = [classify_line(line) for line in lines]
    names = [
        None if role else name_label(line) for line, (role, _) in zip(lines, roles, strict=True)
    ]
    names = _plain_handles(lines, names)
    maybe_events = has_event_hint("\n".join(lines))  # one search instead of one per line
    events = [
        None if role or name or not maybe_events else event_actor(line)
        for line, (role, _), name in zip(lines, roles, names, strict=True)
    ]
    joined = {actor.lower() for actor in events if actor}
    accepted = _accepted_names(lines, roles, names, joined)
    messages: list[Message] = [Message("", speaker="", role="customer")]
    body: list[str] = []
    for i, (line, (role, length), label, event) in enumerate(
        zip(lines, roles, names, events, strict=True)
    ):
        if role is not None and _roster(line[length:]):
            continue  # "Agent: Aleksandra   Visitor: Benedict": who took part, not a message
        if role is not None:
            speaker = _speaker(line[:length].strip().rstrip(":：").strip())
            message = Message("", speaker=speaker, role=role, key=speaker.lower())
        elif label is not None and label[0] in accepted:
            message, length = _named(label[0], label[1]), label[3]
        elif event is not None or _day_separator(lines, i):
            continue  # "Owen joined the chat", "--- 4 June 2024 ---"
        else:
            body.append(line)
            continue
        messages[-1].text = "\n".join(body).strip()
        messages.append(message)
        body = [line[length:]]
    messages[-1].text = "\n".join(body).strip()
    return [m for m in messages if m.text], joined


# "larkfieldhome: Hi Rhys!" beside "rhys.coffee.ldn: yo your code ...": a brand's handle
# without a dot or underscore, one lower-case word
_PLAIN_HANDLE = re.compile(r"^\s*(?P<name>[a-z][a-z0-9]{5,29})\s*:[ \t]")


def _plain_handles(lines: Sequence[str], names: list[NameLabel | None]) -> list[NameLabel | None]:
    """`names`, with a lower-case one-word label taken where it recurs beside handle labels."""
    if not any(label and is_handle(label[0]) for label in names):
        return names
    found = [
        None if label else _PLAIN_HANDLE.match(line)
        for line, label in zip(lines, names, strict=True)
    ]
    counts = Counter(m["name"] for m in found if m)
    return [
        (m["name"], "", False, m.end()) if m and counts[m["name"]] > 1 else label
        for m, label in zip(found, names, strict=True)
    ]


def _accepted_names(
    lines: Sequence[str],
    roles: Sequence[tuple[Role | None, int]],
    labels: Sequence[NameLabel | None],
    joined: set[str],
) -> set[str]:
    """The names that label lines: those the thread shows are speakers (see the docstring).

    A one-word name opening the paste is one once another line has a label, and once the chat
    has two labelled lines any other "Name:" opening a line is a speaker too.
    """
    counts = Counter(label[0] for label in labels if label)
    first = next((i for i, line in enumerate(lines) if line.strip()), -1)
    accepted = {
        name
        for i, label in enumerate(labels)
        if label
        for name, tag, stamped, _ in [label]
        if tag
        or stamped
        or counts[name] > 1
        or (i == first and len(name.split()) > 1)  # "Aaron Blake: …"; "China: …" is a headline
        or role_of_name(name)
        or name.lower() in joined
        or is_handle(name)  # "@jordanwhelan_:" is never a heading or a form's field
    }
    labelled = sum(1 for role, _ in roles if role) + sum(counts[name] for name in accepted)
    opener = labels[first] if first >= 0 else None
    if opener and (labelled or sum(counts.values()) > 1):
        # "Owen: Hi, how can I help?" opening a chat with other labels, or "Zara: …" then "Owen: …"
        accepted.add(opener[0])
        labelled = max(labelled + counts[opener[0]], 2)
    if labelled >= 2:
        accepted.update(label[0] for label in labels if label and len(label[0].split()) <= 3)
    elif labelled == 1:
        # "Support (Hannah): ..." then, after a blank line, "Freddie Lowe: ...": a full name
        # opening a paragraph of a chat that has a label is the other speaker.
        accepted.update(
            label[0]
            for i, label in enumerate(labels)
            if label and (i == 0 or not lines[i - 1].strip()) and _full_name(label[0])
        )
    return accepted


# Words of a form's field ("Order Number: 123"), which a full name never is.
_FIELD_WORDS = frozenset(
    {"order", "number", "tracking", "reference", "ref", "address", "email", "phone", "date",
     "subject", "total", "item", "items", "product", "postcode", "name", "account", "card",
     "amount"}
)  # fmt: skip


def _full_name(name: str) -> bool:
    """Two or three capitalised words that are not a form's field: "Freddie Lowe"."""
    words = name.split()
    return 2 <= len(words) <= 3 and all(
        w[:1].isupper() and w.isalpha() and w.lower() not in _FIELD_WORDS for w in words
    )


_ROSTER_GAP = re.compile(r"\s{3,}|\t|\s+[|·•]\s+")


def _roster(rest: str) -> bool:
    """A label's text that is a short name and then another role label: a transcript's roster."""
    name, *others = _ROSTER_GAP.split(rest.strip(), maxsplit=1)
    return bool(others) and len(name.split()) <= 3 and classify_line(others[0])[0] is not None


def _day_separator(lines: Sequence[str], i: int) -> bool:
    """A date on its own between chat lines ("--- 4 June 2024 ---"), not a date someone wrote."""
    line = lines[i]
    if not line or len(line) > 60:
        return False
    if line.lstrip()[:1] in ("-", "=", "*", "\u2014", "\u2013"):  # also "— 21 Apr —"
        return is_date_line(line.strip().strip("-=* \u2014\u2013"))
    before = lines[i - 1].strip() if i else ""
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    return not before and not after and is_date_line(line)


def _speaker(label: str) -> str:
    """The person a role label names: "[10:32] Jane (customer)" and "Customer (Jane)" -> "Jane"."""
    text = _STAMP.sub("", label, count=1).strip("* ")
    before, _, inside = text.partition("(")
    inside = inside.rstrip(")* ").strip()
    if inside and role_of_name(before) and not role_of_name(inside):
        return inside
    return before.strip() or label


def _named(name: str, tag: str) -> Message:
    first, _, rest = name.partition(" ")
    # "Agent Owen" is Owen; "Visitor 4821" and "Customer Care" stay whole.
    person = rest if rest[:1].isalpha() and role_of_name(first) and not role_of_name(rest) else name
    message = Message("", speaker=person, key=name.lower())
    tag = "" if is_channel_tag(tag) else tag
    role = role_of_name(tag) if tag else role_of_name(name)
    if role is not None:
        message.role = role
    elif tag:
        message.tag = tag
    return message
