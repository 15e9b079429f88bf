"""Conversation history: what the agent worked on and the drafts they copied. No Qt.

An agent's shift is many conversations; the history keeps each one (and what was copied for
it) so it can be searched and reopened after a restart. It is customers' data, so texts are
redacted by default with the feedback rules (emails, phone and card-like numbers), rows older
than the retention setting are deleted whenever the history is opened, and "forget now"
deletes everything at once. Schema: migration m006_history.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlite_utils import Database

from desktop.store import query, storage
from desktop.store.feedback import Kind, redact

if TYPE_CHECKING:
    from desktop.store.examples import ExampleStore

DAY_S = 86400
TITLE_CHARS = 80
MAX_TEXT_CHARS = 100_000  # the window keeps the newest 100,000 characters of a paste too


@dataclass(frozen=True)
class CopiedDraft:
    kind: Kind
    text: str
    created_at: float


@dataclass(frozen=True)
class Conversation:
    id: int
    title: str
    text: str
    created_at: float
    updated_at: float
    copies: tuple[CopiedDraft, ...] = ()


def title_for(text: str) -> str:
    """The first non-empty line, without its role label, cut to fit a list row."""
    for line in text.splitlines():
        line = line.strip()
        if line:
            label, sep, rest = line.partition(":")
            if sep and len(label) <= 24 and rest.strip():
                line = rest.strip()
            return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1] + "…"
    return ""


class History:
    """The history table over one connection (SQLite connections belong to their thread)."""

    def __init__(self, db: Database, redacted: bool = True) -> None:
        self.db = db
        self.redacted = redacted

    def _clean(self, text: str) -> str:
        text = text[-MAX_TEXT_CHARS:]
        return redact(text) if self.redacted else text

    def save(self, text: str, conversation_id: int | None = None, now: float | None = None) -> int:
        """Store a conversation, or its newer text under the same id; returns the id.

        A tab calls this whenever its conversation changes, so one conversation stays one row.
        An id that no longer exists (forgotten meanwhile) starts a new row.
        """
        now = time.time() if now is None else now
        clean = self._clean(text)
        with storage.writing(self.db):
            if conversation_id is not None:
                cursor = self.db.execute(
                    "UPDATE history_conversation SET text = ?, title = ?, updated_at = ? "
                    "WHERE id = ?",
                    [clean, title_for(clean), now, conversation_id],
                )
                if cursor.rowcount:
                    return conversation_id
            cursor = self.db.execute(
                "INSERT INTO history_conversation (created_at, updated_at, title, text) "
                "VALUES (?, ?, ?, ?)",
                [now, now, title_for(clean), clean],
            )
        assert cursor.lastrowid is not None
        return int(cursor.lastrowid)

    def record_copy(
        self, conversation_id: int, kind: Kind, text: str, now: float | None = None
    ) -> None:
        """Keep a draft the agent copied with its conversation (and in its search index)."""
        now = time.time() if now is None else now
        clean = self._clean(text)
        with storage.writing(self.db):
            self.db.execute(
                "INSERT INTO history_copy (conversation_id, created_at, kind, text) "
                "VALUES (?, ?, ?, ?)",
                [conversation_id, now, kind, clean],
            )
            self.db.execute(
                "UPDATE history_conversation SET copies = copies || ? || char(10), "
                "updated_at = ? WHERE id = ?",
                [clean, now, conversation_id],
            )

    def get(self, conversation_id: int) -> Conversation | None:
        """One conversation with its copied drafts, oldest first: what reopening a tab needs."""
        rows = list(
            self.db.query("SELECT * FROM history_conversation WHERE id = ?", [conversation_id])
        )
        if not rows:
            return None
        copies = tuple(
            CopiedDraft(r["kind"], r["text"], r["created_at"])
            for r in self.db.query(
                "SELECT kind, text, created_at FROM history_copy WHERE conversation_id = ? "
                "ORDER BY created_at, id",
                [conversation_id],
            )
        )
        return _conversation(rows[0], copies)

    def recent(self, limit: int = 50) -> list[Conversation]:
        rows = self.db.query(
            "SELECT * FROM history_conversation ORDER BY updated_at DESC, id DESC LIMIT ?",
            [limit],
        )
        return [_conversation(r) for r in rows]

    def search(self, text: str, limit: int = 50) -> list[Conversation]:
        """Full-text search (FTS5) over conversations and what was copied; newest first.

        All words must match (the last one as a prefix, as it is being typed); an empty
        search lists the most recent conversations.
        """
        if not text.strip():
            return self.recent(limit)
        fts = query.prefix_all(text)
        if not fts:
            return []
        rows = self.db.query(
            "SELECT history_conversation.* FROM history_fts JOIN history_conversation "
            "ON history_conversation.id = history_fts.rowid WHERE history_fts MATCH ? "
            "ORDER BY history_conversation.updated_at DESC LIMIT ?",
            [fts, limit],
        )
        return [_conversation(r) for r in rows]

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM history_conversation").fetchone()[0])

    def forget(self, ids: Sequence[int]) -> int:
        """Delete these conversations, their copies and the ranking's examples from them."""
        with storage.writing(self.db):
            gone = 0
            texts = [
                str(row[0])
                for conversation_id in ids
                for row in self.db.execute(
                    "SELECT text FROM history_conversation WHERE id = ?", [conversation_id]
                ).fetchall()
            ]
            examples = _examples(self.db)
            if examples is not None:
                examples.forget_conversations(texts)
            for conversation_id in ids:
                cursor = self.db.execute(
                    "DELETE FROM history_conversation WHERE id = ?", [conversation_id]
                )
                gone += cursor.rowcount
            _drop_orphans(self.db)
        return gone

    def forget_before(self, cutoff: float) -> int:
        """Delete conversations last touched before `cutoff` (a timestamp)."""
        with storage.writing(self.db):
            cursor = self.db.execute(
                "DELETE FROM history_conversation WHERE updated_at < ?", [cutoff]
            )
            _drop_orphans(self.db)
            examples = _examples(self.db)
            if examples is not None:  # the agent's picks keep no longer than the history
                examples.forget(source="app", before=cutoff)
        return int(cursor.rowcount)

    def forget_all(self) -> int:
        """Forget now: every conversation and copy, at once."""
        with storage.writing(self.db):
            cursor = self.db.execute("DELETE FROM history_conversation")
            self.db.execute("DELETE FROM history_copy")
            examples = _examples(self.db)
            if examples is not None:
                examples.forget(source="app")
        # Deleted text can linger in free pages and the index's segments; rewrite them.
        self.db.execute("INSERT INTO history_fts (history_fts) VALUES ('optimize')")
        return int(cursor.rowcount)

    def apply_retention(self, days: int, now: float | None = None) -> int:
        """Keep only the last `days` days; 0 (or less) keeps nothing."""
        if days <= 0:
            return self.forget_all()
        now = time.time() if now is None else now
        return self.forget_before(now - days * DAY_S)


def open_history(db: Database, days: int, redacted: bool = True) -> History:
    """The history over `db` with the retention setting applied, as the app opens it."""
    history = History(db, redacted)
    history.apply_retention(days)
    return history


def _examples(db: Database) -> ExampleStore | None:
    """The ranking's examples, when this database has them (imported late: it loads numpy)."""
    from desktop.store.examples import ExampleStore

    return ExampleStore(db) if db["example"].exists() else None


def _drop_orphans(db: Database) -> None:
    """Delete copies of deleted conversations (a connection may not enforce foreign keys)."""
    db.execute(
        "DELETE FROM history_copy "
        "WHERE conversation_id NOT IN (SELECT id FROM history_conversation)"
    )


def _conversation(row: dict[str, object], copies: tuple[CopiedDraft, ...] = ()) -> Conversation:
    return Conversation(
        id=int(row["id"]),  # type: ignore[call-overload]
        title=str(row["title"]),
        text=str(row["text"]),
        created_at=float(row["created_at"]),  # type: ignore[arg-type]
        updated_at=float(row["updated_at"]),  # type: ignore[arg-type]
        copies=copies,
    )
