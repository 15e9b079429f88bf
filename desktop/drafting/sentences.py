"""Split a draft into sentences with their character spans. Pure, no Qt.

Both the sentence checks (which mark or remove whole sentences) and the streaming guards (which
cut an unfinished last sentence) need the same idea of where a sentence starts and ends, so it
lives here once. Lines are split first: a list item, a bullet or a greeting line ("Hi Jane,")
is a sentence of its own even without a full stop. Inside a line a sentence ends at . ! ? or …
followed by space, unless the dot belongs to an abbreviation ("e.g.", "Mr."), an initial
("J. Smith") or the next word starts in lower case ("approx. ten"). Dots not followed by a
space (decimals such as 4.5, www.example.com/help) never end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A list marker or bullet at the start of a line: kept out of the sentence so that removing the
# sentence can drop the whole item and renumber the list.
LIST_MARKER = re.compile(r"[ \t]{0,12}(?:[-*•‣◦·\u2013\u2014]|\d{1,3}[.)]|[a-z][)])[ \t]+")
NUMBERED = re.compile(r"([ \t]{0,12})(\d{1,3})([.)])")

# Candidate ends: terminal punctuation, then closing quotes or brackets, then space or the end.
_END = re.compile(r"[.!?…]+[\"'\u201d\u2019)\]]{0,3}(?=\s|$)")
_WORD_BEFORE = re.compile(r"(\S{1,40})$")
_INITIALS = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # e.g, i.e, a.m, U.S (the last dot excluded)
_ABBREVIATIONS = frozenset(
    {"mr", "mrs", "ms", "dr", "prof", "st", "no", "nos", "vs", "approx", "appt", "apt", "dept",
     "est", "inc", "ltd", "co", "corp", "jr", "sr", "mt", "fig", "ref", "tel", "ext", "min",
     "max", "avg", "incl", "excl", "resp"}
)  # fmt: skip
_NEXT_NON_SPACE = re.compile(r"\s*(\S)")


@dataclass(frozen=True)
class Sentence:
    """One sentence of a draft: its text and where it sits (`draft[start:end] == text`)."""

    text: str
    start: int
    end: int


def split(text: str, lower_case_starts: bool = False) -> list[Sentence]:
    """Every sentence of `text`, in order, stripped, list markers left out of the span.

    `lower_case_starts` reads a customer who writes without capitals ("lol. still sealed. can
    those go back"): there a full stop ends a sentence before a lower-case word too, unless it
    ends an abbreviation.
    """
    sentences: list[Sentence] = []
    line_start = 0
    for line in text.split("\n"):
        marker = LIST_MARKER.match(line)
        body_start = marker.end() if marker else 0
        for start, end in _line_sentences(line, body_start, lower_case_starts):
            sentences.append(Sentence(line[start:end], line_start + start, line_start + end))
        line_start += len(line) + 1
    return sentences


def _line_sentences(line: str, start: int, lower_case_starts: bool) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for match in _END.finditer(line, start):
        if match.end() <= start or not _is_boundary(line, match, lower_case_starts):
            continue
        spans.append((start, match.end()))
        start = match.end()
    spans.append((start, len(line)))
    return [stripped for span in spans if (stripped := _strip(line, *span)) is not None]


def _is_boundary(line: str, match: re.Match[str], lower_case_starts: bool = False) -> bool:
    following = _NEXT_NON_SPACE.match(line, match.end())
    if following is None:
        return True  # end of the line
    if match.group().startswith(("?", "!")):
        return True  # "can you send there? and can she pay...": chat questions end in lower case
    if following.group(1).islower() and not lower_case_starts:
        return False  # "approx. ten", "e.g. this": a sentence does not start in lower case
    if not match.group().startswith(".") or len(match.group().rstrip("\"'\u201d\u2019)]")) > 1:
        return True  # … and "..." always end
    word = _WORD_BEFORE.search(line, max(0, match.start() - 40), match.start())
    if word is None:
        return True
    before = word.group(1).lstrip("(\"'\u201c\u2018")
    if len(before) == 1 and before.isupper():
        return False  # an initial: "J. Smith"
    lowered = before.lower()
    return not (lowered in _ABBREVIATIONS or lowered == "etc" or _INITIALS.fullmatch(before))


def _strip(line: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None
