"""Handover summary: the model's line is checked; what was done and what is open are quoted."""

from __future__ import annotations

import json
import subprocess
import sys
import threading

import pytest
from desktop.drafting.summary import summarize
from desktop.engine.llama import LlamaEngine
from desktop.transcript import parse

from tests.scripted_engine import ScriptedEngine

CONVERSATION = (
    "Customer: I was charged twice for my subscription this month.\n"
    "Agent: I can see two charges. I have reported the duplicate to billing.\n"
    "Customer: How long until I get the money back?\n"
)


def test_an_invented_promise_in_the_models_line_falls_back_to_the_customers_words() -> None:
    engine = ScriptedEngine(" a refund within 48 hours, call 804-273-5969")
    summary = summarize(engine, parse(CONVERSATION), threading.Event())
    assert not summary.from_model
    assert "804-273-5969" not in summary.text and "48 hours" not in summary.text
    assert "I was charged twice for my subscription this month." in summary.want
    assert summary.done == ("I have reported the duplicate to billing.",)
    assert summary.open == "How long until I get the money back?"


def test_a_reason_the_customer_never_gave_is_not_put_in_their_mouth() -> None:
    # Issue 22: the real model wrote this for a customer who only asked to cancel.
    engine = ScriptedEngine(" to know the reason behind the order cancellation.")
    asked = parse("Customer: Please cancel my order 5521, I ordered the wrong size.\n")
    summary = summarize(engine, asked, threading.Event())
    assert not summary.from_model
    assert "reason" not in summary.text
    assert "Please cancel my order 5521" in summary.want


def test_a_line_in_the_conversations_own_words_is_kept() -> None:
    engine = ScriptedEngine(" to cancel the order because of the wrong size.")
    asked = parse("Customer: Please cancel my order 5521, I ordered the wrong size.\n")
    summary = summarize(engine, asked, threading.Event())
    assert summary.from_model and summary.want.startswith("to cancel the order")


def test_when_the_agent_spoke_last_nothing_is_open() -> None:
    engine = ScriptedEngine(" their money back.")
    answered = parse(CONVERSATION + "Agent: Refunds take 5 days; I'll keep an eye on it.\n")
    summary = summarize(engine, answered, threading.Event())
    assert summary.from_model and summary.want == "their money back."
    assert summary.open == "" and summary.text.endswith("- Still open: nothing")


@pytest.mark.model
def test_summary_on_the_real_model(engine: LlamaEngine) -> None:
    summary = summarize(engine, parse(CONVERSATION), threading.Event(), seed=1)
    lines = summary.text.splitlines()
    assert lines[0].startswith("- The customer wants ") and len(lines[0]) > 25
    assert lines[1] == "- Already done (agent): “I have reported the duplicate to billing.”"
    assert lines[2] == "- Still open: “How long until I get the money back?”"


@pytest.mark.model
def test_summarize_command(default_model: object) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "desktop", "summarize", "-", "--json", "--seed", "1"],
        input=CONVERSATION, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout)
    assert payload["done"] == ["I have reported the duplicate to billing."]
    assert payload["text"].startswith("- The customer wants")
