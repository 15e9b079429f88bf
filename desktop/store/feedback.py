"""Local feedback: what the agent did with each suggestion, and statistics over it. No Qt.

Nothing leaves the laptop. Copied texts are kept redacted (emails, phone numbers, card-like
numbers), since they are customers' data; the edit distance between what was offered and what
was copied is the measure of how useful a suggestion was (0: sent as is).
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlite_utils import Database

from desktop.errors import InputError
from desktop.store import storage
from desktop.transcript import parse

Kind = Literal["ready_reply", "draft", "alternative", "canned"]  # canned: copied from the list
Action = Literal["copied", "discarded"]
MAX_CONVERSATION_CHARS = 100_000  # as the history keeps it
MAX_DISTANCE_CHARS = 4000  # edit distance is quadratic: longer texts are compared in part
_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_LONG_NUMBER = re.compile(r"(?<!\w)\+?\d[\d ().-]{6,22}\d(?!\w)")


@dataclass(frozen=True)
class FeedbackEvent:
    kind: Kind
    action: Action
    offered_text: str
    copied_text: str = ""
    canned_ids: Sequence[int] = ()
    model: str = ""
    mode: str = ""
    tone: str = ""
    first_token_s: float | None = None
    total_s: float | None = None
    created_at: float = field(default_factory=time.time)
    # The thread it answered: with `canned_ids`, a copy teaches the ranking (an example of
    # each response) and a discard counts against them (desktop/store/examples.py).
    conversation: str = ""


def redact(text: str) -> str:
    """Emails, phone numbers and card-like numbers replaced by a marker."""
    return _LONG_NUMBER.sub("[number]", _EMAIL.sub("[email]", text))


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance in characters (two rows; inputs capped at MAX_DISTANCE_CHARS)."""
    a, b = a[:MAX_DISTANCE_CHARS], b[:MAX_DISTANCE_CHARS]
    if a == b:
        return 0
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i]
        for j, char_b in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b))
            )
        previous = current
    return previous[-1]


@dataclass(frozen=True)
class Stats:
    days: int
    offered: int  # suggestions the agent copied or discarded
    copied: int
    copied_as_is: int
    by_kind: dict[str, dict[str, int]]  # kind -> {"copied": n, "discarded": n}
    by_day: list[tuple[str, int, int]]  # (YYYY-MM-DD, copied, offered), oldest first
    top_canned: list[tuple[int, int]]  # (canned id, times copied), most first
    mean_first_token_s: float | None
    mean_edit_distance: float | None

    @property
    def acceptance(self) -> float:
        return self.copied / self.offered if self.offered else 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "days": self.days,
            "offered": self.offered,
            "copied": self.copied,
            "copied_as_is": self.copied_as_is,
            "acceptance": round(self.acceptance, 3),
            "by_kind": self.by_kind,
            "by_day": [{"day": d, "copied": c, "offered": o} for d, c, o in self.by_day],
            "top_canned": [{"id": i, "copied": n} for i, n in self.top_canned],
            "mean_first_token_s": self.mean_first_token_s,
            "mean_edit_distance": self.mean_edit_distance,
        }


class FeedbackRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, event: FeedbackEvent) -> None:
        copied = event.action == "copied"
        with storage.storage_errors(self.db, "this feedback was not kept"):
            self._insert(event, copied)
            self._learn(event, copied)

    def _learn(self, event: FeedbackEvent, copied: bool) -> None:
        """Keep the conversation as an example of the responses the reply was built on."""
        if not event.conversation.strip() or not event.canned_ids:
            return
        from desktop.store.examples import AGAINST, PICK  # ranking loads numpy: only now
        from desktop.store.learning import Answered, learn_many

        conversation = redact(event.conversation[-MAX_CONVERSATION_CHARS:])  # as history does
        try:
            transcript = parse(conversation)
        except InputError:
            return  # not a conversation: nothing to learn
        learn_many(
            self.db,
            [
                Answered(
                    int(canned_id),
                    transcript,
                    PICK if copied else AGAINST,
                    conversation,
                    event.created_at,
                )
                for canned_id in event.canned_ids
            ],
        )

    def _insert(self, event: FeedbackEvent, copied: bool) -> None:
        self.db["feedback"].insert(  # type: ignore[union-attr]
            {
                "created_at": event.created_at,
                "kind": event.kind,
                "action": event.action,
                "edit_distance": edit_distance(event.offered_text, event.copied_text)
                if copied
                else 0,
                "offered_chars": len(event.offered_text),
                "copied_text": redact(event.copied_text) if copied else "",
                "canned_ids": json.dumps([int(i) for i in event.canned_ids]),
                "model": event.model,
                "mode": event.mode,
                "tone": event.tone,
                "first_token_s": event.first_token_s,
                "total_s": event.total_s,
            }
        )

    def forget_before(self, cutoff: float) -> int:
        """Delete rows older than `cutoff` (a timestamp); returns how many went."""
        with storage.writing(self.db):
            cursor = self.db.execute("DELETE FROM feedback WHERE created_at < ?", [cutoff])
        return int(cursor.rowcount)

    def stats(self, days: int = 30, now: float | None = None) -> Stats:
        since = (now or time.time()) - days * 86400
        rows = list(
            self.db.query(
                "SELECT created_at, kind, action, edit_distance, canned_ids, first_token_s "
                "FROM feedback WHERE created_at >= ? ORDER BY created_at",
                [since],
            )
        )
        by_kind: dict[str, dict[str, int]] = {}
        per_day: dict[str, list[int]] = {}
        canned: Counter[int] = Counter()
        first_tokens, distances = [], []
        for row in rows:
            copied = row["action"] == "copied"
            counts = by_kind.setdefault(row["kind"], {"copied": 0, "discarded": 0})
            counts[row["action"]] = counts.get(row["action"], 0) + 1
            day = time.strftime("%Y-%m-%d", time.localtime(row["created_at"]))
            tally = per_day.setdefault(day, [0, 0])
            tally[0] += copied
            tally[1] += 1
            if copied:
                canned.update(json.loads(row["canned_ids"] or "[]"))
                distances.append(row["edit_distance"])
            if row["first_token_s"] is not None:
                first_tokens.append(row["first_token_s"])
        copied_total = sum(1 for r in rows if r["action"] == "copied")
        return Stats(
            days=days,
            offered=len(rows),
            copied=copied_total,
            copied_as_is=sum(1 for r in rows if r["action"] == "copied" and not r["edit_distance"]),
            by_kind=by_kind,
            by_day=[(d, c, o) for d, (c, o) in sorted(per_day.items())],
            top_canned=canned.most_common(10),
            mean_first_token_s=_mean(first_tokens),
            mean_edit_distance=_mean(distances),
        )


def _mean(values: Sequence[float]) -> float | None:
    return round(sum(values) / len(values), 3) if values else None
