"""Draft measures for `agent-assist eval --drafts`: on topic, trust flags, length."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from desktop.drafting import metrics
from desktop.drafting.metrics import DraftMeasures, IntentIndex

EVAL = Path(__file__).resolve().parents[2] / "resources" / "eval"
LIBRARY = [
    ("cancel_order", "Cancel order\nYou can cancel your order from the order details page."),
    ("cancel_order", "Cancel a purchase\nTo cancel a purchase, open your orders and click cancel."),
    ("track_refund", "Refund status\nYour refund is processed to your original payment method."),
    ("delivery_period", "Delivery time\nDelivery takes a few business days after shipping."),
]
SOURCES = ["Customer: I want to cancel order 48213", LIBRARY[0][1]]


def test_on_topic_picks_the_nearest_intent() -> None:
    index = IntentIndex.build(LIBRARY)
    assert index.nearest("I can help you cancel the order from its details page.") == (
        "cancel_order"
    )
    assert index.nearest("Your refund goes back to your payment method.") == "track_refund"
    assert metrics.on_topic("Delivery takes a few days after shipping.", "delivery_period", LIBRARY)
    assert not metrics.on_topic("Delivery takes a few days.", "cancel_order", index)


def test_a_draft_with_no_known_word_is_not_on_topic() -> None:
    index = IntentIndex.build(LIBRARY)
    assert index.nearest("Zzz qqq!") is None
    assert not metrics.on_topic("", "cancel_order", index)


def test_trust_flags_come_from_the_sentence_checks() -> None:
    clean = "You can cancel order 48213 from the order details page."
    assert not metrics.unsupported_specifics(clean, SOURCES)
    assert metrics.unsupported_specifics("Call 804-273-5969 to cancel.", SOURCES)
    assert metrics.action_claims("I've cancelled your order.", SOURCES)
    assert not metrics.action_claims("I can cancel your order.", SOURCES)
    assert metrics.leaks("Dear [Customer Name], sure.", SOURCES)
    assert not metrics.leaks(clean, SOURCES)


def test_length_and_emptiness() -> None:
    assert metrics.word_count("Hi Jane, it's on its way.") == 6
    assert metrics.non_empty(" ok ")
    assert not metrics.non_empty(" \n ... ")


def test_measure_and_summarise() -> None:
    index = IntentIndex.build(LIBRARY)
    drafts = [
        "You can cancel order 48213 from the order details page.",
        "I've cancelled your order. Call 804-273-5969.",
        "",
    ]
    measures = [metrics.measure(d, "cancel_order", index, SOURCES) for d in drafts]
    assert measures[0] == DraftMeasures(True, False, False, False, True, 10)
    assert measures[1] == DraftMeasures(True, True, True, False, True, 6)
    assert measures[2] == DraftMeasures(False, False, False, False, False, 0)
    summary = metrics.summarise(measures)
    assert summary == pytest.approx(
        {
            "draft_on_topic": 2 / 3,
            "unsupported_specifics": 1 / 3,
            "action_claims": 1 / 3,
            "leaks": 0.0,
            "non_empty": 2 / 3,
            "median_words": 6.0,
        }
    )
    assert metrics.summarise([]) == {}


def test_reference_replies_are_on_topic_as_the_issue_measured() -> None:
    """Issue 9: the human reference replies score 0.90 on topic, the customer's own words
    0.73. Measured here on the dev set: 0.893 and 0.741."""
    canned = json.loads((EVAL / "canned.json").read_text(encoding="utf-8"))
    index = IntentIndex.build((r["intent"], f"{r['title']}\n{r['body']}") for r in canned)
    lines = (EVAL / "dev_cases.jsonl").read_text(encoding="utf-8").splitlines()
    cases = [json.loads(line) for line in lines if line.strip()]
    reference = [metrics.on_topic(c["reference_reply"], c["expected_intent"], index) for c in cases]
    echo = [
        metrics.on_topic(
            " ".join(t["text"] for t in c["conversation"]), c["expected_intent"], index
        )
        for c in cases
    ]
    assert sum(reference) / len(cases) >= 0.85
    assert 0.65 <= sum(echo) / len(cases) <= 0.80  # the bar a draft must clear: above echoing
