"""The customer's mood and how urgent the conversation is, with the words that say so.

Two signals. Precise cues from the lists in `cues.py` (per language, plus English always, since
customers mix in English words) and two that read the same in every language: SHOUTING (a run of
upper-case words) and repeated exclamation marks. And the meaning of the latest customer turn
(`meaning.py`: a linear head over the multilingual sentence vectors), which needs no word
lists and so holds on messages nobody wrote a cue for. An anger word is negative whatever
the meaning says, unless the latest turn reads positive and has none (solved since); a threat,
a repeated contact or shouting is negative unless the latest turn reads positive; otherwise
the meaning decides. A happy cue right after a negator ("not happy") is read as frustration,
and one before a contrast ("thanks, but") is dropped. Cues give the emotion and urgency and are
shown to the agent. About a millisecond per conversation; cues only without the encoder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from desktop.reading.cues import (
    CJK,
    CJK_NEGATORS_AFTER,
    CJK_NEGATORS_BEFORE,
    CONTRASTS,
    CUES,
    NEGATIVE_EMOTIONS,
    NEGATORS,
    URGENCY_KINDS,
)
from desktop.reading.meaning import MeaningReader, default_reader

RECENT_TURNS = 3  # customer turns read, newest first
WORDS = re.compile(r"[^\W\d_]+")
BANGS = re.compile(r"[!\uff01]{2,}|[?\uff1f][!\uff01]|[!\uff01][?\uff1f]")  # ASCII or full-width
SHORT = 4  # cues this short must be whole words ("sue" is not "suede")
URGENCY_POINTS = {"urgent": 2, "threat": 2, "repeat": 1, "deadline": 1, "shouting": 1}
# Cues that say displeasure however the message reads otherwise ("!!" and two capitalised
# words are as often delight or a name: only "!!!", "?!" and three shouted words count).
DISPLEASURE = ("threat", "repeat")
# A negator at most one word before the cue, nothing but spaces in between.
NEGATED = re.compile(
    r"(?:n't|\b(?:" + "|".join(map(re.escape, NEGATORS)) + r")\b)(?:\s+\w+)?\s+$", re.IGNORECASE
)
CONTRAST = re.compile(
    "|".join(c if c[0] > "\u2e7f" else rf"\b{re.escape(c)}\b" for c in CONTRASTS), re.IGNORECASE
)


@dataclass(frozen=True)
class Mood:
    sentiment: str  # "negative", "neutral" or "positive"
    emotion: str  # "angry", "frustrated", "worried", "happy" or "" when none is clear
    urgency: str  # "high", "medium" or "low"
    cues: tuple[tuple[str, str], ...]  # (kind, the words found), e.g. ("repeat", "third time")


@cache
def _pattern(kind: str, language: str) -> re.Pattern[str] | None:
    words = set(CUES[kind].get("en", ()))
    words.update(CUES[kind].get(language, ()))
    if not words:
        return None
    parts = []
    for word in sorted(words, key=len, reverse=True):
        escaped = re.escape(word)
        if any(word in CUES[kind].get(cjk, ()) for cjk in CJK):
            parts.append(escaped)  # no word boundaries in CJK text
        else:
            parts.append(rf"\b{escaped}\b" if len(word) <= SHORT else rf"\b{escaped}")
    return re.compile("|".join(parts), re.IGNORECASE)


def find_cues(text: str, language: str) -> list[tuple[str, str]]:
    """(kind, cue as written in `text`) for each cue kind found, shouting and bangs included."""
    found: list[tuple[str, str]] = []
    for kind in CUES:
        pattern = _pattern(kind, language)
        if pattern is None:
            continue
        for m in pattern.finditer(text):
            words = m.group().lower()
            if kind == "happy":
                start = _negation_start(text, m.start(), m.end())
                if start is not None:
                    found.append(("frustrated", " ".join(text[start : m.end()].lower().split())))
                    continue
                if CONTRAST.search(text, m.end()):
                    continue  # "thanks, but ...": the part after the contrast says the mood
            if kind == "threat" and words == "manager" and _OWN_MANAGER.search(text, 0, m.end()):
                continue  # "I'm the office manager at a practice": a job, not an escalation
            if (
                kind == "threat"
                and words in LEAVING
                and _ASKED_OR_DENIED.search(text[max(0, m.start() - 40) : m.start()])
            ):
                continue  # "please close my account", "I don't want to close my account"
            if kind == "angry" and _SOMETHING.search(text, 0, m.start()):
                continue  # "it clashes something awful with the curtains": no anger
            found.append((kind, words))
    found.extend(("shouting", run) for run in _shouted(text))
    found.extend(("shouting", m.group()) for m in BANGS.finditer(text))
    return found


# Leaving, which is a threat when it is one ("or I'll close my account") and a request when it
# is asked for ("Please close my account", "comment je fais pour résilier") or denied ("I don't
# want to close my account, I just want the texts to stop").
LEAVING = frozenset(
    (
        "cancel my account", "close my account", "cancel my subscription", "kündig", "résilier",
        "darme de baja", "cancelar mi cuenta", "cancelar minha conta", "disdire", "opzeggen",
        "расторгн", "解約", "해지", "销户", "注销",
    )
)  # fmt: skip
_ASKED_OR_DENIED = re.compile(
    r"(?:\b(?:please|pls|i'?d like to|i would like to|i (?:want|wish|need) to|can you|could you|"
    r"can i|how (?:do|can) i|help me|want you to|trying to|comment|je (?:voudrais|veux|souhaite)|"
    r"pour|wie kann ich|ich (?:möchte|will)|bitte|quiero|quisiera|cómo|por favor|vorrei|come|"
    r"per favore|gostaria de|quero|como|ik wil|hoe kan ik|graag|not|no|pas|nicht|non|não)|n't)"
    r"\s+(?:\w+\s+){0,3}$",
    re.IGNORECASE,
)
_SOMETHING = re.compile(r"\bsomething\s+$", re.IGNORECASE)  # "clashes something awful"
# A manager who is a tool or the customer's own job title ("I'm the practice manager at a
# dental surgery"), not someone to escalate to.
NOT_A_PERSON = (
    "password", "office", "project", "account", "download", "file", "task", "package",
    "practice", "facilities", "operations", "site", "property", "finance", "purchasing", "it",
)  # fmt: skip
# The customer's own boss ("my manager needs proper paperwork", "our ward manager says I can
# claim it back"): nobody to escalate to.
OWN_BOSS = re.compile(
    r"\b(?:my|our|his|her|their) (?:\w+ )?(?:manager|boss|supervisor)\b", re.IGNORECASE
)
_OWN_MANAGER = re.compile(
    rf"\b(?:{'|'.join(NOT_A_PERSON)}) manager$|{OWN_BOSS.pattern}$", re.IGNORECASE
)


def _negation_start(text: str, start: int, end: int) -> int | None:
    """Where the negator of the cue text[start:end] begins, or None when it is not negated."""
    before = text[max(0, start - 30) : start]
    found = NEGATED.search(before)
    if found:
        return start - len(before) + found.start()
    for negator in CJK_NEGATORS_BEFORE:
        if text[max(0, start - len(negator) - 1) : start].endswith(negator):
            return start - len(negator)
    after = text[end : end + 6]
    if any(negator in after for negator in CJK_NEGATORS_AFTER):
        return start  # 満足していません: the whole phrase is shown from the cue on
    return None


def _shouted(text: str) -> list[str]:
    """Runs of two or more upper-case words of 2+ letters ("WHERE IS MY REFUND")."""
    runs: list[list[str]] = [[]]
    for word in WORDS.findall(text):
        if len(word) >= 2 and word.isupper():
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    # "HG1 2XQ, VAT GB 123": codes in capitals are not shouting; a shouted run has a long word
    return [" ".join(run) for run in runs if len(run) >= 2 and max(map(len, run)) >= 4]


def read_mood(customer_texts: list[str], language: str, *, meaning: bool = True) -> Mood:
    """Mood and urgency of the customer's turns (oldest first) in `language`.

    `meaning=False` reads the cues alone (what the reader did before, and the fallback
    without the multilingual encoder).
    """
    recent = customer_texts[::-1][:RECENT_TURNS]
    cues: list[tuple[str, str]] = []
    for text in recent:
        cues.extend(c for c in find_cues(text, language) if c not in cues)
    kinds = [kind for kind, _ in cues]
    latest = {kind for kind, _ in find_cues(recent[0], language)} if recent else set()
    counts = {emotion: kinds.count(emotion) for emotion in (*NEGATIVE_EMOTIONS, "happy")}
    # Threats, repeated contacts and shouting are displeasure even without an emotion word.
    implied = {"threat": "angry", "repeat": "frustrated", "shouting": "angry"}
    if not any(counts[e] for e in NEGATIVE_EMOTIONS):
        for kind, emotion in implied.items():
            counts[emotion] += kind in kinds
    reader = default_reader() if meaning and recent else None
    if reader is not None:
        sentiment = _by_meaning(reader, recent[0], cues, latest)
    else:
        sentiment = _by_cues(counts, latest)
    if sentiment == "negative":
        emotion = max(NEGATIVE_EMOTIONS, key=lambda e: counts[e])
        emotion = emotion if counts[emotion] else ""
    else:
        emotion = "happy" if sentiment == "positive" else ""
    points = sum(URGENCY_POINTS.get(kind, 0) for kind in set(kinds) & set(URGENCY_POINTS))
    if "angry" in kinds and points:
        points += 1  # an angry customer with a deadline or a threat is the one to answer first
    urgency = "high" if points >= 2 else "medium" if points == 1 else "low"
    shown = tuple((k, w) for k, w in cues if k in (*URGENCY_KINDS, "shouting") or k == emotion)
    return Mood(sentiment, emotion, urgency, shown)


def _by_meaning(
    reader: MeaningReader, latest_text: str, cues: list[tuple[str, str]], latest: set[str]
) -> str:
    """The latest turn's meaning, overruled by the precise cues."""
    label = reader.read(latest_text).label
    kinds = {kind for kind, _ in cues}
    if "angry" in kinds and (label != "positive" or "angry" in latest):
        return "negative"
    # "did it!! connected now, you're a star": bangs with thanks and no complaint are joy
    joyful = "happy" in latest and not latest & set(NEGATIVE_EMOTIONS)
    displeased = kinds & set(DISPLEASURE) or any(
        kind == "shouting" and _loud(words) and not joyful for kind, words in cues
    )
    return "negative" if displeased and label != "positive" else label


def _loud(shouted: str) -> bool:
    """Whether a shouting cue is plainly upset: "!!!", "?!" or three upper-case words."""
    if not shouted.strip("!?\uff01\uff1f"):
        return len(shouted) >= 3 or any(q in shouted for q in "?\uff1f")
    return len(shouted.split()) >= 3


def _by_cues(counts: dict[str, int], latest: set[str]) -> str:
    """The cue lists alone: any negative emotion, unless thanks in the latest turn outweighs it."""
    negative = sum(counts[e] for e in NEGATIVE_EMOTIONS)
    # Thanks in the latest turn outweighs an earlier complaint: the problem is solved.
    happy_now = "happy" in latest and not latest & set(NEGATIVE_EMOTIONS)
    if negative and not happy_now:
        return "negative"
    return "positive" if counts["happy"] else "neutral"
