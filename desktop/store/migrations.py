"""The database schema, only ever changed by appending a migration (never edit or rename one)."""

from __future__ import annotations

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from desktop.store.action_macros import stated_action
from desktop.store.fields import cjk_column, dump_tags, parse_tags

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


# What the search box's FTS index reads since m004, in bm25's weight order (canned.py).
SEARCH_COLUMNS = [*FTS_COLUMNS, "cjk_grams"]


@migrations()
def m004_cjk_search(db: Database) -> None:
    """Chinese, Japanese and Korean words findable in the search box; accented tags too.

    FTS5's unicode61 tokenizer reads a run of CJK characters as one token, so "退款" never
    matched "…工作日内退款", and SQLite 3.40's trigram tokenizer cannot match two characters.
    A search-only column, `cjk_grams`, holds each run as overlapping bigrams
    (desktop/store/words.py); the repository fills it on every write and the index reads it
    as a fifth column. Tags were stored as ASCII-escaped JSON (a backslash-u escape), which the
    index could not fold to "cafe": they are re-stored as written.

    The index is rebuilt here with plain SQL, in this migration's transaction, in the shape
    sqlite-utils' enable_fts gives (its executescript would commit half-way). The update
    trigger now fires only when an indexed column changes, not on every usage count.
    """
    db.execute("ALTER TABLE canned ADD COLUMN cjk_grams TEXT NOT NULL DEFAULT ''")
    for name in ("canned_ai", "canned_ad", "canned_au"):
        db.execute(f"DROP TRIGGER IF EXISTS {name}")
    db.execute("DROP TABLE IF EXISTS canned_fts")
    rows = db.execute("SELECT id, title, body, tags, shortcode FROM canned").fetchall()
    for row_id, title, body, tags, shortcode in rows:
        readable = dump_tags(parse_tags(tags))
        row = {"title": title, "body": body, "tags": readable, "shortcode": shortcode}
        db.execute(
            "UPDATE canned SET cjk_grams = ?, tags = ? WHERE id = ?",
            # Unreadable tags are left as they are rather than emptied.
            [cjk_column(row), readable if readable != "[]" else tags, row_id],
        )
    columns = ", ".join(SEARCH_COLUMNS)
    new = ", ".join(f"new.{c}" for c in SEARCH_COLUMNS)
    old = ", ".join(f"old.{c}" for c in SEARCH_COLUMNS)
    delete = (
        f"INSERT INTO canned_fts (canned_fts, rowid, {columns}) VALUES('delete', old.rowid, {old});"
    )
    insert = f"INSERT INTO canned_fts (rowid, {columns}) VALUES (new.rowid, {new});"
    db.execute(
        f"CREATE VIRTUAL TABLE canned_fts USING FTS5 ({columns}, "
        f"tokenize='{FTS_TOKENIZER}', content=canned)"
    )
    db.execute("INSERT INTO canned_fts (canned_fts) VALUES ('rebuild')")
    db.execute(f"CREATE TRIGGER canned_ai AFTER INSERT ON canned BEGIN {insert} END")
    db.execute(f"CREATE TRIGGER canned_ad AFTER DELETE ON canned BEGIN {delete} END")
    db.execute(
        f"CREATE TRIGGER canned_au AFTER UPDATE OF {columns} ON canned BEGIN {delete} {insert} END"
    )


@migrations()
def m005_vectors(db: Database) -> None:
    """Embedding vectors kept between runs, so a restart does not re-embed the library.

    One row per (embedding space, hash of the embedded text): a changed response has a new
    hash and is embedded again; vectors of texts gone from the library are deleted when the
    index is next built (desktop/store/vectors.py).
    """
    db.execute(
        "CREATE TABLE vectors (space TEXT NOT NULL, text_hash BLOB NOT NULL, "
        "vector BLOB NOT NULL, PRIMARY KEY (space, text_hash)) WITHOUT ROWID"
    )


@migrations()
def m006_history(db: Database) -> None:
    """Conversations and the drafts the agent copied, kept for the history view (issue 12).

    Texts are stored redacted by default (desktop/store/history.py) and rows older than the
    retention setting are deleted whenever the history is opened. `copies` repeats the copied
    texts of a conversation so that one FTS5 index finds a conversation by what was sent too.
    """
    db.execute(
        "CREATE TABLE history_conversation (id INTEGER PRIMARY KEY, created_at REAL NOT NULL, "
        "updated_at REAL NOT NULL, title TEXT NOT NULL DEFAULT '', text TEXT NOT NULL, "
        "copies TEXT NOT NULL DEFAULT '')"
    )
    db.execute("CREATE INDEX history_conversation_updated ON history_conversation(updated_at)")
    db.execute(
        "CREATE TABLE history_copy (id INTEGER PRIMARY KEY, conversation_id INTEGER NOT NULL "
        "REFERENCES history_conversation(id) ON DELETE CASCADE, created_at REAL NOT NULL, "
        "kind TEXT NOT NULL, text TEXT NOT NULL)"
    )
    db.execute("CREATE INDEX history_copy_conversation ON history_copy(conversation_id)")
    columns = "title, text, copies"
    db.execute(
        f"CREATE VIRTUAL TABLE history_fts USING FTS5 ({columns}, "
        f"tokenize='{FTS_TOKENIZER}', content=history_conversation)"
    )
    new_row = (
        "INSERT INTO history_fts (rowid, title, text, copies) "
        "VALUES (new.id, new.title, new.text, new.copies);"
    )
    old_row = (
        "INSERT INTO history_fts (history_fts, rowid, title, text, copies) "
        "VALUES ('delete', old.id, old.title, old.text, old.copies);"
    )
    db.execute(
        f"CREATE TRIGGER history_ai AFTER INSERT ON history_conversation BEGIN {new_row} END"
    )
    db.execute(
        f"CREATE TRIGGER history_ad AFTER DELETE ON history_conversation BEGIN {old_row} END"
    )
    db.execute(
        f"CREATE TRIGGER history_au AFTER UPDATE OF {columns} ON history_conversation "
        f"BEGIN {old_row} {new_row} END"
    )


# What the agent may not change in a team library's response (usage counters stay writable).
TEAM_LOCKED_COLUMNS = (
    "title, body, body_html, shortcode, category, tags, language, notes, active, source, source_id"
)


@migrations()
def m007_team_library(db: Database) -> None:
    """Subscriptions to shared library files, and team responses kept read-only (issue 12).

    A team response is a `canned` row whose source is "team:<path>". Triggers refuse to change
    or delete one unless the statement runs inside a team sync: the sync inserts a row into
    `team_sync_writer` in its own transaction and deletes it before committing, so no other
    connection ever sees it and a crashed sync leaves nothing behind (desktop/library/team.py).
    """
    db.execute(
        "CREATE TABLE team_subscription (path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL "
        "DEFAULT 0, size INTEGER NOT NULL DEFAULT -1, synced_at REAL, responses INTEGER NOT "
        "NULL DEFAULT 0, error TEXT NOT NULL DEFAULT '')"
    )
    db.execute("CREATE TABLE team_sync_writer (id INTEGER PRIMARY KEY)")
    guard = (
        "WHEN old.source LIKE 'team:%' AND NOT EXISTS (SELECT 1 FROM team_sync_writer) "
        "BEGIN SELECT RAISE(ABORT, 'This canned response comes from a team library and is "
        "read-only; copy it (Duplicate) to make your own version.'); END"
    )
    db.execute(
        f"CREATE TRIGGER canned_team_readonly_update BEFORE UPDATE OF {TEAM_LOCKED_COLUMNS} "
        f"ON canned {guard}"
    )
    db.execute(f"CREATE TRIGGER canned_team_readonly_delete BEFORE DELETE ON canned {guard}")


@migrations()
def m008_index_snapshot(db: Database) -> None:
    """The ranking's word statistics (BM25 postings) kept for the library version they describe.

    Rebuilding them reads every response: about a minute at 100k on a 2-core laptop. With the
    vectors of m005 this lets the first ranking after a restart read instead of compute. One row
    per part, replaced whenever the index is rebuilt (desktop/store/ranking.py).
    """
    db.execute(
        "CREATE TABLE index_snapshot (part TEXT PRIMARY KEY, library_version TEXT NOT NULL, "
        "fingerprint TEXT NOT NULL, data BLOB NOT NULL)"
    )


@migrations()
def m009_vectors_packed(db: Database) -> None:
    """The m005 vectors table as an ordinary rowid table with a unique key.

    As a WITHOUT ROWID table every 1-2 KB vector spilled onto overflow pages: a 100k library's
    307 MB of vectors took 938 MB of file. A rowid table keeps them inline.
    """
    db.execute(
        "CREATE TABLE vectors_packed (space TEXT NOT NULL, text_hash BLOB NOT NULL, "
        "vector BLOB NOT NULL)"
    )
    db.execute("INSERT INTO vectors_packed SELECT space, text_hash, vector FROM vectors")
    db.execute("DROP TABLE vectors")
    db.execute("ALTER TABLE vectors_packed RENAME TO vectors")
    db.execute("CREATE UNIQUE INDEX vectors_key ON vectors(space, text_hash)")


@migrations()
def m010_states_action(db: Database) -> None:
    """Which responses state an action as already done ("I have cancelled your membership").

    Such a confirmation is right only after the agent did the action (issue 20), so the
    recognition runs when a response is written (desktop/store/canned.py) and is kept here as
    StatedAction JSON, '' for none. Existing rows are filled in now, team responses included:
    the column is not one the team library locks.
    """
    db.execute("ALTER TABLE canned ADD COLUMN states_action TEXT NOT NULL DEFAULT ''")
    for row_id, title, body in db.execute("SELECT id, title, body FROM canned").fetchall():
        action = stated_action(title or "", body or "")
        if action:
            db.execute(
                "UPDATE canned SET states_action = ? WHERE id = ?", [action.as_json(), row_id]
            )


@migrations()
def m011_examples(db: Database) -> None:
    """Conversations an agent answered with a canned response: the ranking learns from them.

    `polarity` 1 is a pick (a copied reply or an inserted response), -1 a response passed over
    (a discarded draft). `text` is the customer's side, redacted; `conversation` the redacted
    thread it came from, so History > forget can find it. `vector` is its WordLlama vector
    (float16), so a restart embeds nothing. `examples_version` in `meta` moves with every
    change, as `library_version` does for the responses (desktop/store/examples.py).
    """
    db.execute(
        "CREATE TABLE example (id INTEGER PRIMARY KEY, canned_id INTEGER NOT NULL, "
        "polarity INTEGER NOT NULL DEFAULT 1, text TEXT NOT NULL, conversation TEXT NOT NULL "
        "DEFAULT '', source TEXT NOT NULL DEFAULT 'app', created_at REAL NOT NULL, "
        "space TEXT NOT NULL DEFAULT '', vector BLOB)"
    )
    db.execute("CREATE INDEX example_canned ON example(canned_id)")
    db.execute("CREATE INDEX example_created ON example(created_at)")
    db.execute("INSERT OR IGNORE INTO meta(key, value) VALUES ('examples_version', '0')")
    bump = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'examples_version';"
    db.execute(f"CREATE TRIGGER example_version_ai AFTER INSERT ON example BEGIN {bump} END")
    db.execute(f"CREATE TRIGGER example_version_ad AFTER DELETE ON example BEGIN {bump} END")
    db.execute(f"CREATE TRIGGER example_version_au AFTER UPDATE ON example BEGIN {bump} END")


@migrations()
def m012_example_cross_vectors(db: Database) -> None:
    """Each example's vector in the multilingual space too (float16).

    Filled when a conversation in another language first needs it: across languages static
    word vectors match a language, not a request (desktop/store/examples.py).
    """
    db.execute("ALTER TABLE example ADD COLUMN cross_space TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE example ADD COLUMN cross_vector BLOB")
    # Filling those in changes no example: only a change of what ranking reads moves the version.
    db.execute("DROP TRIGGER example_version_au")
    bump = "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'examples_version';"
    db.execute(
        "CREATE TRIGGER example_version_au AFTER UPDATE OF canned_id, polarity, text, space, "
        f"vector ON example BEGIN {bump} END"
    )


def apply(db: Database) -> None:
    migrations.apply(db)


def schema_version(db: Database) -> int:
    """Number of migrations applied: shown in diagnostics and checked by tests."""
    return len(migrations.applied(db))
