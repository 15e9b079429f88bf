"""`agent-assist eval --by-language`: hit rates per customer language, on the shared
multilingual dev set (MInDS-14 transcripts against an English library) and on cases made here."""

import json
from pathlib import Path

from desktop.evaluation.cases import load_cases
from desktop.evaluation.ranking_eval import evaluate
from desktop.store.canned import CannedResponse

from tests.conftest import EVAL
from tests.test_evaluation import agent_assist

CASES = EVAL / "multilingual_dev.jsonl"
CANNED = EVAL / "multilingual_canned.json"
LANGUAGES = {"de": 83, "en": 47, "fr": 43, "ru": 55, "zh": 22}


def test_load_cases_keeps_the_optional_language(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    turn = [{"role": "customer", "text": "refund please"}]
    lines = [
        {"id": "a", "language": "de", "conversation": turn, "expected_intent": "refund"},
        {"id": "b", "conversation": turn, "expected_intent": "refund"},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    assert [c.language for c in load_cases(path)] == ["de", ""]


def test_hit_rates_are_split_by_language(tmp_path: Path) -> None:
    """English cases find their response; the "xx" cases ask for an intent the library lacks."""
    path = tmp_path / "cases.jsonl"
    lines = [
        ("en", "I want a refund for my broken kettle, money back please", "refund"),
        ("en", "Where is my parcel? The delivery is late", "shipping"),
        ("xx", "I want a refund for my broken kettle", "loyalty_points"),
        ("", "My parcel has not arrived, where is the delivery", "shipping"),
    ]
    path.write_text(
        "\n".join(
            json.dumps(
                {
                    "language": language,
                    "conversation": [{"role": "customer", "text": text}],
                    "expected_intent": intent,
                }
            )
            for language, text, intent in lines
        ),
        encoding="utf-8",
    )
    library = [
        CannedResponse(
            title="Refund issued", body="We have refunded your payment.", tags=("refund",)
        ),
        CannedResponse(
            title="Delivery delay", body="Your parcel is on its way to you.", tags=("shipping",)
        ),
    ]
    report = evaluate(load_cases(path), library)
    assert report.languages_dict() == {
        "": {"top1": 1.0, "top3": 1.0, "cases": 1},
        "en": {"top1": 1.0, "top3": 1.0, "cases": 2},
        "xx": {"top1": 0.0, "top3": 0.0, "cases": 1},
    }
    assert report.top1 == 0.75


def test_eval_by_language_json_on_the_multilingual_dev_set() -> None:
    result = agent_assist("eval", str(CASES), "--canned", str(CANNED), "--by-language", "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    by_language = report["by_language"]
    assert {k: v["cases"] for k, v in by_language.items()} == LANGUAGES
    # The per-language rates add up to the overall ones.
    total = sum(LANGUAGES.values())
    for key in ("top1", "top3"):
        overall = sum(v[key] * v["cases"] for v in by_language.values()) / total
        assert abs(overall - report[key]) < 1e-9
    # Measured 76-86% top-1 and 87-96% top-3 per language: a regression fails here.
    for language, scores in by_language.items():
        assert scores["top1"] >= 0.7, language
        assert scores["top3"] >= 0.85, language


def test_eval_by_language_prints_a_table_and_is_off_by_default() -> None:
    result = agent_assist("eval", str(CASES), "--canned", str(CANNED), "--by-language")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line.split()[1:] for line in result.stdout.splitlines() if line}
    assert rows["language"] == ["top-1", "top-3", "n"]
    assert rows["zh"][2] == "22" and rows["zh"][0].endswith("%")
    plain = agent_assist("eval", str(CASES), "--canned", str(CANNED), "--json")
    assert "by_language" not in json.loads(plain.stdout)
