"""`agent-assist eval` and `bench-retrieval` end to end, on the shared evaluation set."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from desktop.errors import InputError
from desktop.evaluation.cases import Case, load_cases
from desktop.evaluation.library import synthetic_library
from desktop.evaluation.ranking_eval import _per_intent
from desktop.importers import bitext
from desktop.importers.bitext import intent_of

from tests.conftest import EVAL

CASES = EVAL / "dev_cases.jsonl"
CANNED = EVAL / "canned.json"
# What the ranking achieves on the dev set (85.2% / 97.8%): a regression fails here.
TOP1_TARGET = 0.85
TOP3_TARGET = 0.95


def agent_assist(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_eval_json_meets_the_targets() -> None:
    # Default arguments: the dev cases and library shipped in resources/eval (issue 18).
    result = agent_assist("eval", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    keys = {"cases", "top1", "top3", "macro_precision", "macro_recall", "macro_f1", "median_ms"}
    assert keys <= set(report)
    assert report["cases"] == 270
    assert report["top1"] >= TOP1_TARGET
    assert report["top3"] >= TOP3_TARGET
    assert 0.8 <= report["macro_f1"] <= 1.0
    assert 0 < report["median_ms"] < 50
    assert len(report["per_intent"]) == 27


def test_eval_prints_a_readable_report() -> None:
    result = agent_assist("eval", str(CASES), "--canned", str(CANNED))
    assert result.returncode == 0, result.stderr
    assert "top-1 intent hit" in result.stdout and "macro F1" in result.stdout
    assert "cancel_order" in result.stdout


def test_eval_reports_a_missing_file_in_one_line(tmp_path: Path) -> None:
    result = agent_assist("eval", str(tmp_path / "nope.jsonl"), "--canned", str(CANNED))
    assert result.returncode == 1
    assert result.stderr.strip() == f"error: Cases file not found: {tmp_path / 'nope.jsonl'}."


def test_bad_case_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    path.write_text('{"conversation": [], "expected_intent": "x"}\n{"oops": 1}\n', "utf-8")
    with pytest.raises(InputError, match="line 2"):
        load_cases(path)


def test_per_intent_scores() -> None:
    scores = {s.intent: s for s in _per_intent([("a", "a"), ("a", "b"), ("b", "b"), ("c", "")])}
    assert scores["a"].precision == 1.0 and scores["a"].recall == 0.5
    assert scores["b"].precision == 0.5 and scores["b"].recall == 1.0
    assert scores["c"].f1 == 0.0


def test_bench_retrieval_on_a_small_synthetic_library() -> None:
    result = agent_assist("bench-retrieval", "--size", "2000", "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout)
    assert figures["size"] == 2000 and figures["queries"] == 270
    assert 0 < figures["median_ms"] <= figures["p95_ms"]
    assert 0 < figures["search_median_ms"] <= figures["search_p95_ms"]


def test_synthetic_library_keeps_intents() -> None:
    base = bitext.parse(CANNED).responses
    made = synthetic_library(base, 300)
    assert len(made) == 300
    assert {intent_of(r) for r in made} == {intent_of(r) for r in base}
    assert len({r.body for r in made}) > 250  # variations, not copies


def test_cases_load_as_transcripts() -> None:
    cases = load_cases(CASES)
    assert isinstance(cases[0], Case)
    assert cases[0].transcript.latest_customer_text()


def test_bitext_import_keeps_the_intent_as_first_tag() -> None:
    responses = bitext.parse(CANNED).responses
    assert len(responses) == 108
    first = responses[0]
    assert first.tags[0] == intent_of(first) == "cancel_order"
    assert first.tags.count("cancel_order") == 1
    assert (first.source, first.source_id, first.category) == (
        "bitext",
        "bitext-cancel_order-template",
        "ORDER",
    )
    assert len({intent_of(r) for r in responses}) == 27


@pytest.mark.parametrize(
    ("records", "message"),
    [
        ([{"id": "x", "title": "T", "body": "B"}], r"record 1 \('T'\): missing 'intent'"),
        ([{"id": "x", "title": "T", "body": "B", "intent": "i", "tags": "a"}], "'tags' must"),
        (["nope"], "record 1: expected an object"),
    ],
)
def test_bitext_import_names_a_bad_record(
    tmp_path: Path, records: list[object], message: str
) -> None:
    path = tmp_path / "canned.json"
    path.write_text(json.dumps(records), "utf-8")
    with pytest.raises(InputError, match=message):
        bitext.parse(path)
