"""The search box (and the Ctrl+K palette, which runs the same repository search) finds words
in Chinese, Japanese and Korean, and accented words typed without their accents, on a real
SQLite file; an existing library gets the same through migration m004."""

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.store import migrations, query, words
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.db import open_database
from desktop.store.library import open_library
from sqlite_utils import Database

LIBRARY = [
    CannedResponse(
        title="处理时间", body="您好, 我们会在5个工作日内退款。", language="zh", tags=("退货",)
    ),
    CannedResponse(title="配送について", body="ご注文は三日以内に発送いたします。", language="ja"),
    CannedResponse(
        title="ご案内",
        body="ご注文の返金は3営業日以内に処理されます。iPhone用の充電器も対象です。",
        language="ja",
    ),
    CannedResponse(
        title="처리 안내", body="환불은 영업일 기준 5일 이내에 처리됩니다.", language="ko"
    ),
    CannedResponse(title="배송 안내", body="주문하신 상품은 내일 발송됩니다.", language="ko"),
    CannedResponse(
        title="Bon d'achat café",
        body="Votre résumé de commande est prêt.",
        language="fr",
        tags=("réclamation",),
    ),
    CannedResponse(title="Refund policy", body="Refunds are issued within 5 business days."),
    CannedResponse(title="Shipping times", body="Parcels ship within two days."),
]


def titles(found: list[CannedResponse]) -> list[str]:
    return [r.title for r in found]


@pytest.fixture
def library(tmp_path: Path) -> Iterator[CannedRepository]:
    opened = open_database(tmp_path / "canned.db")
    repo = CannedRepository(opened.db)
    repo.add_many(LIBRARY)
    yield repo
    opened.db.close()


def test_a_two_character_chinese_word_inside_a_sentence_is_found(
    library: CannedRepository,
) -> None:
    assert titles(library.search("退款")) == ["处理时间"]
    assert titles(library.search("工作日")) == ["处理时间"]
    assert titles(library.search("退货")) == ["处理时间"]  # a tag
    assert library.search("款退") == []  # characters must stand in the order typed


def test_japanese_and_korean_words_are_found_inside_longer_text(
    library: CannedRepository,
) -> None:
    assert titles(library.search("返金")) == ["ご案内"]
    assert titles(library.search("発送")) == ["配送について"]
    assert titles(library.search("환불")) == ["처리 안내"]  # written "환불은": particle glued on
    assert titles(library.search("환불 처리")) == ["처리 안내"]  # not only as the last word
    assert titles(library.search("iphone")) == ["ご案内"]  # Latin glued to kana


def test_cjk_search_as_you_type(library: CannedRepository) -> None:
    """Every prefix of what is typed finds the response, from the first character on."""
    for typed, title in [
        ("工作日内退款", "处理时间"),
        ("返金は", "ご案内"),
        ("환불은", "처리 안내"),
    ]:
        for end in range(1, len(typed) + 1):
            assert title in titles(library.search(typed[:end])), typed[:end]
    assert titles(library.search("退")) == ["处理时间"]  # one character, found mid-sentence


def test_a_cjk_sentence_finds_a_response_sharing_one_word(library: CannedRepository) -> None:
    assert titles(library.search("我想要退款")) == ["处理时间"]


def test_accents_need_not_be_typed(library: CannedRepository) -> None:
    for typed in ["cafe", "Cafe", "caf", "resume", "resu", "résumé", "reclamation", "recla"]:
        assert titles(library.search(typed)) == ["Bon d'achat café"], typed
    for end in range(1, len("resume commande") + 1):
        assert "Bon d'achat café" in titles(library.search("resume commande"[:end]))


def test_english_search_keeps_stemming_prefixes_and_ranking(library: CannedRepository) -> None:
    assert titles(library.search("refunded")) == ["Refund policy"]
    assert titles(library.search("ship")) == ["Shipping times"]
    assert titles(library.search("refnud")) == ["Refund policy"]  # typo repair unchanged


def test_edits_and_deletes_keep_the_cjk_index_in_sync(library: CannedRepository) -> None:
    (stored,) = library.search("退款")
    library.update(dataclasses.replace(stored, body="我们会在三天内发货。"))
    assert library.search("退款") == []
    assert titles(library.search("发货")) == ["处理时间"]
    library.record_use(stored.id or 0)
    assert titles(library.search("发货")) == ["处理时间"]
    gone = library.delete_many([stored.id or 0])
    assert library.search("发货") == []
    library.restore(gone)
    assert titles(library.search("发货")) == ["处理时间"]
    # Raises when the index disagrees with the table.
    library.db.execute("INSERT INTO canned_fts(canned_fts, rank) VALUES ('integrity-check', 1)")


def test_the_palette_search_path_finds_cjk(tmp_path: Path) -> None:
    """The palette and the search box query `library.repo.search` on a worker connection."""
    path = tmp_path / "canned.db"
    first = open_library(path, seed=False)
    first.repo.add_many(LIBRARY)
    first.close()
    worker = open_library(path, seed=False, verify=False)
    assert titles(worker.repo.search("退款", 50)) == ["处理时间"]
    assert titles(worker.repo.search("cafe", 50)) == ["Bon d'achat café"]
    worker.close()


def test_queries_split_cjk_into_bigrams() -> None:
    assert words.cjk_grams("我们5个工作日 iPhone用") == "我们 们 5 个工 工作 作日 日 iphone 用"
    assert query.prefix_all("工作日 refu") == '"工作 作日" AND "refu"*'
    assert query.prefix_all("退") == '"退"*'
    assert query.any_of("我想退款") == '"我想" OR "想退" OR "退款"'
    assert not query.is_broad("退款")
    assert query.is_broad("退")


def test_migration_m004_indexes_an_existing_library(tmp_path: Path) -> None:
    """A database made before m004 (old FTS, ASCII-escaped tags) finds CJK and accented tags
    once opened, keeps its rows, and its index passes FTS5's integrity check."""
    path = tmp_path / "canned.db"
    old = Database(path)
    migrations.migrations.apply(old, stop_before="m004_cjk_search")
    old["canned"].insert_all(  # type: ignore[union-attr]
        [
            {"title": "处理时间", "body": "我们会在5个工作日内退款", "tags": "[]"},
            {"title": "Avoir", "body": "Merci.", "tags": json.dumps(["réclamation"])},
            {"title": "Broken tags", "body": "kept", "tags": "not json"},
        ]
    )
    assert "\\u00e9" in old.execute("SELECT tags FROM canned WHERE id = 2").fetchone()[0]
    old.close()

    opened = open_database(path)
    repo = CannedRepository(opened.db)
    assert migrations.schema_version(opened.db) == len(migrations.migrations._migrations)
    assert repo.count() == 3
    assert titles(repo.search("退款")) == ["处理时间"]
    assert titles(repo.search("reclamation")) == ["Avoir"]
    assert repo.get(2) is not None and repo.get(2).tags == ("réclamation",)  # type: ignore[union-attr]
    assert opened.db.execute("SELECT tags FROM canned WHERE id = 3").fetchone()[0] == "not json"
    opened.db.execute("INSERT INTO canned_fts(canned_fts, rank) VALUES ('integrity-check', 1)")
    opened.db.close()
