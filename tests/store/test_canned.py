import dataclasses

import pytest
from desktop.errors import StoreError
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.transcript import parse


def add(repo: CannedRepository, title: str, body: str, **extra: object) -> CannedResponse:
    return repo.add(CannedResponse(title=title, body=body, **extra))  # type: ignore[arg-type]


def test_crud_round_trip(repo: CannedRepository) -> None:
    stored = add(
        repo, "Refund status", "Refunds take 5 days.", tags=("refund", "money"), shortcode="rs"
    )
    assert stored.id is not None
    fetched = repo.get(stored.id)
    assert fetched == stored
    assert fetched is not None
    repo.update(dataclasses.replace(fetched, body="Refunds take 3 days."))
    assert repo.get(stored.id) == dataclasses.replace(stored, body="Refunds take 3 days.")
    repo.delete(stored.id)
    assert repo.get(stored.id) is None
    assert repo.count() == 0


def test_shortcodes_are_unique(repo: CannedRepository) -> None:
    add(repo, "A", "a", shortcode="dup")
    with pytest.raises(StoreError, match="dup"):
        add(repo, "B", "b", shortcode="dup")
    add(repo, "C", "c")  # empty short codes do not collide
    add(repo, "D", "d")


def test_search_ranks_title_matches_first_and_filters_as_you_type(repo: CannedRepository) -> None:
    add(repo, "Shipping times", "We deliver in 3 to 5 working days.")
    add(repo, "Password reset", "Use the reset link; shipping is not affected.")
    add(repo, "Refund policy", "Refunds within 30 days of delivery.")
    results = repo.search("shipping")
    assert [r.title for r in results][:2] == ["Shipping times", "Password reset"]
    assert [r.title for r in repo.search("ref")] == ["Refund policy"]  # prefix while typing
    assert repo.search("zzzz") == []


def test_search_is_safe_with_fts_syntax(repo: CannedRepository) -> None:
    add(repo, "Quotes", 'Say "hello" to NEAR AND OR')
    for text in ['"', "AND OR NOT", "a*b(c", "NEAR(", "'; DROP TABLE canned; --"]:
        repo.search(text)
    assert repo.count() == 1


def test_rank_for_uses_the_conversation_and_skips_inactive(repo: CannedRepository) -> None:
    add(
        repo,
        "Delayed parcel",
        "Sorry your parcel is late; here is the tracking.",
        tags=("delivery", "late"),
    )
    add(repo, "Refund status", "Your refund is on its way.", tags=("refund",))
    add(repo, "Old delayed parcel text", "parcel late tracking", active=False)
    transcript = parse("Customer: hi\nAgent: hello\nCustomer: my parcel is late, where is it?")
    ranked = repo.rank_for(transcript, 5)
    assert ranked[0].title == "Delayed parcel"
    assert "Old delayed parcel text" not in [r.title for r in ranked]


def test_record_use_counts_and_stamps(repo: CannedRepository) -> None:
    stored = add(repo, "A", "a")
    assert stored.id is not None
    repo.record_use(stored.id)
    repo.record_use(stored.id)
    again = repo.get(stored.id)
    assert again is not None
    assert again.usage_count == 2
    assert again.last_used_at
