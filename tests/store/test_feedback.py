"""Local feedback rows: recorded on a real SQLite file, redacted, summed up for the stats view."""

from __future__ import annotations

import json
import time
from pathlib import Path

from desktop.store.db import open_database
from desktop.store.feedback import FeedbackEvent, FeedbackRepository, edit_distance, redact

DAY = 86400.0


def test_edit_distance() -> None:
    assert edit_distance("", "") == 0
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("same text", "same text") == 0
    assert edit_distance("abc", "") == 3


def test_redaction_keeps_words_and_hides_contact_and_card_numbers() -> None:
    text = (
        "Mail jane.doe@example.com or call +1 (804) 273-5969; card 4111 1111 1111 1111, order 42."
    )
    assert redact(text) == "Mail [email] or call [number]; card [number], order 42."


def test_records_and_stats_on_a_real_database(tmp_path: Path) -> None:
    db = open_database(tmp_path / "canned.db").db
    feedback = FeedbackRepository(db)
    now = time.time()
    offered = "Hi Jane,\n\nYou can cancel it from your order page."
    feedback.record(
        FeedbackEvent(
            "ready_reply",
            "copied",
            offered,
            offered,
            (7,),
            "m",
            "adapt",
            "friendly",
            0.01,
            0.02,
            now - DAY,
        )
    )
    feedback.record(
        FeedbackEvent(
            "draft",
            "copied",
            offered,
            offered + " Call 804-273-5969.",
            (7, 9),
            "m",
            "adapt",
            "friendly",
            0.4,
            1.2,
            now,
        )
    )
    feedback.record(FeedbackEvent("draft", "discarded", "A draft", created_at=now))
    feedback.record(FeedbackEvent("draft", "copied", "Old", "Old", (3,), created_at=now - 40 * DAY))

    stats = feedback.stats(days=30, now=now)
    assert (stats.offered, stats.copied, stats.copied_as_is) == (3, 2, 1)
    assert stats.by_kind == {
        "ready_reply": {"copied": 1, "discarded": 0},
        "draft": {"copied": 1, "discarded": 1},
    }
    assert stats.top_canned[0] == (7, 2)
    assert [o for _, _, o in stats.by_day] == [1, 2]
    assert stats.mean_first_token_s == round((0.01 + 0.4) / 2, 3)
    assert stats.mean_edit_distance == len(" Call 804-273-5969.") / 2
    assert json.loads(json.dumps(stats.as_json()))["acceptance"] == round(2 / 3, 3)
    stored = [r["copied_text"] for r in db.query("SELECT copied_text FROM feedback")]
    assert not any("804-273-5969" in text for text in stored)

    assert feedback.forget_before(now - 30 * DAY) == 1
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 3
