"""Measure the mood reader on labelled messages: negative recall and precision, 3-class accuracy.

Reads the three shapes of labelled data the repository holds, one JSON object per line:
- UMSAB-style `{"language", "text", "label"}` (resources/eval/sentiment/umsab_val.jsonl);
- the tests' `{"language", "text", "sentiment"}` (tests/data/reading/sentiment.jsonl);
- realistic conversations `{"language", "kind", "turns"}`: the `angry` kind is the negative one,
  every other kind is "not negative" (there is no positive/neutral label to score 3 ways).
Each item is read as `read_conversation` reads it (the language of the last two customer turns,
then `read_mood`), so the figures are the app's; `meaning=False` measures the cue lists alone,
as the reader was before the meaning signal. Measuring only: nothing here fits anything.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop.errors import InputError
from desktop.reading.language import detect
from desktop.reading.mood import read_mood
from desktop.transcript import Turn

NOT_NEGATIVE = "not negative"  # the gold label of a conversation that is not the angry kind


@dataclass(frozen=True)
class Labelled:
    language: str
    turns: tuple[Turn, ...]
    label: str  # negative, neutral, positive, or NOT_NEGATIVE


@dataclass(frozen=True)
class MoodScore:
    language: str  # "all" for the whole set
    messages: int
    negatives: int  # gold negatives
    caught: int  # gold negatives read as negative
    said_negative: int  # read as negative
    correct: int  # read label equal to the gold one (NOT_NEGATIVE: anything but negative)

    @property
    def recall(self) -> float:
        return self.caught / self.negatives if self.negatives else 0.0

    @property
    def precision(self) -> float:
        return self.caught / self.said_negative if self.said_negative else 0.0

    @property
    def accuracy(self) -> float:
        return self.correct / self.messages if self.messages else 0.0

    def as_dict(self) -> dict[str, object]:
        return {
            "language": self.language,
            "messages": self.messages,
            "negatives": self.negatives,
            "negative_recall": round(self.recall, 3),
            "negative_precision": round(self.precision, 3),
            "accuracy": round(self.accuracy, 3),
        }


def load_labelled(path: Path) -> list[Labelled]:
    """Every labelled item of `path`; InputError names the first line that is not one."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            items.append(_item(json.loads(line)))
        except (ValueError, KeyError, TypeError) as exc:
            raise InputError(f"{path}:{number}: not a labelled message ({exc})") from exc
    return items


def _item(row: dict[str, object]) -> Labelled:
    language = str(row.get("language", ""))
    if "turns" in row:
        turns = tuple(
            Turn("agent" if t["role"] == "agent" else "customer", str(t["text"]))
            for t in row["turns"]  # type: ignore[attr-defined]
        )
        return Labelled(language, turns, "negative" if row["kind"] == "angry" else NOT_NEGATIVE)
    label = str(row["label"] if "label" in row else row["sentiment"])
    if label not in ("negative", "neutral", "positive"):
        raise ValueError(f"unknown label {label!r}")
    return Labelled(language, (Turn("customer", str(row["text"])),), label)


def read_sentiment(turns: Sequence[Turn], *, meaning: bool = True) -> str:
    """The sentiment `read_conversation` gives these turns."""
    customer = [t.text for t in turns if t.role == "customer" and t.text.strip()]
    return read_mood(customer, detect(" ".join(customer[-2:])), meaning=meaning).sentiment


def score(items: Iterable[Labelled], *, meaning: bool = True) -> list[MoodScore]:
    """One score per language (sorted), then "all"."""
    said: dict[str, list[tuple[str, str]]] = {}
    for item in items:
        sentiment = read_sentiment(item.turns, meaning=meaning)
        said.setdefault(item.language, []).append((item.label, sentiment))
    rows = [_score(lang, said[lang]) for lang in sorted(said)]
    return [*rows, _score("all", [p for pairs in said.values() for p in pairs])]


def _score(language: str, pairs: Sequence[tuple[str, str]]) -> MoodScore:
    def right(gold: str, read: str) -> bool:
        return read != "negative" if gold == NOT_NEGATIVE else read == gold

    return MoodScore(
        language,
        len(pairs),
        sum(gold == "negative" for gold, _ in pairs),
        sum(gold == read == "negative" for gold, read in pairs),
        sum(read == "negative" for _, read in pairs),
        sum(right(gold, read) for gold, read in pairs),
    )
