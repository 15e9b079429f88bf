"""The customer's mood and how urgent the conversation is, with the words that say so.

Rules over the cue lists in `cues.py` (per language, plus English always, since customers mix
in English words) and two signals that read the same in every language: SHOUTING (a run of
upper-case words) and repeated exclamation marks. Every label comes with the cues that
triggered it, so the agent can see why. Only the customer's turns are read; the latest weighs
most because an earlier complaint may have been resolved since. Microseconds per conversation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from desktop.reading.cues import CJK, CUES, NEGATIVE_EMOTIONS, URGENCY_KINDS

RECENT_TURNS = 3  # customer turns read, newest first
WORDS = re.compile(r"[^\W\d_]+")
BANGS = re.compile(r"[!\uff01]{2,}|[?\uff1f][!\uff01]|[!\uff01][?\uff1f]")  # ASCII or full-width
SHORT = 4  # cues this short must be whole words ("sue" is not "suede")
URGENCY_POINTS = {"urgent": 2, "threat": 2, "repeat": 1, "deadline": 1, "shouting": 1}


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
        found.extend((kind, m.group().lower()) for m in pattern.finditer(text))
    found.extend(("shouting", run) for run in _shouted(text))
    found.extend(("shouting", m.group()) for m in BANGS.finditer(text))
    return found


def _shouted(text: str) -> list[str]:
    """Runs of two or more upper-case words of 2+ letters ("WHERE IS MY REFUND")."""
    runs: list[list[str]] = [[]]
    for word in WORDS.findall(text):
        if len(word) >= 2 and word.isupper():
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [" ".join(run) for run in runs if len(run) >= 2 and max(map(len, run)) >= 3]


def read_mood(customer_texts: list[str], language: str) -> Mood:
    """Mood and urgency of the customer's turns (oldest first) in `language`."""
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
    negative = sum(counts[e] for e in NEGATIVE_EMOTIONS)
    # Thanks in the latest turn outweighs an earlier complaint: the problem is solved.
    happy_now = "happy" in latest and not latest & set(NEGATIVE_EMOTIONS)
    if negative and not happy_now:
        sentiment = "negative"
        emotion = max(NEGATIVE_EMOTIONS, key=lambda e: counts[e])
    elif counts["happy"]:
        sentiment, emotion = "positive", "happy"
    else:
        sentiment, emotion = "neutral", ""
    points = sum(URGENCY_POINTS.get(kind, 0) for kind in set(kinds) & set(URGENCY_POINTS))
    if "angry" in kinds and points:
        points += 1  # an angry customer with a deadline or a threat is the one to answer first
    urgency = "high" if points >= 2 else "medium" if points == 1 else "low"
    shown = tuple((k, w) for k, w in cues if k in (*URGENCY_KINDS, "shouting") or k == emotion)
    return Mood(sentiment, emotion, urgency, shown)
