"""The whole reading on real libraries: the ranking's real embedding models, SQLite files."""

import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from desktop.evaluation.cases import load_cases
from desktop.importers import bitext
from desktop.reading import read_conversation
from desktop.store import migrations
from desktop.store.canned import CannedRepository
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


def test_in_scope_english_keeps_its_intent(shop: CannedRepository) -> None:
    reading = read_conversation(parse("Customer: I want to cancel order 48213 please"), shop.db)
    assert reading.intents[0].intent == "cancel_order"
    assert reading.intents[0].confidence > 0.5
    assert not reading.abstain
    assert reading.language == "en"


def test_chinese_customer_finds_the_english_response(shop: CannedRepository) -> None:
    reading = read_conversation(parse("我想取消我的订单，已经第三次联系你们了！"), shop.db)  # noqa: RUF001
    assert reading.language == "zh"
    assert reading.intents[0].intent == "cancel_order"
    assert reading.sentiment == "negative"
    assert ("repeat", "第三次") in reading.cues


def test_out_of_scope_question_abstains(shop: CannedRepository) -> None:
    reading = read_conversation(
        parse("How can I open a savings account with a better interest rate?"), shop.db
    )
    assert reading.abstain
    assert reading.intents  # the nearest ones are still listed, with low confidence
    assert reading.intents[0].confidence < 0.3


def test_abstention_on_the_dev_sets(shop: CannedRepository) -> None:
    in_scope = load_cases(EVAL / "dev_cases.jsonl")[::3]
    kept = [not read_conversation(c.transcript, shop.db).abstain for c in in_scope]
    banking = [c for c in load_cases(EVAL / "multilingual_dev.jsonl") if "-en-" in c.id]
    recognised = [read_conversation(c.transcript, shop.db).abstain for c in banking]
    assert sum(kept) / len(kept) >= 0.75
    assert sum(recognised) / len(recognised) >= 0.6  # 30 of 47 measured


def test_reading_stays_interactive(shop: CannedRepository) -> None:
    # A guard against a pathological slowdown, not the speed figure: that lives in the
    # benchmark (README), since a loaded 2-core machine doubles any timing here.
    cases = load_cases(EVAL / "multilingual_dev.jsonl")[:60]
    read_conversation(cases[0].transcript, shop.db)
    timings = []
    for case in cases:
        start = time.perf_counter()
        read_conversation(case.transcript, shop.db)
        timings.append(time.perf_counter() - start)
    assert statistics.median(timings) < 0.05


def test_json_is_what_the_cli_prints(shop: CannedRepository) -> None:
    reading = read_conversation(parse("Customer: Where is my refund?? URGENT"), shop.db)
    data = json.loads(reading.as_json())
    assert data["urgency"] == reading.urgency == "high"
    assert data["intents"][0] == {
        "intent": reading.intents[0].intent,
        "confidence": reading.intents[0].confidence,
    }


def agent_assist(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, check=True
    )
    return done.stdout


def test_cli_read_lines(tmp_path: Path) -> None:
    messages = tmp_path / "messages.txt"
    messages.write_text("Ich möchte meine Bestellung stornieren\n\nThanks a lot!\n", "utf-8")
    out = agent_assist("read", str(messages), "--lines", "--canned", str(EVAL / "canned.json"))
    lines = [json.loads(line) for line in out.splitlines()]
    assert [line["language"] for line in lines] == ["de", "en"]
    assert lines[0]["intents"][0]["intent"] == "cancel_order"
    assert lines[1]["sentiment"] == "positive"


def test_cli_read_against_the_users_library(tmp_path: Path) -> None:
    conversation = tmp_path / "conversation.txt"
    conversation.write_text("Customer: my parcel is late, this is unacceptable!\n", "utf-8")
    out = agent_assist("read", str(conversation))
    assert "sentiment  negative (angry)" in out
    assert "language   en" in out
