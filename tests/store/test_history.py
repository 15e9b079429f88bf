"""The conversation history on a real SQLite file: redaction, retention, search, reopen."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.store.db import open_database
from desktop.store.history import DAY_S, History, open_history, title_for
from sqlite_utils import Database

CONVERSATION = (
    "Customer: Hi, my parcel never arrived. Order 4417-2231-9981-0042, "
    "write to jane.doe@example.com or call +44 20 7946 0958.\n"
    "Agent: Sorry to hear that, let me check."
)


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "library.db"


@pytest.fixture
def db(db_path: Path) -> Iterator[Database]:
    opened = open_database(db_path, True)
    yield opened.db
    opened.db.close()


def test_saved_conversation_is_redacted_and_reopens_with_its_copies(db: Database) -> None:
    history = History(db)
    conversation_id = history.save(CONVERSATION)
    history.record_copy(conversation_id, "draft", "Hi Jane, we emailed jane.doe@example.com.")
    reopened = history.get(conversation_id)
    assert reopened is not None
    assert "jane.doe@example.com" not in reopened.text
    assert "7946" not in reopened.text and "4417" not in reopened.text
    assert "[email]" in reopened.text and "[number]" in reopened.text
    assert reopened.title.startswith("Hi, my parcel never arrived")
    assert [c.kind for c in reopened.copies] == ["draft"]
    assert reopened.copies[0].text == "Hi Jane, we emailed [email]."


def test_unredacted_history_keeps_the_text(db: Database) -> None:
    history = History(db, redacted=False)
    reopened = history.get(history.save(CONVERSATION))
    assert reopened is not None and reopened.text == CONVERSATION


def test_saving_again_updates_the_same_conversation(db: Database) -> None:
    history = History(db)
    first = history.save("Customer: where is my refund?")
    again = history.save("Customer: where is my refund?\nCustomer: still waiting", first)
    assert again == first
    assert history.count() == 1
    assert history.search("waiting")[0].id == first
    gone = history.save("Customer: hello", 99999)  # forgotten meanwhile: a new row
    assert gone != first and history.count() == 2


def test_search_finds_conversations_and_copied_drafts(db: Database) -> None:
    history = History(db)
    refund = history.save("Customer: I want a refund for the broken kettle", now=1000.0)
    password = history.save("Customer: I forgot my password", now=2000.0)
    history.record_copy(password, "ready_reply", "Use the reset link on the sign-in page.")
    assert [c.id for c in history.search("refunds")] == [refund]  # porter stemming
    assert [c.id for c in history.search("kett")] == [refund]  # prefix while typing
    assert [c.id for c in history.search("sign-in link")] == [password]
    assert history.search("nothing like this") == []
    assert [c.id for c in history.search("")] == [password, refund]  # newest first


def test_retention_applied_on_open_keeps_recent_conversations(db_path: Path, db: Database) -> None:
    history = History(db)
    now = time.time()
    old = history.save("Customer: an old question about invoices", now=now - 31 * DAY_S)
    history.record_copy(old, "draft", "Old invoice answer", now=now - 31 * DAY_S)
    recent = history.save("Customer: a new question about invoices", now=now - DAY_S)
    db.close()
    reopened = open_database(db_path, True).db
    try:
        kept = open_history(reopened, days=30)
        assert [c.id for c in kept.search("invoices")] == [recent]
        assert kept.get(old) is None
        orphans = reopened.execute("SELECT count(*) FROM history_copy").fetchone()[0]
        assert orphans == 0
    finally:
        reopened.close()


def test_forget_now_removes_everything_from_the_file(db_path: Path, db: Database) -> None:
    history = History(db, redacted=False)
    for n in range(5):
        cid = history.save(f"Customer: question number {n} about zebrafish")
        history.record_copy(cid, "draft", "zebrafish answer")
    assert history.forget_all() == 5
    assert history.count() == 0 and history.search("zebrafish") == []
    db.close()
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT count(*) FROM history_copy").fetchone()[0] == 0


def test_zero_days_keeps_nothing(db: Database) -> None:
    history = History(db)
    history.save("Customer: hello")
    assert open_history(db, days=0).count() == 0


def test_forget_one_conversation(db: Database) -> None:
    history = History(db)
    keep, drop = history.save("Customer: keep me"), history.save("Customer: drop me")
    assert history.forget([drop]) == 1
    assert [c.id for c in history.recent()] == [keep]


def test_title_skips_the_role_label_and_is_short() -> None:
    assert title_for("\n  Customer: Where is my order?\nAgent: hi") == "Where is my order?"
    assert len(title_for("x" * 500)) == 80
