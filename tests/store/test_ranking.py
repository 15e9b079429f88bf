import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from desktop.importers import bitext
from desktop.importers.bitext import intent_of
from desktop.store import embeddings, migrations, ranking, ranking_index
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.lexical import Field, LexicalIndex, stem
from desktop.transcript import Transcript, Turn, parse
from sqlite_utils import Database

from tests.conftest import EVAL

LIBRARY = EVAL / "canned.json"


@pytest.fixture
def library(repo: CannedRepository) -> CannedRepository:
    repo.add_many(bitext.parse(LIBRARY).responses)
    return repo


def customer(*texts: str) -> Transcript:
    return Transcript(tuple(Turn("customer", t) for t in texts))


def top_intent(repo: CannedRepository, transcript: Transcript) -> str:
    ranked = ranking.rank_for(repo, transcript, 3)
    assert ranked
    return intent_of(ranked[0])


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("i want to cancle my ordr", "cancel_order"),
        ("how do i recovr my pasword", "recover_password"),
        ("where is my refnud, still waiting for it", "track_refund"),
    ],
)
def test_typos_still_find_the_right_response(
    library: CannedRepository, text: str, intent: str
) -> None:
    assert top_intent(library, customer(text)) == intent


def test_typo_repair_feeds_both_signals(library: CannedRepository) -> None:
    def top(text: str, options: ranking_index.RankOptions) -> str | None:
        ids = ranking.rank_ids(library.db, customer(text), 1, options)
        found = library.get(ids[0]) if ids else None
        return intent_of(found) if found else None

    words_only = ranking_index.RankOptions(semantic=False)
    assert top("i want to cancle my ordr", words_only) == "cancel_order"
    assert top("i want to cancle my ordr", dataclasses.replace(words_only, typos=False)) is None
    text = "need to chnage my shiping adress"
    meaning_only = ranking_index.RankOptions(lexical=False)
    assert top(text, meaning_only) == "change_shipping_address"
    assert top(text, dataclasses.replace(meaning_only, typos=False)) != "change_shipping_address"


def test_typo_repair_uses_the_library_vocabulary() -> None:
    index = LexicalIndex([[Field("Password reset", 4.0), Field("Reset your password here", 1.0)]])
    assert index.spelling("pasword") == "password"
    assert index.resolve("pasword") == "password"
    assert index.resolve("pasword", typos=False) is None
    assert index.resolve("zzzzzz") is None
    assert [stem(w) for w in ("refunds", "refunded", "cancelling", "policies")] == [
        "refund",
        "refund",
        "cancel",
        "policy",
    ]


def test_latest_customer_turn_outweighs_older_ones(library: CannedRepository) -> None:
    cancel = "I want to cancel my order"
    password = "I forgot my password and cannot log in"
    assert top_intent(library, customer(cancel, password)) == "recover_password"
    assert top_intent(library, customer(password, cancel)) == "cancel_order"
    # Agent turns are not the customer's words.
    mixed = parse(f"Customer: {password}\nAgent: Do you want to cancel an order?\nCustomer: yes")
    assert top_intent(library, mixed) == "recover_password"


@pytest.mark.parametrize(
    ("text", "intents"),
    [
        ("invoice", {"check_invoice", "get_invoice"}),
        ("newsletter", {"newsletter_subscription"}),
        ("password", {"recover_password"}),
        ("shipping address", {"change_shipping_address", "set_up_shipping_address"}),
    ],
)
def test_keyword_only_messages(library: CannedRepository, text: str, intents: set[str]) -> None:
    assert top_intent(library, customer(text)) in intents


def test_first_suggestions_are_distinct_answers(library: CannedRepository) -> None:
    ranked = ranking.rank_for(library, customer("how do I get a refund for my purchase"), 5)
    assert len(ranked) == 5
    assert len({intent_of(r) for r in ranked[:3]}) == 3


def test_inactive_responses_are_excluded_and_edits_are_seen(library: CannedRepository) -> None:
    transcript = customer("I forgot my password")
    for response in library.all():
        if intent_of(response) == "recover_password":
            library.update(dataclasses.replace(response, active=False))
    ranked = ranking.rank_for(library, transcript, 10)
    assert ranked
    assert all(r.active and intent_of(r) != "recover_password" for r in ranked)
    added = library.add(
        CannedResponse(title="Forgotten password", body="Use the reset link.", tags=("pw",))
    )
    assert ranking.rank_for(library, transcript, 1)[0].id == added.id


def test_empty_or_contentless_conversations_rank_nothing(library: CannedRepository) -> None:
    assert ranking.rank_for(library, Transcript(()), 5) == []
    assert ranking.rank_for(library, customer("hi, thanks!"), 5) == []
    assert ranking.rank_for(library, Transcript((Turn("agent", "cancel order refund"),)), 5) == []


def test_empty_library_ranks_nothing(repo: CannedRepository) -> None:
    assert ranking.rank_for(repo, customer("refund please"), 5) == []


def test_usage_counts_do_not_rebuild_the_index(library: CannedRepository) -> None:
    first = ranking.index_for(library.db)
    stored = library.all()[0]
    assert stored.id is not None
    library.record_use(stored.id)
    assert ranking.index_for(library.db) is first
    library.update(dataclasses.replace(stored, body=stored.body + " More."))
    assert ranking.index_for(library.db) is not first


def test_connections_to_one_file_share_the_index(tmp_path: Path) -> None:
    first, second = Database(tmp_path / "lib.db"), Database(tmp_path / "lib.db")
    migrations.apply(first)
    writer = CannedRepository(first)
    writer.add(CannedResponse(title="Refund status", body="Your refund is on its way."))
    assert ranking.index_for(first) is ranking.index_for(second)
    writer.add(CannedResponse(title="Parcel late", body="Sorry, your parcel is late."))
    ranked = ranking.rank_for(CannedRepository(second), customer("my parcel is late"), 1)
    assert [r.title for r in ranked] == ["Parcel late"]
    first.close()
    second.close()


def test_an_edit_re_embeds_only_the_changed_response(
    library: CannedRepository, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = ranking.index_for(library.db)
    embedded: list[str] = []
    original = embeddings.Embedder.embed

    def spy(self: embeddings.Embedder, texts: Sequence[str]) -> Any:
        embedded.extend(texts)
        return original(self, texts)

    monkeypatch.setattr(embeddings.Embedder, "embed", spy)
    stored = library.all()[3]
    library.update(dataclasses.replace(stored, body="A brand new answer about parcels."))
    after = ranking.index_for(library.db)
    assert after is not before
    assert len(embedded) == 1 and "brand new answer" in embedded[0]
    assert after.vectors is not None and before.vectors is not None
    assert len(after) == len(before)
