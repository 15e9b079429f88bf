"""The database schema, only ever changed by appending a migration (never edit or rename one)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("agent_assist")

# Porter stemming so "refunds"/"refunded" match "refund"; diacritics folded for other languages.
FTS_TOKENIZER = "porter unicode61 remove_diacritics 2"
FTS_COLUMNS = ["title", "body", "tags", "shortcode"]


@migrations()
def m001_canned(db: Database) -> None:
    db["canned"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "shortcode": str,
            "title": str,
            "body": str,
            "body_html": str,
            "category": str,
            "tags": str,  # JSON list of strings
            "language": str,
            "notes": str,
            "active": int,
            "source": str,  # where an import came from, e.g. "zendesk"
            "source_id": str,  # the record's id there: re-importing updates, never duplicates
            "usage_count": int,
            "last_used_at": str,
            "created_at": str,
            "updated_at": str,
        },
        pk="id",
        not_null={"title", "body"},
        defaults={
            "shortcode": "",
            "body_html": "",
            "category": "",
            "tags": "[]",
            "language": "en",
            "notes": "",
            "active": 1,
            "source": "",
            "source_id": "",
            "usage_count": 0,
        },
    )
    db.execute("CREATE UNIQUE INDEX canned_shortcode ON canned(shortcode) WHERE shortcode <> ''")
    db.execute(
        "CREATE UNIQUE INDEX canned_source ON canned(source, source_id) WHERE source_id <> ''"
    )
    db["canned"].enable_fts(FTS_COLUMNS, create_triggers=True, tokenize=FTS_TOKENIZER)  # type: ignore[union-attr]
    db["meta"].create({"key": str, "value": str}, pk="key")  # type: ignore[union-attr]


# Columns whose change alters what ranking sees; usage counters do not invalidate the index.
RANKED_COLUMNS = "title, body, tags, shortcode, category, active"


@migrations()
def m002_library_version(db: Database) -> None:
    """A counter in `meta` bumped by every change to what ranking reads.

    The ranking index lives in memory (desktop/store/ranking.py); it is rebuilt only when this
    counter moves, which one primary-key lookup tells, whatever connection made the change.
    """
    db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('library_version', '0')")
    bump = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'library_version';"
    db.execute(f"CREATE TRIGGER canned_version_ai AFTER INSERT ON canned BEGIN {bump} END")
    db.execute(f"CREATE TRIGGER canned_version_ad AFTER DELETE ON canned BEGIN {bump} END")
    db.execute(
        f"CREATE TRIGGER canned_version_au AFTER UPDATE OF {RANKED_COLUMNS} ON canned "
        f"BEGIN {bump} END"
    )


@migrations()
def m003_feedback(db: Database) -> None:
    """What the agent did with each ready reply and draft: copied as is, edited, or discarded.

    Kept on this laptop only, for the statistics view; texts are stored with emails, phone
    numbers and card-like numbers redacted (desktop/store/feedback.py).
    """
    db["feedback"].create(  # type: ignore[union-attr]
        {
            "id": int,
            "created_at": float,
            "kind": str,
            "action": str,
            "edit_distance": int,
            "offered_chars": int,
            "copied_text": str,
            "canned_ids": str,
            "model": str,
            "mode": str,
            "tone": str,
            "first_token_s": float,
            "total_s": float,
        },
        pk="id",
        not_null={"created_at", "kind", "action"},
        defaults={"edit_distance": 0, "offered_chars": 0, "copied_text": "", "canned_ids": "[]"},
    )
    db.execute("CREATE INDEX feedback_created ON feedback(created_at)")


def apply(db: Database) -> None:
    migrations.apply(db)


def schema_version(db: Database) -> int:
    """Number of migrations applied: shown in diagnostics and checked by tests."""
    return len(migrations.applied(db))
