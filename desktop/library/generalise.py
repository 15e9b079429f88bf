"""Turn one agent's reply into a reusable response: its varying parts become placeholders.

What one customer's reply says of that customer (a name, an order number, an e-mail address, a
date, an amount, a tracking number) becomes the app's placeholder (desktop/placeholders.py):
`{{customer.first_name}}`, `{{order.id}}`, `{{input.date}}`... Found three ways:
- values the conversation states (its customer's name and e-mail, an order or ticket id, and
  proper names it mentions: "the bill from Ms. Hawkings");
- the reply's own shape: a greeting's name, a sign-off's name, ids, amounts, dates, e-mails;
- the cluster: a capitalised word no other reply of the cluster has, and that the replies
  never write in lower case (a name, not a word).
A literal most of the cluster's replies share ("a $5 fee") is the policy, not a customer's
detail, and stays. Text inside an existing `{{...}}` is left alone. No Qt.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from desktop.placeholders import extract_values
from desktop.transcript import Transcript

_PROTECTED = re.compile(r"\{\{[^{}]{1,80}\}\}")
# Bitext-style wrapped values ("{{370795561790}}"): a value, not a placeholder.
_WRAPPED_VALUE = re.compile(r"\{\{[ \t]{0,4}(#?[\w\-]{0,40}\d[\w\-]{0,40})[ \t]{0,4}\}\}")
_EMAIL = re.compile(r"\b[\w.+\-]{1,64}@[A-Za-z0-9\-]{1,63}(?:\.[A-Za-z0-9\-]{1,63}){1,8}\b")
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Dr|Mx)\.?[ \t]{1,3}"
_NAME_WORD = r"[A-Z][a-z'\-]{1,30}"
_GREETING = re.compile(
    r"^(?P<hello>[ \t]{0,4}(?:Hi|Hello|Hey|Dear|Good (?:morning|afternoon|evening))[ \t]{1,3})"
    r"(?P<title>" + _TITLE + r")?"
    r"(?P<name>" + _NAME_WORD + r"(?:[ \t]" + _NAME_WORD + r")?)(?=[ \t]{0,3}[,!.\n])",
    re.MULTILINE,
)
_CLOSING = re.compile(
    r"^[ \t]{0,4}(?:kind regards|best regards|warm regards|regards|best wishes|best|thanks|"
    r"thank you|many thanks|cheers|sincerely|all the best)[ \t]{0,3}[,!.]?[ \t]{0,3}\n"
    r"[ \t]{0,4}(?P<name>" + _NAME_WORD + r"(?:[ \t]" + _NAME_WORD + r")?)[ \t]{0,3}$",
    re.MULTILINE | re.IGNORECASE,
)
# A name alone on the reply's last line, after a blank line ("...\n\nChloe").
_BARE_SIGN_OFF = re.compile(
    r"(?P<before>\n[ \t]{0,4}\n[ \t]{0,4})" + _NAME_WORD + r"(?:[ \t]" + _NAME_WORD + r")?"
    r"[ \t]{0,3}\Z"
)
# A name the reply calls the customer by: "So sorry about that, Patrick!"
_VOCATIVE = re.compile(r"(?<=,[ \t])(?P<name>" + _NAME_WORD + r")(?=[ \t]{0,2}[!.?])")
_MONEY = re.compile(
    r"(?:[$€£¥][ \t]?\d[\d,]{0,12}(?:\.\d{1,2})?|\b\d[\d,]{0,12}(?:\.\d{1,2})?[ \t]?"
    r"(?:USD|EUR|GBP|CAD|AUD|dollars?|euros?|pounds?)\b)",
    re.IGNORECASE,
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE = re.compile(
    r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[/.]\d{1,2}[/.]\d{2,4}|"
    r"\d{1,2}(?:st|nd|rd|th)?[ \t]"
    + _MONTH
    + r"(?:[ \t,]{1,2}\d{4})?|"
    + _MONTH
    + r"[ \t]\d{1,2}(?:st|nd|rd|th)?(?:,?[ \t]\d{4})?)\b"
)
# An id: 5+ letters/digits/hyphens with 4+ digits ("370795561790", "AB-12345", "1Z999AA1..."),
# or "#" and 3+ digits; a year alone (2024) is no id.
_ID = re.compile(r"(?<![\w#\-])(?:#\d{3,20}\b|(?=(?:[A-Z\-]*\d){4})[A-Z0-9][A-Z0-9\-]{4,40}\b)")
_ID_KINDS = (
    (("order", "purchase"), "order.id"),
    (("ticket", "case"), "ticket.id"),
    (("tracking", "parcel", "shipment", "package"), "input.tracking_number"),
    (("invoice", "bill", "receipt"), "input.invoice_number"),
)
_ID_CONTEXT = 40  # characters before an id that may say what it is
_PROPER = re.compile(
    r"\b(?:" + _TITLE + r")?" + _NAME_WORD + r"(?:[ \t]" + _NAME_WORD + r")?(?![\w'\-])"
)
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\"(\n]|\d\.)[ \t]*$")
# Capitalised words a reply may end a clause with that are no one's name.
_NOT_NAMES = frozenset(("thanks", "please", "sorry", "today", "tomorrow", "yes", "no", "again"))
_PLACE_BEFORE = re.compile(r"\b(?:to|from|in|at|near|into)[ \t]{1,3}$", re.IGNORECASE)


def generalise(
    reply: str,
    transcript: Transcript,
    cluster_replies: Sequence[str] = (),
    lowercase_words: Collection[str] = (),
) -> str:
    """`reply` with its customer-specific parts as placeholders.

    `cluster_replies`: the replies of its cluster (itself among them), to tell the parts that
    vary from the ones all of them say; `lowercase_words`: words the replies write in lower
    case, so a capitalised one of them ("Billing") is not taken for a name.
    """
    others = [r for r in cluster_replies if r is not reply] or []
    text = _WRAPPED_VALUE.sub(r"\1", reply)
    # The agent's own name first: a customer's "Thanks, Chloe" names the agent, not themselves.
    text = _BARE_SIGN_OFF.sub(lambda m: m["before"] + _token("agent.name"), text)
    text = _stated_values(text, transcript)
    text = _outside(text, _greetings_and_sign_offs)
    text = _mentioned_names(text, transcript, lowercase_words)
    text = _outside(text, _EMAIL.sub, lambda m: _if_varies(m, others, "customer.email"))
    text = _outside(text, _MONEY.sub, lambda m: _if_varies(m, others, "input.amount"))
    text = _outside(text, _DATE.sub, lambda m: _if_varies(m, others, "input.date"))
    text = _outside(text, _ids, others)
    return _outside(text, _varying_names, others, lowercase_words)


def _outside(text: str, change: Callable[..., str], *args: object) -> str:
    """`change(*args, part)` applied to each part of `text` outside the `{{...}}` spans."""
    parts, last = [], 0
    for match in _PROTECTED.finditer(text):
        parts.append(change(*args, text[last : match.start()]))
        parts.append(match.group(0))
        last = match.end()
    parts.append(change(*args, text[last:]))
    return "".join(parts)


def _token(name: str) -> str:
    return "{{" + name + "}}"


def _if_varies(match: re.Match[str], others: Sequence[str], name: str) -> str:
    """A placeholder, unless most replies of the cluster say the same literal."""
    value = match.group(0)
    if others and sum(value in other for other in others) * 2 > len(others):
        return value
    return _token(name)


def _stated_values(text: str, transcript: Transcript) -> str:
    """The values the conversation states unambiguously, wherever the reply repeats them."""
    labelled = "\n".join(f"{t.role.capitalize()}: {t.text}" for t in transcript.turns)
    values = extract_values(labelled) if labelled.strip() else {}
    speakers = {t.speaker for t in transcript.customer_turns() if t.speaker}
    if "customer.name" not in values and len(speakers) == 1:
        values["customer.name"] = speakers.pop()
        values["customer.first_name"] = values["customer.name"].split()[0]
    if values.get("customer.name") == values.get("customer.first_name"):
        values.pop("customer.name", None)  # one word: the first name ("Thanks, Jane")
    # Longest first, so a full name goes before its first name.
    for name, value in sorted(values.items(), key=lambda item: -len(item[1])):
        if len(value) < 2:
            continue
        pattern = re.compile(r"(?<![\w#])#?" + re.escape(value.lstrip("#")) + r"(?![\w])")
        text = _outside(text, _replace_value, pattern, name)
    return text


def _replace_value(pattern: re.Pattern[str], name: str, part: str) -> str:
    """A stated value as its placeholder; an id named by what the reply calls it there."""
    if name not in ("order.id", "ticket.id"):
        return pattern.sub(_token(name), part)
    return pattern.sub(lambda m: _token(_id_kind(part[: m.start()], name)), part)


def _greetings_and_sign_offs(part: str) -> str:
    def greeting(match: re.Match[str]) -> str:
        name = match["name"]
        if match["title"]:
            return match["hello"] + match["title"] + _token("customer.last_name")
        return match["hello"] + _token("customer.name" if " " in name else "customer.first_name")

    def closing(match: re.Match[str]) -> str:
        whole = match.group(0)
        return whole[: match.start("name") - match.start()] + _token("agent.name")

    def vocative(match: re.Match[str]) -> str:
        name = match["name"]
        return _token("customer.first_name") if name.lower() not in _NOT_NAMES else name

    return _VOCATIVE.sub(vocative, _CLOSING.sub(closing, _GREETING.sub(greeting, part)))


def _is_sentence_start(text: str, position: int) -> bool:
    return bool(_SENTENCE_START.search(text[max(0, position - 6) : position]))


def _proper_names(text: str, lowercase_words: Collection[str]) -> list[str]:
    """Capitalised words (with a title, or two together) that are not words the replies use."""
    found = []
    for match in _PROPER.finditer(text):
        value = match.group(0)
        titled = bool(re.match(_TITLE, value))
        if not titled and _is_sentence_start(text, match.start()):
            # "Hello Jane": the first word starts the sentence; the rest may still be a name.
            value = value.partition(" ")[2]
            if not value:
                continue
        words = re.findall(_NAME_WORD, re.sub("^" + _TITLE, "", value))
        if titled or not any(w.lower() in lowercase_words for w in words):
            found.append(value)
    return found


def _mentioned_names(text: str, transcript: Transcript, lowercase_words: Collection[str]) -> str:
    """Proper names the customer wrote that the reply repeats: people and places."""
    said = "\n".join(t.text for t in transcript.customer_turns())
    for value in sorted(set(_proper_names(said, lowercase_words)), key=len, reverse=True):
        pattern = re.compile(r"(?<![\w{])" + re.escape(value) + r"(?![\w}])")
        text = _outside(text, pattern.sub, lambda m: _token(_person_or_place(m)))
    return text


def _person_or_place(match: re.Match[str]) -> str:
    value = match.group(0)
    person = " " in value or bool(re.match(_TITLE, value))
    before = match.string[max(0, match.start() - 8) : match.start()]
    return "input.place" if not person and _PLACE_BEFORE.search(before) else "input.name"


def _id_kind(before: str, default: str = "input.reference") -> str:
    """What an id is, by the last telling word in the text before it ("invoice #85632")."""
    before = before[-_ID_CONTEXT:].lower()
    best, kind = -1, default
    for keywords, name in _ID_KINDS:
        for keyword in keywords:
            at = before.rfind(keyword)
            if at > best:
                best, kind = at, name
    return kind


def _ids(others: Sequence[str], part: str) -> str:
    def replace(match: re.Match[str]) -> str:
        value = match.group(0)
        if others and sum(value in other for other in others) * 2 > len(others):
            return value
        return _token(_id_kind(part[: match.start()]))

    return _ID.sub(replace, part)


def _varying_names(others: Sequence[str], lowercase_words: Collection[str], part: str) -> str:
    """Names the reply alone writes: a capitalised non-word no other reply of its cluster has."""
    if not others:
        return part
    for value in sorted(set(_proper_names(part, lowercase_words)), key=len, reverse=True):
        if sum(value in other for other in others) * 3 > len(others):
            continue  # several replies write it: a product or the company, not a customer
        pattern = re.compile(r"(?<![\w{])" + re.escape(value) + r"(?![\w}])")
        part = pattern.sub(lambda m: _token(_person_or_place(m)), part)
    return part
