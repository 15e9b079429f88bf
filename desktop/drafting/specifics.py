"""Find the specifics a sentence states (numbers, amounts, dates, web addresses, names...).

A specific is something a customer could act on or hold the company to: a phone number, an
amount, "within 3-5 business days", a URL, an order id, a plan's name. Small models invent them
freely, so `checks` asks of each one whether the conversation or the grounding states it. Each
kind has its own normal form so that the same fact written differently still matches: a phone
by its digits, a URL without scheme, "www." or trailing slash, a number by its value ("1,200",
"1200.00"; "three" for 3 inside durations), a name case-insensitively word by word.

Placeholders (`{{order.id}}`, `{{Website Name}}`) are masked first: they are filled later, from
known values, so they state nothing. Every pattern is bounded, so hostile text costs linear time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

PLACEHOLDER = re.compile(r"\{\{[^{}\n]{0,120}\}\}")
# Slots a model invents ("{Customer}", "[Your Name]", "<customer name>"): leaks, not specifics.
SLOT = re.compile(
    r"(?<!\{)\{(?!\{)[^{}\n]{1,60}(?<!\})\}(?!\})|\[[^\[\]\n]{0,60}[A-Za-z][^\[\]\n]{0,60}\](?!\()"
    r"|<[A-Za-z][A-Za-z _.-]{0,40}>"
)

_WORD_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fourteen": 14, "fifteen": 15,
    "twenty": 20, "twenty-four": 24, "thirty": 30, "forty-five": 45, "forty-eight": 48,
    "sixty": 60, "seventy-two": 72, "ninety": 90,
}  # fmt: skip
_NUM = r"\d[\d,]{0,15}(?:\.\d{1,4})?"
_WORD_NUM = "|".join(sorted(_WORD_NUMBERS, key=len, reverse=True))
_UNITS = (
    r"(?:business|working|calendar)?[ -]?"
    r"(?:days?|hours?|hrs?|minutes?|mins?|weeks?|months?|years?|seconds?)"
)
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_TLD = (
    r"(?:com|net|org|io|co|uk|de|fr|es|it|nl|eu|us|ca|au|info|biz|app|shop|store|online|site"
    r"|help|support|ly|me|tv|ai)"
)
_URL_TAIL = r"[^\s<>\"')\]]{0,200}"

# (kind, pattern) in priority order: a span taken by an earlier kind is not matched again.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("email address", re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,4}")),
    (
        "web address",
        re.compile(
            r"(?:https?://|www\.)" + _URL_TAIL + r"|(?<![\w@.-])(?:[a-z0-9](?:[a-z0-9-]{0,61}"
            r"[a-z0-9])?\.){1,4}" + _TLD + r"\b(?:/" + _URL_TAIL + r")?",
            re.IGNORECASE,
        ),
    ),
    ("availability", re.compile(r"(?<![\w/])24/7(?![\w/])")),
    (
        "date",
        re.compile(
            r"(?<![\w/])(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4})(?![\w/])"
            r"|\b" + _MONTH + r"\.? \d{1,2}(?:st|nd|rd|th)?(?:,? \d{4})?\b"
            r"|\b\d{1,2}(?:st|nd|rd|th)? (?:of )?" + _MONTH + r"\b(?: \d{4})?"
            r"|\b(?:by|on|until|before|next|this|from) " + _DAY + r"\b",
            re.IGNORECASE,
        ),
    ),
    (
        "time",
        re.compile(
            r"(?<![\w:])\d{1,2}(?::\d{2})? ?(?:a\.?m\b\.?|p\.?m\b\.?)|(?<![\w:])\d{1,2}:\d{2}\b",
            re.IGNORECASE,
        ),
    ),
    (
        "phone number",
        re.compile(
            r"(?<![\w/.-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{2,4}\)[ .-]?)?\d{2,4}(?:[ .-]\d{2,5}){1,4}"
            r"(?![\w/]|[.-]\d)"
        ),
    ),
    (
        "amount",
        re.compile(
            r"(?:[$€£¥]|\b(?:USD|EUR|GBP|CAD|AUD)) ?"
            + _NUM
            + r"|(?<![\w.])"
            + _NUM
            + r" ?(?:%|percent\b|(?:USD|EUR|GBP|CAD|AUD|dollars?|euros?|pounds?|cents?)\b)",
            re.IGNORECASE,
        ),
    ),
    (
        "duration",
        re.compile(
            r"(?<![\w.])(?:"
            + _NUM
            + "|"
            + _WORD_NUM
            + r")(?: ?(?:-|\u2013|to|or) ?(?:"
            + _NUM
            + "|"
            + _WORD_NUM
            + r"))?[ -]"
            + _UNITS
            + r"\b",
            re.IGNORECASE,
        ),
    ),
    (
        "order or ticket number",
        re.compile(r"#\s?\d{2,20}\b|\b[A-Z]{1,5}-?\d{3,20}[A-Z0-9]{0,8}\b"),
    ),
    ("number", re.compile(r"(?<![\w.,])\d[\d,]{0,20}(?:\.\d{1,6})?(?:st|nd|rd|th)?\b")),
    (
        "name",
        re.compile(
            r"(?<![\w'\u2019])[A-Z][\w'\u2019&-]{0,30}"
            r"(?:(?: (?:of|and|for|the|&))? [A-Z][\w'\u2019&-]{0,30}){1,6}"
            r"|\b[A-Za-z]{0,20}[a-z][A-Z][A-Za-z]{0,20}\b"
        ),
    ),
)

# Capitalised words that start a name sequence without being part of a name.
_NOT_NAME = frozenset(
    {"i", "dear", "hi", "hello", "hey", "thanks", "thank", "please", "best", "kind", "warm",
     "regards", "sincerely", "yes", "no", "ok", "okay", "sorry", "unfortunately", "also",
     "however", "if", "to", "for", "our", "your", "the", "we", "you", "my", "in", "on", "at",
     "this", "that", "it", "a", "an", "and", "of", "as", "so", "but", "or", "once", "when",
     "after", "before", "here", "there"}
)  # fmt: skip
_OPENERS = ':;"\u201c('  # a word after these is sentence-initial
# Words of the support trade: "The Support Team", "Order History" name no product or policy.
_GENERIC = frozenset(
    {"support", "team", "customer", "customers", "service", "services", "care", "department",
     "center", "centre", "desk", "help", "order", "orders", "account", "history", "settings",
     "details", "my", "profile", "contact", "us", "page", "section", "store", "shop", "online",
     "website", "live", "chat", "agent", "manager"}
)  # fmt: skip
_NUMBER_IN = re.compile(_NUM + "|" + _WORD_NUM, re.IGNORECASE)
_UNIT_IN = re.compile(r"\b(?:day|hour|hr|min|week|month|year|second)", re.IGNORECASE)
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_DIGIT = re.compile(r"\d")
_DIGIT_KINDS = frozenset(
    {"availability", "time", "phone number", "amount", "order or ticket number", "number"}
)
_STEP_BEFORE = re.compile(r"\bsteps? ?$", re.IGNORECASE)
_DAY_PREFIX = re.compile(r"^(?:by|on|until|before|next|this|from) ", re.IGNORECASE)


@dataclass(frozen=True)
class Specific:
    """One specific in a sentence: its kind, its text, its span and its normal form."""

    kind: str
    text: str
    start: int
    end: int
    key: str


def mask(text: str, pattern: re.Pattern[str]) -> str:
    """`text` with every match of `pattern` blanked out, keeping offsets."""
    return pattern.sub(lambda m: " " * len(m.group()), text)


def find(sentence: str) -> list[Specific]:
    """The specifics `sentence` states, left to right, placeholders and slots ignored."""
    text = mask(mask(sentence, PLACEHOLDER), SLOT)
    taken = bytearray(len(text))  # 1 where an earlier kind matched: linear, not quadratic
    found: list[Specific] = []
    has_digit = _DIGIT.search(text) is not None
    for kind, pattern in _PATTERNS:
        if kind in _DIGIT_KINDS and not has_digit:
            continue  # most sentences have no digit: skip the patterns that need one
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(taken[start:end]):
                continue
            value = match.group().rstrip(".,;:!?")
            if kind == "name":
                trimmed = _trim_name(text, start, value)
                if trimmed is None:
                    continue
                start, value = trimmed
            elif kind == "phone number" and not 7 <= len(digits(value)) <= 15:
                continue  # "3-5", "10 20": too short for a phone, left to later kinds
            elif kind == "number" and _STEP_BEFORE.search(text, max(0, start - 8), start):
                continue  # "repeat step 3" points into the draft's own list
            taken[start : start + len(value)] = b"\x01" * len(value)
            found.append(Specific(kind, value, start, start + len(value), normal(kind, value)))
    return sorted(found, key=lambda s: s.start)


def _trim_name(text: str, start: int, value: str) -> tuple[int, str] | None:
    words = value.split(" ")
    if len(words) == 1:
        return (start, value)  # a CamelCase brand such as PayPal
    if _sentence_initial(text, start) and words[0].lower() not in _NOT_NAME:
        start += len(words[0]) + 1  # sentence-initial: an ordinary word in upper case
        words = words[1:]
    while words and words[0].lower() in _NOT_NAME:
        start += len(words[0]) + 1
        words = words[1:]
    while words and words[-1].lower() in _NOT_NAME:
        words = words[:-1]
    capitalised = [w for w in words if w[:1].isupper()]
    if len(capitalised) < 2 or all(w.lower() in _GENERIC for w in capitalised):
        return None
    return (start, " ".join(words))


def _sentence_initial(text: str, start: int) -> bool:
    """Whether the word at `start` opens the sentence, a quote or a clause after a colon."""
    position = start - 1
    while position >= 0 and text[position].isspace():
        position -= 1
    return position < 0 or text[position] in _OPENERS


def digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def number_value(text: str) -> str:
    """A number's canonical form: "1,200.00" -> "1200", "twenty-four" -> "24"."""
    word = _WORD_NUMBERS.get(text.lower())
    if word is not None:
        return str(word)
    cleaned = re.sub(r"(?:st|nd|rd|th)$", "", text.replace(",", ""))
    try:
        value = float(cleaned)
    except ValueError:
        return cleaned
    return str(int(value)) if value == int(value) else repr(value)


def words_key(text: str) -> str:
    """Lower-case words padded with spaces, so that `in` matches whole words only."""
    return " " + _NON_ALNUM.sub(" ", text.lower()).strip() + " "


def url_key(text: str) -> str:
    lowered = text.lower().rstrip("/.")
    return re.sub(r"^(?:https?://)?(?:www\.)?", "", lowered)


def durations(text: str) -> list[str]:
    """Each number of a duration with its unit's stem: "3-5 business days" -> 3 day, 5 day."""
    unit_match = _UNIT_IN.search(text)
    unit = unit_match.group().lower() if unit_match else ""
    unit = {"hr": "hour", "min": "minute"}.get(unit, unit)
    return [f"{number_value(n)} {unit}" for n in _NUMBER_IN.findall(text)]


def normal(kind: str, text: str) -> str:
    """The form two mentions of the same specific share."""
    if kind in ("phone number", "order or ticket number") and digits(text):
        return digits(text) if kind == "phone number" or text.startswith("#") else text.upper()
    if kind == "web address":
        return url_key(text)
    if kind == "email address":
        return text.lower()
    if kind in ("amount", "number"):
        number = _NUMBER_IN.search(text)
        return number_value(number.group()) if number else text
    if kind == "duration":
        return "|".join(durations(text))
    if kind == "date":
        text = _DAY_PREFIX.sub("", text)
    return words_key(text)
