"""The ranking index's vectors survive a restart: kept in SQLite, re-embedded only on change."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from desktop.store import (
    embeddings,
    index_snapshot,
    migrations,
    multilingual,
    ranking,
    ranking_documents,
    ranking_index,
)
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.vectors import Floats, TextEmbedder
from sqlite_utils import Database

from tests.store.test_ranking import customer

RESPONSES = [
    CannedResponse(title="Track your order", body="Open Orders to see where your parcel is."),
    CannedResponse(title="Refund timing", body="Refunds reach your card within 5 days."),
    CannedResponse(title="Reset password", body="Use the Forgot password link to sign in."),
]


class Counting:
    """The real embedder, counting the texts it is asked to embed."""

    def __init__(self, inner: TextEmbedder) -> None:
        self.inner = inner
        self.texts: list[str] = []

    @property
    def dim(self) -> int:
        return self.inner.dim

    def embed(self, texts: Sequence[str]) -> Floats:
        self.texts.extend(texts)
        return self.inner.embed(texts)

    def is_word(self, word: str) -> bool:
        return embeddings.default_embedder().is_word(word)  # type: ignore[union-attr]


def _open(path: Path) -> Database:
    db = Database(path)
    migrations.apply(db)
    return db


def _rows(db: Database) -> list[dict[str, Any]]:
    return list(db.query("SELECT id, title, body, tags, shortcode FROM canned ORDER BY id"))


def _build(db: Database) -> tuple[ranking_index.RankingIndex, Counting, Counting]:
    meaning = Counting(embeddings.default_embedder())  # type: ignore[arg-type]
    cross = Counting(multilingual.default_multilingual())  # type: ignore[arg-type]
    index = ranking_index.RankingIndex(_rows(db), meaning, None, cross, db)  # type: ignore[arg-type]
    return index, meaning, cross


def test_a_reopened_library_embeds_nothing_and_ranks_the_same(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    db = _open(path)
    CannedRepository(db).add_many(RESPONSES)
    first, meaning, cross = _build(db)
    assert len(meaning.texts) == len(cross.texts) == 3
    query = ranking.build_query(customer("where is my parcel"))
    expected = first.rank_scored(query, 3)
    db.close()

    reopened = _open(path)
    again, meaning, cross = _build(reopened)
    assert meaning.texts == [] and cross.texts == []
    assert again.vectors is not None and first.vectors is not None
    np.testing.assert_array_equal(again.vectors, first.vectors)
    assert again.rank_scored(query, 3) == expected
    reopened.close()


def test_a_changed_response_is_embedded_again_and_its_old_vector_dropped(tmp_path: Path) -> None:
    db = _open(tmp_path / "library.db")
    repo = CannedRepository(db)
    repo.add_many(RESPONSES)
    _build(db)
    stored = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    assert stored == 6  # three responses in two spaces

    changed = db.execute("SELECT id FROM canned WHERE title = 'Refund timing'").fetchone()[0]
    db.execute("UPDATE canned SET body = 'Refunds take 10 days.' WHERE id = ?", [changed])
    _index, meaning, cross = _build(db)
    assert len(meaning.texts) == 1 and "10 days" in meaning.texts[0]
    assert len(cross.texts) == 1
    assert db.execute("SELECT count(*) FROM vectors").fetchone()[0] == stored
    db.close()


def _spaces(db: Database) -> set[str]:
    return {row[0].split(":")[0] for row in db.execute("SELECT space FROM vectors").fetchall()}


def test_index_for_fills_the_table(tmp_path: Path) -> None:
    db = _open(tmp_path / "library.db")
    CannedRepository(db).add_many(RESPONSES)
    assert ranking.rank_ids(db, customer("I forgot my password"), 1)
    # English words the library knows: the multilingual space is not needed, nor built.
    assert _spaces(db) == {ranking_documents.MEANING_SPACE}
    assert ranking.index_for(db).cross is None
    # A German conversation needs it: built then, its vectors kept for the next start.
    assert ranking.rank_ids(db, customer("Ich habe mein Passwort vergessen"), 1)
    assert _spaces(db) == {ranking_documents.MEANING_SPACE, ranking_documents.CROSS_SPACE}
    assert ranking.index_for(db).cross is not None
    db.close()


def test_a_large_import_gets_its_multilingual_vectors_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ranking, "FILL_AT_LEAST", 2)  # three responses count as a large import
    db = _open(tmp_path / "library.db")
    CannedRepository(db).add_many(RESPONSES)
    assert ranking.rank_ids(db, customer("where is my parcel"), 1)
    ranking.wait_for_fills(timeout=120)
    assert _spaces(db) == {ranking_documents.MEANING_SPACE, ranking_documents.CROSS_SPACE}
    assert ranking.index_for(db).cross is None  # kept on disk, not loaded: nothing needed it
    db.close()


def test_the_lazy_multilingual_space_ranks_as_the_eager_one(tmp_path: Path) -> None:
    db = _open(tmp_path / "library.db")
    CannedRepository(db).add_many(RESPONSES)
    lazy = ranking.index_for(db)
    eager, _meaning, _cross = _build(db)
    for text in ("Wo ist mein Paket?", "Ich habe mein Passwort vergessen", "where is my parcel"):
        query = ranking.build_query(customer(text))
        assert lazy.rank_scored(query, 3) == eager.rank_scored(query, 3)
    db.close()


def test_word_statistics_are_restored_for_the_same_library_version(tmp_path: Path) -> None:
    db = _open(tmp_path / "library.db")
    CannedRepository(db).add_many(RESPONSES)
    built = ranking.index_for(db)  # a file database: the snapshot is written
    version = ranking.library_version(db)
    embedder = embeddings.default_embedder()
    assert embedder is not None
    restored = index_snapshot.load(db, version, len(RESPONSES), embedder.is_word)
    assert restored is not None
    rows = _rows(db)
    again = ranking_index.RankingIndex(
        rows, embedder, None, multilingual.default_multilingual(), db, restored
    )
    for text in ("where is my parcel", "I forgot my pasword", "refund to my card"):
        query = ranking.build_query(customer(text))
        assert again.rank_scored(query, 3) == built.rank_scored(query, 3)
    assert restored.spelling("pasword") == built.lexical.spelling("pasword")


def test_a_stale_snapshot_is_not_used(tmp_path: Path) -> None:
    db = _open(tmp_path / "library.db")
    repo = CannedRepository(db)
    repo.add_many(RESPONSES)
    ranking.index_for(db)
    old = ranking.library_version(db)
    repo.add_many([CannedResponse(title="Gift cards", body="Gift cards never expire.")])
    assert ranking.library_version(db) != old
    assert index_snapshot.load(db, ranking.library_version(db), 4, None) is None
    assert index_snapshot.load(db, old, 4, None) is None  # the size no longer matches
    assert index_snapshot.load(db, old, 3, None) is not None
    db.execute("UPDATE index_snapshot SET fingerprint = 'other code'")
    assert index_snapshot.load(db, old, 3, None) is None
