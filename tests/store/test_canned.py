import dataclasses

import pytest
from desktop.errors import StoreError
from desktop.store import ranking
from desktop.store.canned import DERIVED, CannedRepository, CannedResponse
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
    ranked = ranking.rank_for(repo, transcript, 5)
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


def test_update_to_a_taken_short_code_says_so(repo: CannedRepository) -> None:
    add(repo, "A", "a", shortcode="taken")
    other = add(repo, "B", "b", shortcode="free")
    with pytest.raises(StoreError, match="'taken' is already used"):
        repo.update(dataclasses.replace(other, shortcode="taken"))
    assert repo.get(other.id or 0) == other  # nothing changed


def test_delete_many_then_restore_brings_back_the_same_rows(repo: CannedRepository) -> None:
    first = add(repo, "Refund policy", "Refunds within 30 days.", shortcode="rp")
    second = add(repo, "Shipping", "3 to 5 days.")
    repo.record_use(first.id or 0)
    gone = repo.delete_many([first.id or 0, second.id or 0, 999])
    assert [r.id for r in gone] == [first.id, second.id]
    assert repo.count() == 0
    repo.restore(gone)
    assert repo.get(first.id or 0) == gone[0]
    assert repo.get(first.id or 0).usage_count == 1  # type: ignore[union-attr]
    assert [r.title for r in repo.search("refund")] == ["Refund policy"]  # back in the index


def test_restore_refuses_a_short_code_taken_meanwhile(repo: CannedRepository) -> None:
    first = add(repo, "A", "a", shortcode="code")
    gone = repo.delete_many([first.id or 0])
    add(repo, "B", "b", shortcode="code")
    with pytest.raises(StoreError, match="short code"):
        repo.restore(gone)
    assert repo.count() == 1


def test_search_can_include_inactive_responses(repo: CannedRepository) -> None:
    add(repo, "Old refund text", "refund", active=False)
    assert repo.search("refund") == []
    assert [r.title for r in repo.search("refund", include_inactive=True)] == ["Old refund text"]


def test_search_falls_back_to_ranking_for_typos(repo: CannedRepository) -> None:
    add(repo, "Refund status", "Your refund is on its way to your card.", tags=("refund",))
    add(repo, "Shipping times", "We deliver in 3 to 5 days.", tags=("delivery",))
    assert repo.search("refnud")[0].title == "Refund status"


def test_all_is_sorted_by_title_and_can_stop_early(repo: CannedRepository) -> None:
    for title in ("Charlie", "alpha", "Bravo"):
        add(repo, title, "body")
    assert [r.title for r in repo.all()] == ["alpha", "Bravo", "Charlie"]  # case-insensitive
    assert [r.title for r in repo.all(limit=2)] == ["alpha", "Bravo"]
    assert len(repo.search("", limit=1)) == 1


def test_every_field_survives_the_database(repo: CannedRepository) -> None:
    """The row mapping is derived from the dataclass: a new field must round-trip untouched."""
    full = CannedResponse(
        title="Refund",
        body="Your refund is on its way.",
        shortcode="refund",
        category="Billing",
        tags=("refund", "billing"),
        language="de",
        notes="checked",
        active=False,
        body_html="<p>Your refund is on its way.</p>",
        source="zendesk",
        source_id="42",
        usage_count=3,
        last_used_at="2024-01-02T03:04:05+00:00",
    )
    stored = repo.add(full)
    assert repo.get(stored.id or 0) == stored
    # states_action is derived from the body on every write, not written by the caller
    assert {f.name for f in dataclasses.fields(full)} - set(full.to_row()) == {
        "id",
        "score",
        *DERIVED,
    }


def test_unreadable_columns_read_as_defaults(repo: CannedRepository) -> None:
    row = {"id": 1, "title": "T", "body": "B", "tags": "not json", "language": "", "active": None}
    response = CannedResponse.from_row(row)
    assert (response.tags, response.language, response.active) == ((), "en", True)


# --- confirmation macros (issue 20) -------------------------------------------------------------

CANCELLED = "I have cancelled your Plus membership. You won't be charged again."
HOW_TO = "You can cancel Plus at any time under Account > Membership."


def test_every_write_records_what_a_response_states_as_done(repo: CannedRepository) -> None:
    added = add(repo, "Plus cancelled", CANCELLED)
    assert added.stated is not None and added.stated.lemma == "cancel"
    assert repo.get(added.id or 0) == added
    fetched = repo.get(added.id or 0)
    assert fetched is not None and fetched.stated == added.stated
    # an edit that turns it into a how-to clears it, and back
    how_to = repo.update(dataclasses.replace(added, body=HOW_TO))
    assert how_to.states_action == ""
    stored = repo.get(added.id or 0)
    assert stored is not None and stored.stated is None
    repo.update(dataclasses.replace(how_to, body=CANCELLED))
    again = repo.get(added.id or 0)
    assert again is not None and again.stated == added.stated
    # bulk inserts and undo restores compute it too; a caller's value is never trusted
    repo.add_many([CannedResponse("Also done", CANCELLED, states_action='{"lemma": "x"}')])
    (bulk,) = [r for r in repo.all() if r.title == "Also done"]
    assert bulk.stated == added.stated
    (gone,) = repo.delete_many([bulk.id or 0])
    repo.restore([dataclasses.replace(gone, states_action="")])
    restored = repo.get(bulk.id or 0)
    assert restored is not None and restored.stated == added.stated
