"""Direct messages copied from a social app: each message under a line holding only a username.

    ellie.m.writes
    hey can I pause my plus for 2 months?
    larkfieldhome
    Hi Ellie! Of course, I've just paused it.

No colon, no date: the username line alone says who writes. Such a paste is read this way only
when it opens with a username and two or three usernames recur, each line a handle's shape
(dots, underscores or digits, or one long lower-case word), so a chat whose customer writes
"thanks" on a line of its own is not mistaken for one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from desktop.threads.model import Message
from desktop.threads.speakers import GREETS

_HANDLE = re.compile(r"^@?(?=[A-Za-z0-9._]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9._]{2,29}$")
_HANDLE_MARK = re.compile(r"[._\d]")
LONG_WORD = 8  # a handle without dots or digits: one lower-case word at least this long
MIN_HANDLE_LINES = 3
MAX_SPEAKERS = 3


def _handle(line: str) -> str | None:
    text = line.strip()
    if not _HANDLE.match(text):
        return None
    bare = text.lstrip("@")
    if _HANDLE_MARK.search(bare) or (bare.islower() and len(bare) >= LONG_WORD):
        return bare
    return None


def _speakers(lines: Sequence[str]) -> set[str]:
    """The usernames of the paste.

    Handle-shaped lines; a plain long word ("larkfieldhome") when it recurs, or beside a
    recurring marked handle ("ellie.m.writes").
    """
    counts = Counter(h for h in (_handle(line) for line in lines) if h is not None)
    marked = {h for h in counts if _HANDLE_MARK.search(h)}
    beside = any(counts[h] >= 2 for h in marked)
    return {h for h, n in counts.items() if h in marked or n >= 2 or beside}


def looks_like_handles(lines: Sequence[str]) -> bool:
    """Whether the paste is direct messages under username lines (see the module's note)."""
    filled = [line.strip().lstrip("@") for line in lines if line.strip()]
    names = _speakers(filled)
    if not filled or filled[0] not in names or not 2 <= len(names) <= MAX_SPEAKERS:
        return False
    if sum(line in names for line in filled) < MIN_HANDLE_LINES:
        return False
    # each username line is followed by a message, not by another username line
    return all(b not in names for a, b in pairwise(filled) if a in names)


def split(lines: Sequence[str]) -> list[Message]:
    """The messages in order, each named by the username line above it."""
    names = _speakers([line.strip().lstrip("@") for line in lines])
    messages: list[Message] = []
    for line in lines:
        handle = line.strip().lstrip("@")
        if handle in names:
            messages.append(Message("", speaker=handle, key=handle.lower()))
        elif messages:
            messages[-1].text = f"{messages[-1].text}\n{line}".strip("\n")
    messages = [m for m in messages if m.text.strip()]
    _greeter_is_agent(messages)
    return messages


def _first_name(handle: str) -> str:
    return re.split(r"[._\d-]+", handle.lower())[0]


def _greeter_is_agent(messages: list[Message]) -> None:
    """The one who greets the other by the name in their handle is the shop.

    "Hey Ollie! Your purifier left us yesterday" from larkfieldhome to ollie_r_94, whoever
    wrote first.
    """
    speakers = {m.key for m in messages}
    if len(speakers) != 2:
        return
    greeters = set()
    for message in messages:
        found = GREETS.match(message.text)
        others = {_first_name(k) for k in speakers - {message.key}}
        if found and found["name"].lower() in others:
            greeters.add(message.key)
    if len(greeters) == 1:
        (agent,) = greeters
        for message in messages:
            message.role = "agent" if message.key == agent else "customer"
