"""Canned responses: the dataclass and the repository over the SQLite table. No Qt.

A repository wraps one connection; SQLite connections belong to the thread that made them,
so each thread (GUI, generation worker, search worker) opens its own repository.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import MISSING, dataclass, field, fields, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.errors import StoreError
from desktop.store import query, ranking, storage
from desktop.store.action_macros import StatedAction, stated_action
from desktop.store.fields import FIELD_WEIGHTS, cjk_column, dump_tags, parse_tags
from desktop.store.migrations import SEARCH_COLUMNS

logger = logging.getLogger(__name__)

# bm25 takes its column weights in FTS column order.
BM25_WEIGHTS = tuple(FIELD_WEIGHTS[column] for column in SEARCH_COLUMNS)
_SELECT = "SELECT canned.* FROM canned"


@dataclass(frozen=True)
class CannedResponse:
    """One saved reply. `id` is None until stored."""

    title: str
    body: str
    shortcode: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    language: str = "en"
    notes: str = ""
    active: bool = True
    body_html: str = ""
    source: str = ""
    source_id: str = ""
    usage_count: int = 0
    last_used_at: str | None = None
    id: int | None = None
    score: float = field(default=0.0, compare=False)  # bm25 score when it came from a search
    # The action the body states as already done ("I have cancelled…"), as StatedAction JSON,
    # '' when none. Derived from title and body by the repository on every write.
    states_action: str = field(default="", compare=False)

    @property
    def stated(self) -> StatedAction | None:
        """The action this response tells the customer was done, if it does."""
        return StatedAction.from_json(self.states_action)

    def with_id(self, new_id: int) -> CannedResponse:
        return replace(self, id=new_id)

    def to_row(self) -> dict[str, Any]:
        row = {name: _to_column(getattr(self, name)) for name in STORED_FIELDS}
        if self.id is not None:
            row["id"] = self.id
        return row

    @classmethod
    def from_row(cls, row: dict[str, Any], score: float = 0.0) -> CannedResponse:
        values: dict[str, Any] = {"id": row["id"], "score": score}
        for spec in fields(cls):
            if spec.name not in values:
                values[spec.name] = _from_column(spec.default, row.get(spec.name))
        return cls(**values)


# The row mapping follows the dataclass: one column per field but the search score, stored as
# the field's default's type says (tags as a JSON list, flags as 0/1); an empty column reads as
# the default. Required fields (title, body) have no default and are taken as they are.
# library/service.py and the native import/export format read the same lists.
DERIVED = ("states_action",)  # computed from the content on every write, never imported
STORED_FIELDS = tuple(
    f.name for f in fields(CannedResponse) if f.name not in ("id", "score", *DERIVED)
)
STATISTICS = ("usage_count", "last_used_at")  # gathered by use, not written by the agent
CONTENT_FIELDS = tuple(name for name in STORED_FIELDS if name not in STATISTICS)


def _to_column(value: Any) -> Any:
    if isinstance(value, tuple):
        return dump_tags(value)
    return int(value) if isinstance(value, bool) else value


def _from_column(default: Any, value: Any) -> Any:
    if default is MISSING:
        return value
    if isinstance(default, tuple):
        return parse_tags(value)
    if isinstance(default, bool):
        return default if value is None else bool(value)
    return value if value not in (None, "") else default


def states_action_column(title: str, body: str) -> str:
    """The `states_action` column for a response: StatedAction JSON, '' when none."""
    action = stated_action(title, body)
    return action.as_json() if action else ""


def _stored(response: CannedResponse) -> dict[str, Any]:
    """The row written for a response: its fields plus the derived columns.

    `cjk_grams` feeds the search box, `states_action` marks confirmation macros.
    """
    row = response.to_row()
    row["cjk_grams"] = cjk_column(row)
    row["states_action"] = states_action_column(response.title, response.body)
    return row


def _clash(response: CannedResponse, exc: sqlite3.IntegrityError) -> Exception:
    """A unique-index violation in words; anything else stays as it is."""
    if response.shortcode and "shortcode" in str(exc):
        return StoreError(
            f"The short code '{response.shortcode}' is already used by another response."
        )
    return exc


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class CannedRepository:
    """CRUD and the search box's full-text search over the `canned` table.

    Ranking for a conversation is `desktop.store.ranking.rank_for`; it reads rows back through
    `get_many`.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- CRUD -----------------------------------------------------------------------------
    def add(self, response: CannedResponse) -> CannedResponse:
        row = _stored(response)
        row.pop("id", None)
        row["created_at"] = row["updated_at"] = _now()
        try:
            with storage.writing(self.db):
                new_id = self.db["canned"].insert(row).last_pk  # type: ignore[union-attr]
        except sqlite3.IntegrityError as exc:
            raise _clash(response, exc) from exc
        assert new_id is not None
        return replace(response, id=int(new_id), states_action=row["states_action"])

    def update(self, response: CannedResponse) -> CannedResponse:
        if response.id is None:
            raise ValueError("update() needs a stored response")
        row = _stored(response)
        row["updated_at"] = _now()
        try:
            with storage.writing(self.db):
                self.db["canned"].update(response.id, row)  # type: ignore[union-attr]
        except sqlite3.IntegrityError as exc:
            raise _clash(response, exc) from exc
        return replace(response, states_action=row["states_action"])

    def delete_many(self, ids: Iterable[int]) -> list[CannedResponse]:
        """Delete all or none; returns what was deleted, so an undo can restore it."""
        gone = [r for r in (self.get(i) for i in ids) if r is not None]
        with storage.writing(self.db):
            for response in gone:
                self.db.execute("DELETE FROM canned WHERE id = ?", [response.id])
        return gone

    def restore(self, responses: Iterable[CannedResponse]) -> None:
        """Put deleted responses back under their old ids (undo), all or none."""
        stamp = _now()
        try:
            with storage.writing(self.db):
                for response in responses:
                    row = {**_stored(response), "created_at": stamp, "updated_at": stamp}
                    self.db["canned"].insert(row)  # type: ignore[union-attr]
        except sqlite3.IntegrityError as exc:
            raise StoreError(
                "Cannot restore: a short code of the deleted responses is now used by another one."
            ) from exc

    def get(self, response_id: int) -> CannedResponse | None:
        rows = list(self.db.query(f"{_SELECT} WHERE id = ?", [response_id]))
        return CannedResponse.from_row(rows[0]) if rows else None

    def delete(self, response_id: int) -> None:
        with storage.writing(self.db):
            self.db.execute("DELETE FROM canned WHERE id = ?", [response_id])

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM canned").fetchone()[0])

    def all(self, active_only: bool = False, limit: int | None = None) -> list[CannedResponse]:
        where = " WHERE active = 1" if active_only else ""
        # LIMIT -1 is SQLite's "no limit": one query shape, and a 100k library is not read whole
        # just to show its first rows.
        rows = self.db.query(
            f"{_SELECT}{where} ORDER BY title COLLATE NOCASE LIMIT ?", [limit or -1]
        )
        return [CannedResponse.from_row(r) for r in rows]

    def add_many(self, responses: Iterable[CannedResponse]) -> int:
        """Insert all or nothing."""
        stamp = _now()
        rows = []
        for response in responses:
            row = _stored(response)
            row.pop("id", None)
            row["created_at"] = row["updated_at"] = stamp
            rows.append(row)
        with storage.writing(self.db):
            self.db["canned"].insert_all(rows)  # type: ignore[union-attr]
        return len(rows)

    def record_use(self, response_id: int) -> None:
        """Called when a response is copied or used for a draft: feeds usage statistics."""
        with storage.writing(self.db):
            self.db.execute(
                "UPDATE canned SET usage_count = usage_count + 1, last_used_at = ? WHERE id = ?",
                [_now(), response_id],
            )

    # --- search ---------------------------------------------------------------------------
    def _match(
        self, fts_query: str, limit: int, include_inactive: bool = False, ranked: bool = True
    ) -> list[CannedResponse]:
        if not fts_query:
            return []
        weights = ", ".join(str(w) for w in BM25_WEIGHTS)
        active = "" if include_inactive else " AND canned.active = 1"
        score, order = (f"bm25(canned_fts, {weights})", " ORDER BY score") if ranked else ("0", "")
        sql = (
            f"SELECT canned.*, {score} AS score FROM canned_fts "
            "JOIN canned ON canned.rowid = canned_fts.rowid "
            f"WHERE canned_fts MATCH ?{active}{order} LIMIT ?"
        )
        rows = self.db.query(sql, [fts_query, limit])
        return [CannedResponse.from_row(r, score=r["score"]) for r in rows]

    def search(
        self, text: str, limit: int = 50, include_inactive: bool = False
    ) -> list[CannedResponse]:
        """Search-box results: all words (the last one as a prefix), else any word.

        When neither matches, misspelt words are repaired against the library's own words and
        the search runs again, so "refnud" still finds the refund replies.
        """
        if not text.strip():
            return self.all(active_only=not include_inactive, limit=limit)
        ranked = not query.is_broad(text)
        found = self._match(query.prefix_all(text), limit, include_inactive, ranked)
        if not found:
            found = self._match(query.any_of(text), limit, include_inactive)
        if not found:
            respelt = ranking.respell(self.db, text)
            if respelt != text.lower():
                found = self._match(query.any_of(respelt), limit, include_inactive)
        return found

    def confirmations(self) -> list[CannedResponse]:
        """Active responses that state an action as done ("I have cancelled your order")."""
        rows = self.db.execute(
            "SELECT id FROM canned WHERE active = 1 AND states_action != '' ORDER BY id"
        ).fetchall()
        return self.get_many([int(r[0]) for r in rows])

    def get_many(self, ids: Sequence[int]) -> list[CannedResponse]:
        """The responses with these ids, in the order given (missing ones left out)."""
        if not ids:
            return []
        marks = ", ".join("?" * len(ids))
        rows = {r["id"]: r for r in self.db.query(f"{_SELECT} WHERE id IN ({marks})", list(ids))}
        return [CannedResponse.from_row(rows[i]) for i in ids if i in rows]


def load_seed(path: Path) -> list[CannedResponse]:
    """Read the JSON seed library shipped in resources/seed/."""
    records = json.loads(path.read_text(encoding="utf-8"))
    return [
        CannedResponse(
            title=r["title"],
            body=r["body"],
            shortcode=r.get("shortcode", ""),
            category=r.get("category", ""),
            tags=tuple(r.get("tags", ())),
            language=r.get("language", "en"),
            source="seed",
            source_id=r.get("shortcode", ""),
        )
        for r in records
    ]


def seed_if_new(repo: CannedRepository, seed_path: Path) -> int:
    """Seed a brand-new library once; a user who empties it later does not get it back."""
    if repo.db["meta"].count_where("key = 'seeded'"):
        return 0
    added = repo.add_many(load_seed(seed_path)) if repo.count() == 0 else 0
    with repo.db.atomic():
        repo.db["meta"].upsert({"key": "seeded", "value": _now()}, pk="key")  # type: ignore[union-attr]
    logger.info("seeded %d canned responses from %s", added, seed_path)
    return added
