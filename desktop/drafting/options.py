"""How the agent wants a draft: mode, tone, length, alternatives, what checks do. Pure, no Qt."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from desktop.drafting.offered import Mode as CheckMode
from desktop.settings import Settings

_E = TypeVar("_E", bound=StrEnum)
AUTO_TONE = "auto"  # the settings' tone: friendly, or empathetic when the customer is upset


class DraftMode(StrEnum):
    ADAPT = "adapt"  # the chosen canned response, opened for this customer (default)
    FREE = "free"  # the model writes the whole reply, grounded on the top canned responses


class Tone(StrEnum):
    FRIENDLY = "friendly"
    FORMAL = "formal"
    EMPATHETIC = "empathetic"
    CONCISE = "concise"


class Length(StrEnum):
    SHORT = "short"
    MEDIUM = "medium"
    DETAILED = "detailed"


@dataclass(frozen=True)
class DraftOptions:
    mode: DraftMode = DraftMode.ADAPT
    tone: Tone = Tone.FRIENDLY
    length: Length = Length.MEDIUM
    alternatives: int = 3  # drafts per request; the first one streams
    checks: CheckMode = CheckMode.REMOVE  # flagged sentences: taken out, or only marked
    follow_mood: bool = False  # friendly turns empathetic when the customer is upset


def from_settings(settings: Settings) -> DraftOptions:
    """The options the settings name.

    A value this version does not know falls back to the default: a settings file from a newer
    or hand-edited version must not break drafting.
    """
    default = DraftOptions()

    def pick(kind: type[_E], value: str, fallback: _E) -> _E:
        try:
            return kind(value)
        except ValueError:
            return fallback

    return DraftOptions(
        mode=pick(DraftMode, settings.draft_mode, default.mode),
        tone=pick(Tone, settings.tone, default.tone),
        follow_mood=settings.tone == AUTO_TONE,
        length=pick(Length, settings.draft_length, default.length),
        alternatives=min(max(settings.alternatives, 1), 10),
        checks=pick(CheckMode, settings.draft_checks, default.checks),
    )
