"""Helpdesk exports: each message is a name line, a date line, then the message.

    Rebecca Ashworth
    May 20, 08:50
    Hi, my order #47420 …

    Chloe (Larkfield Support)
    May 20, 10:12
    Hi Rebecca, …

The name and the date may also share one line ("Chloe (Support) · 20 May, 10:12", or between
dashes: "----- Public reply by Chloe (Agent), 20 May 10:12 -----"), and the team may have a
line of its own between them.
"""

# Words and punctuation of 11 languages, on purpose:
# ruff: noqa: RUF001

from __future__ import annotations

import re
from collections.abc import Sequence

from desktop.threads.dates import is_date_line, is_date_word, moment
from desktop.threads.emails import parse_author, without_quoted_history
from desktop.threads.labels import is_channel_tag, role_of_name
from desktop.threads.model import Message
from desktop.threads.noise import is_noise_line

PREAMBLE_LINES = 12  # how far down a ticket's fields may come above its first message
_TAGGED = re.compile(r"^(?P<name>[^()\[\]]*?)\s*[(\[](?P<tag>[^()\[\]]{1,60})[)\]]\s*$")
_SHARED_LINE = re.compile(r"^(?P<name>.{1,80}?)\s+[·|•—–-]\s+(?P<date>.{4,60})$")
_TIME = re.compile(r"\d{1,2}[:.h]\d{2}")
_SPACE = re.compile(r"\s+")
# What some exports say the author did: "Chloe replied", "Rebecca reported via email".
_ACTION = re.compile(
    r"\s+(?:replied|commented|responded|wrote|reported|added a (?:note|reply)|sent a message|"
    r"posted|answered|respondió|antwortete|a répondu|ha risposto|respondeu|antwoordde)\b.*$",
    re.IGNORECASE,
)
# A header line between dashes, and what the export says the author did before the name.
_SEPARATOR = re.compile(r"\s*[-_=*~]{3,}\s*")
_BY_LINE = re.compile(
    r"^(?:replied|posted|written|sent|answered|commented|submitted)\s+by:?\s*(?P<name>.+?)"
    r"\s+(?:on|at|-|·)\s+(?P<date>.{4,60})$",
    re.IGNORECASE,
)
# "Chris Dunmore wrote (14 Jul 2026, 08:31):": the name, what they did, the date in brackets.
_DID_ON = re.compile(
    r"^(?P<name>[^():]{1,60}?)\s+(?:wrote|replied|commented|responded|answered|said)\s*"
    r"\((?P<date>[^()]{4,60})\)\s*:?$",
    re.IGNORECASE,
)
_DASHED = re.compile(r"^[-=*]{3,}\s*(?P<inside>.+?)\s*[-=*]{3,}$")
_DOER = re.compile(
    r"^(?:(?:public|internal|private)\s+)?(?:reply|note|comment|message|response)\s+(?:by|from)\s+",
    re.IGNORECASE,
)
# "Agnes Thornbury · agnes@example.com": a name line that carries the address.
_ADDRESSED = re.compile(
    r"^(?P<name>[^·|•<>]{1,60}?)\s+[·|•]\s+(?P<address>[\w.+'-]+@[\w-]+(?:\.[\w-]+)+)\s*$"
)
# A ticket's subject line right above the first header ("Conversation #3417 · Invoice").
_SUBJECT = re.compile(r"#\s?\d|\b(?:ticket|conversation|case|subject|request)\b", re.IGNORECASE)
# Header fields some exports repeat under the date line; they are not the message.
_FIELD = re.compile(r"^\s*(?:to|cc|an|para|à|aan|宛先|收件人|받는 사람)\s*[:：]", re.IGNORECASE)


def _name_like(line: str) -> bool:
    text = line.strip()
    return (
        0 < len(text) <= 80
        and len(text.split()) <= 8
        and text[-1] not in ".?!:;,"
        and "://" not in text
        and not is_date_line(text)
        and not all(is_date_word(w) or w.isdigit() for w in text.split())  # "Thursday"
    )


def _person_like(text: str) -> bool:
    """Up to four capitalised words, and perhaps a tag: "Chloe (Support)", "Mei Chen"."""
    bare = _TAGGED.match(text)
    words = (bare["name"] if bare else text).split()
    return 0 < len(words) <= 4 and all(w[0].isupper() or not w[0].isalpha() for w in words)


def _split_shared(line: str) -> tuple[str, str] | None:
    """Name and date sharing a line ("Name · date", "Name  10:32 AM"), or None."""
    dashed = _DASHED.match(line)
    if dashed:  # "----- Public reply by Nadia (Agent), 1 Dec 2026 09:05 -----"
        inside = _DOER.sub("", dashed["inside"])
        # The longest date wins: "Fri, 4 Dec" splits at "·", not at the comma in the date.
        for at in sorted({inside.rfind(mark) for mark in ",·|•"} - {-1}):
            name, date = _role_first(inside[:at].strip()), inside[at + 1 :].strip()
            if _name_like(name) and is_date_line(date):
                return name, date
    shared = _SHARED_LINE.match(line)
    if shared and _name_like(shared["name"]) and is_date_line(shared["date"]):
        return shared["name"].strip(), shared["date"]
    did = _DID_ON.match(line)
    if did and _name_like(did["name"]) and is_date_line(did["date"]):
        return did["name"].strip(), did["date"]  # "Owen at Larkfield replied (14 Jul 2026, 10:02):"
    by = _BY_LINE.match(line)
    if by and _name_like(by["name"]) and is_date_line(by["date"]):
        return by["name"].strip(), by["date"]  # "Replied by: Callum Reyes on Wed, 2 Dec ..."
    if len(line) > 90 or not _TIME.search(line):
        return None
    for space in _SPACE.finditer(line):  # "Zara  10:32 AM": the first split whose rest is a date
        name, date = line[: space.start()], line[space.end() :]
        if _person_like(name) and not is_date_word(name.split()[0]) and is_date_line(date):
            return name, date
    return None


_ROLE_FIRST = re.compile(r"^(?P<role>[^·|•]{1,30}?)\s+[·|•]\s+(?P<name>[^·|•]{1,80})$")


def _role_first(name: str) -> str:
    """The person a role-first header names, with the role as a tag; else `name`.

    "Customer replied · Yusuf Demir (yusuf@…)" -> "Yusuf Demir (Customer)".
    """
    parts = _ROLE_FIRST.match(name)
    if parts is None:
        return name
    role = role_of_name(_ACTION.sub("", parts["role"]))
    person = re.sub(r"\s*[(\[][^()\[\]]*@[^()\[\]]*[)\]]", "", parts["name"]).strip()
    return f"{person} ({parts['role'].split()[0]})" if role and person else name


def is_header(text: str) -> bool:
    """Whether `text` is one line with a name and a date ("Chloe (Support) · 20 May, 10:12")."""
    return "\n" not in text.strip() and _split_shared(text.strip()) is not None


Header = tuple[str, int, str, str]  # the author, the header's line count, its shape, its date


def _header(lines: Sequence[str], i: int) -> Header | None:
    """The author (name, and tag if on a line of its own) when a message starts at line `i`.

    Shapes: "Name / date", "Name / (blank) / date", "Name / Team / date", "date / Name" and
    "Name · date" on one line.
    """
    line = lines[i].strip()
    if not line:
        return None
    addressed = _ADDRESSED.match(line)
    if addressed:
        line = f"{addressed['name']} <{addressed['address']}>"
    shared = _split_shared(line)
    if shared:
        return shared[0], 1, "shared", shared[1]
    after = lines[i + 1].strip() if i + 1 < len(lines) else ""
    if is_date_line(line) and _name_like(after) and _person_like(after):
        return after, 2, "date first", line
    if not _name_like(line):
        return None
    for gap in (1, 2):
        if i + gap >= len(lines) or not is_date_line(lines[i + gap]):
            continue
        date = lines[i + gap]
        if gap == 1:
            return line, 2, "name first", date
        middle = lines[i + 1].strip()
        if not middle:
            return line, 3, "name first", date
        if _name_like(middle) and role_of_name(middle) == "agent" and not _TAGGED.match(line):
            return f"{line} ({middle})", 3, "name first", date  # "Chloe / Larkfield Support"
    return None


def _blank(line: str) -> bool:
    """An empty line, or a separator line ("----") between an export's messages."""
    return not line.strip() or _SEPARATOR.fullmatch(line) is not None


def _text(body: Sequence[str]) -> str:
    """A message's text: its lines less separators, without the quoted history."""
    kept = [line for line in body if _SEPARATOR.fullmatch(line) is None]
    return without_quoted_history("\n".join(kept).strip())


def starts_with_block(lines: Sequence[str]) -> bool:
    """True when the paste opens with a helpdesk message.

    A short preamble (a ticket's subject or number, up to three lines, then a blank line) may
    come first when a person's name opens the first message.
    """
    seen = 0
    for i, line in enumerate(lines):
        if not line.strip() or (i < PREAMBLE_LINES and is_noise_line(line)):
            continue  # a ticket's fields ("Status: Open · Requester: ...") are no preamble
        header = _header(lines, i)
        apart = _blank(lines[i - 1]) or (seen == 1 and _SUBJECT.search(lines[i - 1]))
        if header is not None and (seen == 0 or (apart and _person_like(header[0].split("<")[0]))):
            return True
        seen += 1
        # A ticket's subject line may be long: "Freshdesk Ticket #229874 | Subject: ... |
        # Requester: Nadia Rahman (nadia@example.co.uk)"
        if seen > 3 or len(line) > (200 if _SUBJECT.search(line) else 100):
            return False
    return False


def _author(header: str) -> Message:
    header = _ACTION.sub("", header)  # "Rebecca Ashworth replied" is Rebecca Ashworth
    tagged = _TAGGED.match(header)
    name, tag = (tagged["name"], tagged["tag"].strip()) if tagged else (header, "")
    if "@" in tag:  # "Rebecca Ashworth (rebecca@example.com)": an address, not a team
        name, tag = header, ""
    elif is_channel_tag(tag) or sum(c.isalpha() for c in tag) < 2:  # "(via email)", "(#4821)"
        tag = ""
    person, address = parse_author(name)
    message = Message("", speaker=person or address or header, key=address or person.lower())
    role = role_of_name(tag) if tag else role_of_name(person)
    if role is not None:
        message.role = role
    elif tag:
        message.tag = tag
    return message


def split(lines: Sequence[str]) -> list[Message]:
    """The export's messages, oldest first.

    Every message of one export has the same header shape, so a later header must have the
    shape of the first: a date and a short line inside a message do not start a new one.
    Exports list messages in time order; some put the newest first, which their dates show.
    """
    messages, dates = _blocks(lines)
    moments = [m for m in map(moment, dates) if m is not None]
    newest_first = moments == sorted(moments, reverse=True) and moments[:1] > moments[-1:]
    if len(messages) == len(moments) > 1 and newest_first:
        messages.reverse()
    return [m for m in messages if m.text]


def _blocks(lines: Sequence[str]) -> tuple[list[Message], list[str]]:
    """The messages in the order of the paste, and each header's date."""
    messages: list[Message] = []
    dates: list[str] = []
    body: list[str] = []
    shape = ""
    i = 0
    while i < len(lines):
        # Chat-like exports put "Name  10:32" lines one under another, with no blank line.
        starts = i == 0 or _blank(lines[i - 1]) or not messages or shape == "shared"
        header = _header(lines, i) if starts else None
        # Headers keep the first one's shape, unless a separator line ("----") stands above.
        kept = not shape or header is None or header[2] == shape
        if header is None or not (kept or (i and _SEPARATOR.fullmatch(lines[i - 1]))):
            body.append(lines[i])
            i += 1
            continue
        if messages:
            messages[-1].text = _text(body)
        shape = header[2]
        messages.append(_author(header[0]))
        dates.append(header[3])
        body = []
        i += header[1]
        while i < len(lines) and _FIELD.match(lines[i]):
            i += 1
    if messages:
        messages[-1].text = _text(body)
    return messages, dates
