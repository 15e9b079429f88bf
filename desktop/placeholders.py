"""Placeholders in canned responses: `{{name}}` and `{{name|fallback:"text"}}`. No Qt.

Names are dotted words: customer.first_name, customer.name, customer.email, agent.name,
company.name, ticket.id, order.id, input.<label> (a value the agent types) and cursor (where
the caret goes after insertion). Rendering is plain string substitution in one pass: values are
never re-scanned, and nothing is evaluated, so a canned body or a conversation cannot run code.
Every quantifier in the patterns is bounded, so hostile input costs linear time.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from desktop.threads.labels import role_of_name
from desktop.transcript import Transcript, parse

KNOWN_NAMES = (
    "customer.first_name",
    "customer.last_name",
    "customer.name",
    "customer.email",
    "agent.name",
    "agent.first_name",
    "agent.email",
    "company.name",
    "ticket.id",
    "order.id",
    "cursor",
)
INPUT_PREFIX = "input."
CURSOR = "cursor"

# A name is 1-80 word characters, dots or hyphens; a fallback is up to 300 characters without
# a quote or newline. Bounds keep a run of `{{` or an unclosed fallback from going quadratic.
_NAME = r"[^\W\d][\w.\-]{0,79}"
PATTERN = re.compile(
    r"\{\{[ \t]{0,8}(?P<name>" + _NAME + r")[ \t]{0,8}"
    r"(?:\|[ \t]{0,8}fallback[ \t]{0,8}:[ \t]{0,8}\"(?P<fallback>[^\"\n]{0,300})\"[ \t]{0,8})?"
    r"\}\}"
)


@dataclass(frozen=True)
class Placeholder:
    name: str
    fallback: str | None
    start: int
    end: int


@dataclass(frozen=True)
class Rendered:
    text: str
    unresolved: tuple[str, ...]  # names left in the text, in order of first appearance
    cursor: int | None = None  # offset of the first {{cursor}} in `text`, which is removed


def find(text: str) -> list[Placeholder]:
    """Every well-formed placeholder in `text`; anything else is ordinary text."""
    return [
        Placeholder(m["name"], m["fallback"], m.start(), m.end()) for m in PATTERN.finditer(text)
    ]


def names(text: str) -> list[str]:
    """Distinct placeholder names in order of first appearance."""
    return list(dict.fromkeys(p.name for p in find(text)))


def is_known(name: str) -> bool:
    return name in KNOWN_NAMES or (name.startswith(INPUT_PREFIX) and len(name) > len(INPUT_PREFIX))


def render(text: str, values: Mapping[str, str]) -> Rendered:
    """Fill placeholders from `values`, else from their fallback; leave the rest as they are.

    An empty value counts as missing, so a fallback still applies. `{{cursor}}` is removed and
    its position reported instead.
    """
    unresolved: dict[str, None] = {}
    parts: list[str] = []
    cursor: int | None = None
    length = 0
    last = 0
    for match in PATTERN.finditer(text):
        parts.append(text[last : match.start()])
        length += match.start() - last
        last = match.end()
        name = match["name"]
        if name == CURSOR:
            if cursor is None:
                cursor = length
            continue
        value = values.get(name) or match["fallback"]
        if value is None:
            unresolved[name] = None
            value = match.group(0)
        parts.append(value)
        length += len(value)
    parts.append(text[last:])
    return Rendered("".join(parts), tuple(unresolved), cursor)


# --- values from a conversation -------------------------------------------------------------
# Only patterns that rarely misfire: a value is used when the conversation names exactly one.
_ORDER = re.compile(
    r"\border(?:[ \t]{1,3}(?:number|no\.?|num|id))?[ \t]{0,3}(?::|is)?[ \t]{0,3}#?[ \t]{0,2}"
    r"(?P<id>[A-Z]{0,4}-?\d{4,12})\b|(?<![\w&])#(?P<hash>\d{4,12})\b",
    re.IGNORECASE,
)
_TICKET = re.compile(
    r"\b(?:ticket|case)(?:[ \t]{1,3}(?:number|no\.?|id))?[ \t]{0,3}:?[ \t]{0,3}#?[ \t]{0,2}"
    r"(?P<id>[A-Z]{0,4}-?\d{3,12})\b",
    re.IGNORECASE,
)
_EMAIL = re.compile(r"\b[\w.+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}\b")
_NAME_WORD = re.compile(r"[^\W\d_](?:[^\W\d_]|['\-])*")  # a letter, then letters, ' or -
# Capitalised last lines that sign nothing.
_NOT_NAMES = frozenset(
    ("thanks", "thank", "cheers", "regards", "best", "kind", "help", "urgent", "please",
     "sorry", "hello", "hi", "hey", "thx", "ty", "asap", "bye", "ok", "okay", "yes", "no")
)  # fmt: skip
_NAMED_LABEL = re.compile(
    r"^[ \t]{0,4}(?:customer|client|user|visitor|requester)[ \t]{0,3}\((?P<a>[^()\n:]{1,60})\)"
    r"[ \t]{0,3}:|^[ \t]{0,4}(?P<b>[^()\n:]{1,60}?)[ \t]{0,3}\((?:customer|client|user|visitor"
    r"|requester)\)[ \t]{0,3}:",
    re.IGNORECASE | re.MULTILINE,
)
# The sign-off word is matched in any case, the name only when capitalised ("Thanks, Jane").
_SIGN_OFF = re.compile(
    r"(?:^|[.!][ \t]{0,4})(?i:thanks|thank you|cheers|regards|best regards|kind regards)"
    r"[ \t]{0,3}[,!.\-\u2013]?[ \t\n]{1,4}"
    r"(?P<name>[A-Z][a-z'\-]{1,30}(?:[ \t][A-Z][a-z'\-]{1,30})?)[ \t.!]{0,3}$",
    re.MULTILINE,
)
MAX_SCAN = 100_000


def _single(found: list[str]) -> str | None:
    distinct = list(dict.fromkeys(v for v in found if v))
    return distinct[0] if len(distinct) == 1 else None


def extract_values(conversation: str | Transcript) -> dict[str, str]:
    """Values a conversation states unambiguously: order and ticket ids, email, customer name.

    A parsed `Transcript` is read as it is; text is parsed here first.
    """
    if isinstance(conversation, Transcript):
        text = conversation.to_text()[-MAX_SCAN:]
        turns = conversation.customer_turns()
        customer_text = "\n".join(t.text for t in turns)[-MAX_SCAN:]
    else:
        text = conversation[-MAX_SCAN:]
        turns = parse(text).customer_turns() if text.strip() else []
        customer_text = "\n".join(t.text for t in turns)
    values: dict[str, str] = {}
    orders = [m["id"] or m["hash"] for m in _ORDER.finditer(text)]
    tickets = [m["id"] for m in _TICKET.finditer(text)]
    # A "#12345" after the word ticket is a ticket, not an order.
    orders = [o for o in orders if o not in tickets]
    emails = [m.group(0).lower() for m in _EMAIL.finditer(customer_text)]
    labelled = [(m["a"] or m["b"]).strip() for m in _NAMED_LABEL.finditer(text)]
    # A helpdesk export or chat names the customer on every turn ("Marta Lopez", "Zara").
    speakers = [t.speaker for t in turns if _is_personal_name(t.speaker)]
    signed = [m["name"].strip() for m in _SIGN_OFF.finditer(customer_text)]
    signed = signed or [n for t in turns if (n := _signature(t.text))]
    names_found = labelled or speakers or signed
    for key, found in (
        ("order.id", orders),
        ("ticket.id", tickets),
        ("customer.email", emails),
        ("customer.name", names_found),
    ):
        value = _single(found)
        if value:
            values[key] = value
    if "customer.name" in values:
        values["customer.first_name"] = values["customer.name"].split()[0]
    return values


def _signature(text: str) -> str:
    """A name alone on the last line of a message of several lines ("... thanks.  Tom")."""
    lines = [line.strip() for line in text.strip().splitlines()]
    if len(lines) < 2:
        return ""
    last = lines[-1].lstrip("-\u2013\u2014 ").rstrip(".")
    words = last.split()
    if not 0 < len(words) <= 2 or not all(w[:1].isupper() for w in words):
        return ""
    if any(w.lower() in _NOT_NAMES for w in words):
        return ""
    return last if _is_personal_name(last) else ""


def _is_personal_name(speaker: str) -> bool:
    """A personal name ("Marta Lopez", "Zara"): no role ("Customer", "Visitor 3391")."""
    words = speaker.split()
    return (
        0 < len(words) <= 3
        and all(_NAME_WORD.fullmatch(w) for w in words)
        and role_of_name(speaker) is None
    )


def values_for(
    conversation: str | Transcript, agent_name: str = "", company_name: str = ""
) -> dict[str, str]:
    """Values known for placeholders: the agent's settings, then what the conversation states."""
    values = extract_values(conversation)
    if agent_name.strip():
        values["agent.name"] = agent_name.strip()
        values["agent.first_name"] = agent_name.split()[0]
    if company_name.strip():
        values["company.name"] = company_name.strip()
    return values
