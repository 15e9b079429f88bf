"""Read a conversation like a team lead: language, mood, urgency and intent. No Qt, no model.

`read_conversation` is the one entry point; each part lives in its own module (language,
mood with its cue lists, intents). Everything runs in a few milliseconds once the ranking
index of the library is built (README, "Reading the conversation").
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlite_utils import Database

from desktop.reading.intents import IntentGuess, guess_intents
from desktop.reading.language import detect
from desktop.reading.mood import read_mood
from desktop.transcript import Transcript

__all__ = ["IntentGuess", "Reading", "read_conversation"]


@dataclass(frozen=True)
class Reading:
    language: str  # ISO 639-1, "" when there is nothing to go by
    sentiment: str  # negative, neutral, positive
    emotion: str  # angry, frustrated, worried, happy, or ""
    urgency: str  # high, medium, low
    cues: tuple[tuple[str, str], ...]  # (kind, words) behind the mood and urgency labels
    intents: tuple[IntentGuess, ...]  # most likely first
    abstain: bool  # no canned response fits well enough: say so instead of forcing one

    def as_dict(self) -> dict[str, Any]:
        return {
            "language": self.language,
            "sentiment": self.sentiment,
            "emotion": self.emotion,
            "urgency": self.urgency,
            "cues": [{"kind": kind, "words": words} for kind, words in self.cues],
            "intents": [{"intent": g.intent, "confidence": g.confidence} for g in self.intents],
            "abstain": self.abstain,
        }

    def as_json(self) -> str:
        return json.dumps(self.as_dict(), ensure_ascii=False)


def read_conversation(transcript: Transcript, db: Database | None = None) -> Reading:
    """Read `transcript`; intents need the library `db` (none without it)."""
    customer = [turn.text for turn in transcript.customer_turns() if turn.text.strip()]
    language = detect(" ".join(customer[-2:]))
    mood = read_mood(customer, language)
    guesses, abstain = guess_intents(db, transcript) if db is not None else ((), True)
    return Reading(
        language, mood.sentiment, mood.emotion, mood.urgency, mood.cues, guesses, abstain
    )
