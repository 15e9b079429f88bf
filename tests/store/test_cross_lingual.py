"""Ranking across languages with the real USE-multilingual model, on a real SQLite file."""

from pathlib import Path

import numpy as np
import pytest
from desktop.importers import bitext
from desktop.store import migrations, ranking, ranking_index
from desktop.store.canned import CannedRepository
from desktop.store.multilingual import MultilingualEmbedder, default_multilingual
from desktop.transcript import parse
from sqlite_utils import Database

EVAL = Path(__file__).resolve().parents[2] / "resources" / "eval"


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> CannedRepository:
    db = Database(tmp_path_factory.mktemp("shop") / "canned.db")
    migrations.apply(db)
    repo = CannedRepository(db)
    repo.add_many(bitext.parse(EVAL / "canned.json").responses)
    return repo


def test_the_multilingual_model_ships_in_its_wheel() -> None:
    embedder = default_multilingual()
    assert embedder is not None
    german, english, other = embedder.embed(
        ["Ich möchte meine Bestellung stornieren", "I want to cancel my order", "Where is my bill?"]
    )
    assert float(german @ english) > float(german @ other)


def test_a_query_s_vectors_are_kept_and_equal_a_fresh_encoding() -> None:
    embedder = MultilingualEmbedder(default_multilingual()._model)  # type: ignore[union-attr]
    calls: list[int] = []
    real_encode = embedder._model.encode

    def counted(texts: list[str]) -> object:
        calls.append(len(texts))
        return real_encode(texts)

    embedder._model = type("Counted", (), {"encode": staticmethod(counted)})()
    first = embedder.embed(["Where is my parcel?", "Je voudrais annuler ma commande"])
    again = embedder.embed(["Je voudrais annuler ma commande", "a new one", "Where is my parcel?"])
    assert calls == [2, 1]  # only the new text was encoded the second time
    assert np.array_equal(again[0], first[1]) and np.array_equal(again[2], first[0])
    assert np.allclose(again[1], np.asarray(real_encode(["a new one"])).reshape(-1)[:512])
    library = [f"response {n}" for n in range(40)]  # a library's batch is not kept
    embedder.embed(library)
    embedder.embed(library)
    assert calls[-2:] == [40, 40]


@pytest.mark.parametrize(
    "text",
    [
        "Ich möchte meine Bestellung stornieren",
        "Je voudrais annuler ma commande",
        "Quiero cancelar mi pedido",
        "Quero cancelar a minha encomenda",
        "Vorrei annullare il mio ordine",
        "Я хочу отменить свой заказ",
        "我想取消我的订单",
        "注文をキャンセルしたいです",
        "주문을 취소하고 싶어요",
    ],
)
def test_a_question_in_another_language_finds_the_english_response(
    shop: CannedRepository, text: str
) -> None:
    ranked = ranking.rank_for(shop, parse(text), 3)
    assert "cancel_order" in [r.tags[0] for r in ranked]


def test_english_ranking_is_unchanged_by_the_multilingual_signal(shop: CannedRepository) -> None:
    transcript = parse("Customer: how do I track my refund? I am still waiting for it")
    with_cross = ranking.rank_ids(shop.db, transcript, 5)
    words_only = ranking_index.RankOptions(multilingual=False)
    without = ranking.rank_ids(shop.db, transcript, 5, words_only)
    assert with_cross == without


def test_coverage_tells_the_librarys_language_from_another(shop: CannedRepository) -> None:
    index = ranking.index_for(shop.db)
    english = ranking.build_query(parse("I want to cancel my order"))
    german = ranking.build_query(parse("Ich möchte meine Bestellung stornieren"))
    misspelt = ranking.build_query(parse("i want to cancle my ordr"))
    assert index.coverage(english) == 1.0
    assert index.coverage(german) == 0.0
    assert index.coverage(misspelt) >= ranking_index.COVERAGE_FULL
