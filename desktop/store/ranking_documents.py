"""What the ranking index reads of a library: its responses' texts and their stored vectors.

Each response is read as weighted fields for words (`fields`), one text for meaning
(`document_text`) and a short text across languages (`short_text`); the multilingual space
of a library file is built only when a conversation first needs it (`LazySpace`). No Qt.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.store import multilingual
from desktop.store.db import connect_read_only
from desktop.store.fields import FIELD_WEIGHTS, parse_tags
from desktop.store.index_cache import file_of
from desktop.store.lexical import Field
from desktop.store.vectors import VectorSpace, VectorStore

COLUMNS = "id, title, body, tags, shortcode"  # what the index reads of a response

# Names of the embedding spaces in the `vectors` table (a different model must not reuse them).
MEANING_SPACE, CROSS_SPACE = "wordllama-l2-supercat", "use-multilingual-v3"


class LazySpace:
    """The multilingual space of an index, built on first use.

    A library file is read again then (the rows of the index's ids): nothing is held or
    computed for it until a conversation needs it. A memory database (tests, the evaluation)
    cannot be read from another thread, so its short texts are kept instead.
    """

    def __init__(
        self,
        embedder: Callable[[], multilingual.MultilingualEmbedder | None],
        rows: Sequence[dict[str, Any]],
        db: Database | None,
    ) -> None:
        self._embedder = embedder
        self._path = file_of(db) if db is not None else ""
        self._ids = [int(r["id"]) for r in rows]
        self._texts = [] if self._path else [short_text(r) for r in rows]
        self._lock = threading.Lock()  # two threads ranking at once build it once
        self._built: VectorSpace | None = None

    def build(self) -> VectorSpace | None:
        with self._lock:
            if self._built is None:
                self._built = self._build()
            return self._built

    def _build(self) -> VectorSpace | None:
        embedder = self._embedder()
        if embedder is None:
            return None
        if not self._path:
            return VectorSpace(embedder, self._texts)
        db = _reader(self._path)
        try:
            found = {
                int(r["id"]): short_text(r)
                for r in db.query(f"SELECT {COLUMNS} FROM canned ORDER BY id")
            }
            # A response deleted since the index was built ranks by its other signals.
            texts = [found.get(i, "") for i in self._ids]
            return VectorSpace(embedder, texts, None, vector_store(db, CROSS_SPACE, embedder.dim))
        finally:
            db.close()


def _reader(path: str) -> Database:
    """A connection to read the library from this thread; read-only where the folder is."""
    conn = sqlite3.connect(path)
    try:
        conn.execute("SELECT 1 FROM canned LIMIT 1").fetchall()
    except sqlite3.OperationalError:
        conn.close()  # a read-only folder: WAL files cannot be made there
        return connect_read_only(Path(path))
    return Database(conn)


def vector_store(db: Database | None, space: str, dim: int) -> VectorStore | None:
    if db is None or not db["vectors"].exists():
        return None
    return VectorStore(db, space, dim)


def _tags(row: dict[str, Any]) -> list[str]:
    raw = row.get("tags")
    return list(_parsed_tags(raw)) if isinstance(raw, str) else _strip(parse_tags(raw))


@functools.lru_cache(maxsize=4096)
def _parsed_tags(raw: str) -> tuple[str, ...]:
    """Tags of a stored JSON list: libraries repeat a few lists, and 100k rows parse each 3x."""
    return tuple(_strip(parse_tags(raw)))


def _strip(tags: Sequence[str]) -> list[str]:
    return [tag.strip() for tag in tags]


def primary_tag(row: dict[str, Any]) -> str:
    tags = _tags(row)
    return tags[0].lower() if tags else ""


def _tags_text(row: dict[str, Any]) -> str:
    return " ".join(_tags(row)).replace("_", " ")  # "cancel_order" reads as two words


def fields(row: dict[str, Any]) -> list[Field]:
    return [
        Field(row.get("title") or "", FIELD_WEIGHTS["title"]),
        Field(_tags_text(row), FIELD_WEIGHTS["tags"]),
        Field((row.get("shortcode") or "").replace("_", " "), FIELD_WEIGHTS["shortcode"]),
        Field(row.get("body") or "", FIELD_WEIGHTS["body"]),
    ]


def document_text(row: dict[str, Any]) -> str:
    return f"{row.get('title') or ''}. {_tags_text(row)}. {row.get('body') or ''}"


def short_text(row: dict[str, Any]) -> str:
    return multilingual.document_text(
        row.get("title") or "", _tags_text(row), row.get("body") or ""
    )
