"""Learning from the team: examples in a real SQLite file, real WordLlama vectors, the real
Bitext library and dev cases (issue 23)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from desktop.drafting.feedback_events import canned_event
from desktop.evaluation.cases import load_cases
from desktop.importers import bitext
from desktop.importers.bitext import intent_of
from desktop.store import examples, migrations, ranking
from desktop.store.canned import CannedRepository
from desktop.store.examples import AGAINST, ExampleStore, LearnedIndex
from desktop.store.feedback import FeedbackEvent, FeedbackRepository
from desktop.store.history import History
from desktop.store.learning import Answered, learn_many, resolve_canned
from desktop.transcript import Transcript, Turn, parse
from sqlite_utils import Database

EVAL = Path(__file__).resolve().parents[2] / "resources" / "eval"


def _library(path: Path) -> CannedRepository:
    db = Database(sqlite3.connect(path, check_same_thread=False))
    migrations.apply(db)
    repo = CannedRepository(db)
    repo.add_many(bitext.parse(EVAL / "canned.json").responses)
    return repo


def _customer(text: str) -> Transcript:
    return Transcript((Turn("customer", text),))


def _first_of(repo: CannedRepository, intent: str) -> int:
    for response in repo.all():
        if intent_of(response) == intent and response.id is not None:
            return response.id
    raise AssertionError(intent)


def test_no_examples_ranks_exactly_as_before(tmp_path: Path) -> None:
    """Same ids and confidences with no examples, and again once learned ones are forgotten."""
    repo = _library(tmp_path / "library.db")
    cases = load_cases(EVAL / "dev_cases.jsonl")[::9]
    index = ranking.index_for(repo.db)
    before = [index.rank_scored(ranking.build_query(c.transcript), 10) for c in cases]
    assert [ranking.rank_scored(repo.db, c.transcript, 10) for c in cases] == before

    intent = cases[0].expected_intent
    learned = learn_many(repo.db, [Answered(_first_of(repo, intent), c.transcript) for c in cases])
    assert learned == len(cases)
    changed = [ranking.rank_scored(repo.db, c.transcript, 10) for c in cases]
    assert changed != before  # the examples are seen at once: the cache followed them
    ExampleStore(repo.db).forget()
    assert [ranking.rank_scored(repo.db, c.transcript, 10) for c in cases] == before


def test_picks_lift_the_response_they_chose(tmp_path: Path) -> None:
    repo = _library(tmp_path / "library.db")
    cases = load_cases(EVAL / "dev_cases.jsonl")
    wrong = [
        c
        for c in cases
        if intent_of(ranking.rank_for(repo, c.transcript, 1)[0]) != c.expected_intent
    ]
    assert len(wrong) > 20  # zero-shot top-1 is ~86%
    case = wrong[0]
    chosen = _first_of(repo, case.expected_intent)
    # Three past customers asked the same, with other order numbers and names.
    text = case.transcript.latest_customer_text()
    past = [text.replace("order", "purchase"), text + " thanks", "hi, " + text]
    learn_many(repo.db, [Answered(chosen, _customer(t)) for t in past])
    top = ranking.rank_scored(repo.db, case.transcript, 3)
    assert intent_of(repo.get_many([top[0][0]])[0]) == case.expected_intent
    assert top[0][1] >= 0.5  # a near-identical past conversation is confidence


def test_vectors_are_kept_so_a_restart_embeds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "library.db"
    repo = _library(path)
    chosen = _first_of(repo, "cancel_order")
    learn_many(repo.db, [Answered(chosen, _customer("please cancel my order 1234"))])
    first = ranking.learned_for(repo.db)
    assert first is not None and len(first) == 1
    repo.db.close()

    again = Database(sqlite3.connect(path))
    stored = again.execute("SELECT vector, space FROM example").fetchone()
    assert len(stored[0]) == 2 * 256 and stored[1] == "wordllama-l2-supercat:256"
    query = ranking.index_for(again).query_vector(ranking.query_from([("cancel my order", 1.0)]))
    assert query is not None
    loaded = ranking.learned_for(again)
    assert loaded is not None
    picks, _ = loaded.near(query)
    assert picks.canned_ids.tolist() == [chosen] and picks.similarity[0] > 0.8
    again.close()


def test_large_example_sets_use_the_bit_prefilter_without_losing_the_nearest() -> None:
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((5000, 256)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(5000, dtype=np.int64) % 50
    index = LearnedIndex.from_vectors(ids, np.ones(5000, dtype=np.int8), vectors)
    query = vectors[1234] + 0.05 * rng.standard_normal(256).astype(np.float32)
    query /= np.linalg.norm(query)
    picks, against = index.near(query)
    assert picks.canned_ids[np.argmax(picks.similarity)] == 1234 % 50
    assert set(picks.count.tolist()) == {100} and len(against.canned_ids) == 0
    assert index.nbytes < 5000 * 256 * 2 + 5000 * 32 + 5000 * 9 + 1000


def test_feedback_turns_copies_and_discards_into_redacted_examples(tmp_path: Path) -> None:
    repo = _library(tmp_path / "library.db")
    chosen = _first_of(repo, "track_order")
    thread = "Customer: where is my parcel? mail me at ann@example.com\nAgent: Let me check."
    feedback = FeedbackRepository(repo.db)
    feedback.record(FeedbackEvent("ready_reply", "copied", "x", "x", [chosen], conversation=thread))
    feedback.record(
        FeedbackEvent("draft", "discarded", "y", canned_ids=[chosen + 1], conversation=thread)
    )
    feedback.record(FeedbackEvent("draft", "copied", "z", "z", [chosen]))  # no thread: no example
    rows = list(repo.db.query("SELECT canned_id, polarity, text, conversation FROM example"))
    assert [(r["canned_id"], r["polarity"]) for r in rows] == [(chosen, 1), (chosen + 1, AGAINST)]
    assert rows[0]["text"] == "where is my parcel? mail me at [email]"  # the customer's side
    assert "ann@example.com" not in rows[0]["conversation"]
    assert ExampleStore(repo.db).counts() == {chosen: (1, 0), chosen + 1: (0, 1)}


def test_a_response_copied_from_the_list_is_a_pick(tmp_path: Path) -> None:
    repo = _library(tmp_path / "library.db")
    chosen = _first_of(repo, "track_order")
    response = repo.get(chosen)
    assert response is not None
    thread = "Customer: my parcel has not moved for a week, where is it?"
    FeedbackRepository(repo.db).record(canned_event(response, response.body, thread))
    assert ExampleStore(repo.db).counts() == {chosen: (1, 0)}


def test_a_pass_pushes_a_response_down(tmp_path: Path) -> None:
    repo = _library(tmp_path / "library.db")
    question = _customer("I want to cancel my order")
    top = ranking.rank_scored(repo.db, question, 5)[0][0]
    past = ["I want to cancel my order", "i want to cancel my order please", "want to cancel order"]
    learn_many(repo.db, [Answered(top, _customer(t), AGAINST) for t in past])
    assert ranking.rank_scored(repo.db, question, 5)[0][0] != top


def test_history_forget_and_retention_forget_the_picks(tmp_path: Path) -> None:
    repo = _library(tmp_path / "library.db")
    chosen = _first_of(repo, "track_order")
    history = History(repo.db)
    thread = "Customer: where is my parcel 0123456789?"
    kept = history.save(thread, now=1000.0)
    feedback = FeedbackRepository(repo.db)
    for created in (1000.0, 5000.0):
        event = FeedbackEvent(
            "draft", "copied", "a", "a", [chosen], conversation=thread, created_at=created
        )
        feedback.record(event)
    other = "Customer: I want my money back"
    learn_many(repo.db, [Answered(chosen, parse(other), conversation=other)])
    learn_many(repo.db, [Answered(chosen, parse(other))], source="import")
    history.save(thread + "\nAgent: it is on its way", kept, now=6000.0)  # the thread grew
    assert history.forget([kept]) == 1
    texts = [r[0] for r in repo.db.execute("SELECT text FROM example ORDER BY id").fetchall()]
    assert texts == ["I want my money back", "I want my money back"]  # that thread's picks went
    history.apply_retention(1, now=1e12)
    assert [r[0] for r in repo.db.execute("SELECT source FROM example").fetchall()] == ["import"]
    history.forget_all()
    assert ExampleStore(repo.db).stats()["examples"] == 1  # imports are forgotten by name


def test_canned_names_resolve_by_title_shortcode_or_id(tmp_path: Path) -> None:
    repo = _library(tmp_path / "library.db")
    one = repo.all()[0]
    assert one.id is not None
    names = [one.title.upper(), str(one.id), "nothing like it"]
    assert resolve_canned(repo.db, names) == {one.title.upper(): one.id, str(one.id): one.id}


@pytest.mark.parametrize("text", ["", "   "])
def test_a_conversation_without_words_teaches_nothing(tmp_path: Path, text: str) -> None:
    repo = _library(tmp_path / "library.db")
    assert learn_many(repo.db, [Answered(1, _customer(text))]) == 0


def test_another_language_learns_in_the_multilingual_space(tmp_path: Path) -> None:
    """German picks lift a German question on an English library; their multilingual vectors
    are embedded once, on the first need, and kept without moving the examples' version."""
    db = Database(sqlite3.connect(tmp_path / "library.db"))
    migrations.apply(db)
    repo = CannedRepository(db)
    repo.add_many(bitext.parse(EVAL / "multilingual_canned.json").responses)
    german = [c for c in load_cases(EVAL / "multilingual_dev.jsonl") if c.language == "de"]
    # ("nein noch nicht", all function words, ranks nothing, as "no not yet" does)
    firsts = [(c, ranking.rank_for(repo, c.transcript, 1)) for c in german]
    wrong = [c for c, first in firsts if first and intent_of(first[0]) != c.expected_intent]
    assert wrong, "the zero-shot ranking misses some German questions"
    case = wrong[0]
    text = case.transcript.latest_customer_text()
    chosen = _first_of(repo, case.expected_intent)
    learn_many(db, [Answered(chosen, _customer(t)) for t in (text + " danke", "hallo " + text)])
    assert db.execute("SELECT count(*) FROM example WHERE cross_vector IS NULL").fetchone()[0] == 2
    version = db.execute("SELECT value FROM meta WHERE key = 'examples_version'").fetchone()
    top = ranking.rank_scored(db, case.transcript, 3)
    assert intent_of(repo.get_many([top[0][0]])[0]) == case.expected_intent
    assert db.execute("SELECT count(*) FROM example WHERE cross_vector IS NULL").fetchone()[0] == 0
    assert db.execute("SELECT value FROM meta WHERE key = 'examples_version'").fetchone() == version


def test_a_large_import_is_embedded_in_the_background(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """More missing multilingual vectors than FILL_NOW: the conversation does not wait for
    them; once the background thread kept them, the next ranking uses them."""
    monkeypatch.setattr(examples, "FILL_NOW", 1)
    db = Database(sqlite3.connect(tmp_path / "library.db", check_same_thread=False))
    migrations.apply(db)
    repo = CannedRepository(db)
    repo.add_many(bitext.parse(EVAL / "multilingual_canned.json").responses)
    chosen = _first_of(repo, "card_issues")
    german = ["meine Karte funktioniert nicht mehr", "Karte geht nicht beim Einkaufen"]
    learn_many(db, [Answered(chosen, _customer(t)) for t in german])
    question = _customer("warum funktioniert meine Karte nicht")
    ranking.rank_scored(db, question, 3)
    examples.wait_for_fills(60)
    assert db.execute("SELECT count(*) FROM example WHERE cross_vector IS NULL").fetchone()[0] == 0
    learned = ranking.cross_learned_for(db)
    assert learned is not None and len(learned) == 2
