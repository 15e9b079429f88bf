"""Map other tools' placeholder syntaxes onto ours; unknown tokens stay verbatim and are reported.

Each syntax is a bounded regular expression plus a table of the names we understand (keys
lower-cased). Names map by meaning per tool: Intercom's `user` is the customer, Zammad's the agent.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from desktop import placeholders

_FALLBACK_CHARS = re.compile(r"[\"\n\r]")

_CUSTOMER = {
    "first_name": "customer.first_name",
    "firstname": "customer.first_name",
    "last_name": "customer.last_name",
    "lastname": "customer.last_name",
    "name": "customer.name",
    "fullname": "customer.name",
    "full_name": "customer.name",
    "email": "customer.email",
}
_AGENT = {
    "first_name": "agent.first_name",
    "firstname": "agent.first_name",
    "name": "agent.name",
    "fullname": "agent.name",
    "full_name": "agent.name",
    "email": "agent.email",
}


def _family(prefixes: tuple[str, ...], fields: dict[str, str]) -> dict[str, str]:
    return {f"{prefix}.{key}": ours for prefix in prefixes for key, ours in fields.items()}


# {{...}}: Zendesk, Freshdesk, Chatwoot, Intercom (their names do not collide).
MUSTACHE_NAMES = {
    **_family(("ticket.requester", "contact", "user", "customer"), _CUSTOMER),
    **_family(("current_user", "ticket.agent", "agent", "teammate"), _AGENT),
    "ticket.id": "ticket.id",
    "conversation.id": "ticket.id",
    "ticket.account": "company.name",
    "helpdesk_name": "company.name",
    "app.name": "company.name",
    "company.name": "company.name",
    "order.id": "order.id",
    "order.number": "order.id",
}
# {%customer.firstName,fallback=there%}: Help Scout.
HELPSCOUT_NAMES = {
    **_family(("customer",), _CUSTOMER),
    **_family(("user",), _AGENT),
    "conversation.number": "ticket.id",
}
# #{ticket.customer.firstname}: Zammad; `user` is the agent writing the reply.
ZAMMAD_NAMES = {
    **_family(("ticket.customer",), _CUSTOMER),
    **_family(("user", "ticket.owner"), _AGENT),
    "ticket.number": "ticket.id",
    "ticket.id": "ticket.id",
}
# %{ticket.name.first}: osTicket.
OSTICKET_NAMES = {
    "ticket.name.first": "customer.first_name",
    "ticket.name.last": "customer.last_name",
    "ticket.name": "customer.name",
    "ticket.name.full": "customer.name",
    "ticket.email": "customer.email",
    "recipient.name.first": "customer.first_name",
    "recipient.name": "customer.name",
    "ticket.number": "ticket.id",
    "ticket.staff.name": "agent.name",
    "staff.name": "agent.name",
    "company.name": "company.name",
}

_NAME = r"[ \t]{0,8}(?P<name>[\w.\-]{1,80})[ \t]{0,8}"
_PATTERNS = {
    "mustache": re.compile(
        r"\{\{" + _NAME + r"(?:\|[ \t]{0,8}(?:fallback|default)[ \t]{0,8}:[ \t]{0,8}"
        r"\"(?P<fallback>[^\"\n]{0,300})\"[ \t]{0,8})?\}\}"
    ),
    "helpscout": re.compile(
        r"\{%" + _NAME + r"(?:,[ \t]{0,8}fallback[ \t]{0,8}=(?P<fallback>[^%\n]{0,300}))?%\}"
    ),
    "zammad": re.compile(r"#\{" + _NAME + r"\}"),
    "osticket": re.compile(r"%\{" + _NAME + r"\}"),
}
_TABLES = {
    "mustache": MUSTACHE_NAMES,
    "helpscout": HELPSCOUT_NAMES,
    "zammad": ZAMMAD_NAMES,
    "osticket": OSTICKET_NAMES,
}
# Template logic we never run (Zendesk/Freshdesk Liquid tags): kept as text, reported.
_LIQUID_TAG = re.compile(r"\{%[^%\n]{0,200}%\}")


def ours(name: str, fallback: str | None = None) -> str:
    """Our placeholder for `name`, with a fallback cleaned so that our syntax can hold it."""
    if fallback is None or not fallback.strip():
        return f"{{{{{name}}}}}"
    clean = _FALLBACK_CHARS.sub(" ", fallback.strip())[:300]
    return f'{{{{{name}|fallback:"{clean}"}}}}'


def input_name(label: str) -> str:
    """`input.<label>` for a fill-in field, e.g. "Post Title" -> input.post_title."""
    slug = re.sub(r"\W+", "_", label.strip().lower()).strip("_")[:60]
    return f"input.{slug or 'value'}"


def convert(text: str, syntax: str) -> tuple[str, list[str]]:
    """Rewrite `syntax`'s placeholders into ours; returns the text and unknown tokens."""
    unknown: list[str] = []
    table = _TABLES[syntax]

    def replace(match: re.Match[str]) -> str:
        name = match["name"]
        target = table.get(name.lower())
        if target is None and placeholders.is_known(name):
            target = name
        if target is None:
            unknown.append(match.group(0))
            return match.group(0)
        fallback = match.groupdict().get("fallback")
        return ours(target, fallback)

    converted = _PATTERNS[syntax].sub(replace, text)
    if syntax == "mustache":
        unknown.extend(m.group(0) for m in _LIQUID_TAG.finditer(converted))
    return converted, unknown_ours(converted, unknown)


def unknown_ours(text: str, already: list[str] | None = None) -> list[str]:
    """Add `{{...}}` tokens in `text` that look like ours but name nothing we can fill."""
    found = list(already or [])
    for placeholder in placeholders.find(text):
        if not placeholders.is_known(placeholder.name):
            token = text[placeholder.start : placeholder.end]
            if token not in found:
                found.append(token)
    return list(dict.fromkeys(found))


def rewrite(
    text: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str | None]
) -> tuple[str, list[str]]:
    """Apply a tool-specific `replace` (None = unknown: keep verbatim and report)."""
    unknown: list[str] = []

    def sub(match: re.Match[str]) -> str:
        result = replace(match)
        if result is None:
            unknown.append(match.group(0))
            return match.group(0)
        return result

    converted = pattern.sub(sub, text)
    return converted, unknown_ours(converted, unknown)
