"""Streaming guards: stop on role breaks, leaks and loops with clean text; trim unfinished ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from desktop.drafting.guards import GuardVerdict, StopReason, StreamGuard, trim_unfinished

EVAL = Path(__file__).resolve().parents[2] / "resources" / "eval"
CHUNKINGS = [1, 2, 3, 5, 8, 1000]


def stream(guard: StreamGuard, text: str, size: int) -> tuple[str, list[str]]:
    """Feed `text` in chunks of `size` as a panel would; the shown text after every step."""
    shown, history = "", []
    verdict = GuardVerdict("")
    for i in range(0, len(text), size):
        verdict = guard.feed(text[i : i + size])
        shown = shown[: len(shown) - verdict.retract] + verdict.emit
        history.append(shown)
        if verdict.stopped:
            break
    if not verdict.stopped:
        shown += guard.flush().emit
        history.append(shown)
    assert shown == guard.text
    return shown, history


@pytest.mark.parametrize("size", CHUNKINGS)
def test_a_role_break_stops_with_clean_text_and_no_fragment_shown(size: int) -> None:
    text = "Hi Jane, your order left our warehouse today.\nCustomer: Thanks! And my refund?"
    guard = StreamGuard()
    shown, history = stream(guard, text, size)
    assert shown == "Hi Jane, your order left our warehouse today."
    assert guard.reason is StopReason.ROLE_BREAK
    assert not any("Cust" in h or h.endswith("\n") for h in history)


@pytest.mark.parametrize(
    "text",
    [
        "Hi Jane, your order ships today. User: ok",
        "Hi Jane, your order ships today.\n\nAgent: Anything else?",
        "Hi Jane, your order ships today.\n### Instruction: write more",
    ],
)
def test_other_role_breaks_stop(text: str) -> None:
    guard = StreamGuard()
    shown, _ = stream(guard, text, 3)
    assert shown == "Hi Jane, your order ships today."
    assert guard.reason is StopReason.ROLE_BREAK


@pytest.mark.parametrize("size", CHUNKINGS)
def test_template_tokens_stop_and_are_never_shown(size: int) -> None:
    guard = StreamGuard()
    shown, history = stream(guard, "Your refund is on its way.<|im_end|>\n<|im_start|>user", size)
    assert shown == "Your refund is on its way."
    assert guard.reason is StopReason.TEMPLATE_TOKEN
    assert not any("<" in h for h in history)


@pytest.mark.parametrize("size", CHUNKINGS)
def test_the_models_own_label_is_dropped_not_stopped(size: int) -> None:
    guard = StreamGuard()
    shown, _ = stream(guard, "Assistant: Hi Jane, your order ships today.", size)
    assert shown == "Hi Jane, your order ships today."
    assert guard.reason is None


def test_a_customer_label_at_the_very_start_is_an_early_stop() -> None:
    guard = StreamGuard()
    shown, history = stream(guard, "Customer: where is my order?", 2)
    assert shown == ""
    assert guard.fired_early
    assert not any(history)


def test_as_an_ai_is_cut_back_to_the_sentence_start() -> None:
    guard = StreamGuard()
    text = "Thanks for your patience. As an AI language model, I cannot see your order."
    shown, history = stream(guard, text, 4)
    assert shown == "Thanks for your patience."
    assert guard.reason is StopReason.AI_DISCLOSURE
    assert any(h.startswith("Thanks for your patience. As") for h in history)  # then retracted


def test_a_made_up_slot_stops_and_ours_do_not() -> None:
    guard = StreamGuard()
    shown, _ = stream(guard, "Thanks for writing.\nDear {Customer}, your order is late.", 3)
    assert (shown, guard.reason) == ("Thanks for writing.", StopReason.PLACEHOLDER_LEAK)

    text = 'Hi {{customer.first_name|fallback:"there"}}, use [Live Chat] for {{order.id}}.'
    guard = StreamGuard(sources=["Reach us through [Live Chat]."])
    shown, history = stream(guard, text, 3)
    assert (shown, guard.reason) == (text, None)
    assert not any(h.endswith(("{", "{{customer", "[Live")) for h in history)  # held, not shown


def test_a_repeated_sentence_stops_before_the_repeat() -> None:
    text = "Please check your order page. Please check your order page. Please check"
    guard = StreamGuard()
    shown, _ = stream(guard, text, 4)
    assert (shown, guard.reason) == ("Please check your order page.", StopReason.REPETITION)


def test_a_run_on_loop_keeps_one_saying() -> None:
    text = "You can track it here and you can track it here and you can track it here and you"
    guard = StreamGuard()
    shown, _ = stream(guard, text, 3)
    assert (shown, guard.reason) == ("You can track it here and", StopReason.REPETITION)


def test_phrases_reused_in_a_list_are_not_a_loop() -> None:
    text = (
        "You can request a refund when:\n1. The item is damaged: you can request a refund.\n"
        "2. The item is late: you can request a refund.\n3. The item is wrong: you can request "
        "a refund."
    )
    guard = StreamGuard()
    shown, _ = stream(guard, text, 5)
    assert (shown, guard.reason) == (text, None)


def test_fired_early_depends_on_how_much_was_kept() -> None:
    short = StreamGuard(min_words=12)
    stream(short, "Thanks for writing.\nCustomer: hi", 3)
    assert short.fired_early
    long_text = " ".join(["Thanks for writing to us about your order today."] * 2)
    long = StreamGuard(min_words=12)
    stream(long, long_text.replace("today. Thanks", "today. Sure, thanks") + "\nUser: ok", 3)
    assert long.reason is StopReason.ROLE_BREAK
    assert not long.fired_early
    clean = StreamGuard()
    stream(clean, "Thanks.", 3)
    assert not clean.fired_early


def test_after_a_stop_the_guard_stays_stopped() -> None:
    guard = StreamGuard()
    stream(guard, "Done.\nCustomer: more", 100)
    assert guard.feed(" more text") == GuardVerdict("", stop=StopReason.ROLE_BREAK)
    assert guard.flush().stop is StopReason.ROLE_BREAK
    assert guard.text == "Done."


def test_flush_drops_a_dangling_stop_start_and_keeps_ordinary_text() -> None:
    guard = StreamGuard()
    shown, _ = stream(guard, "Thanks for waiting.\nCust", 3)
    assert (shown, guard.reason) == ("Thanks for waiting.", None)
    guard = StreamGuard()
    shown, _ = stream(guard, "Call us. Cu", 3)  # "Cu" could still have become "Customer:"
    assert shown == "Call us."
    guard = StreamGuard()
    assert stream(guard, "See you soon, Clara", 3)[0] == "See you soon, Clara"


def test_reference_replies_stream_through_untouched() -> None:
    """The dev set's human replies and canned bodies: the only stops are the made-up
    "[Customer Support Hours]"-style slots three reference replies really contain."""
    lines = (EVAL / "dev_cases.jsonl").read_text(encoding="utf-8").splitlines()
    canned = json.loads((EVAL / "canned.json").read_text(encoding="utf-8"))
    texts = [json.loads(line)["reference_reply"] for line in lines if line.strip()]
    texts += [response["body"] for response in canned]
    bodies = [response["body"] for response in canned]
    reasons = []
    for text in texts:
        guard = StreamGuard(sources=bodies)
        shown, _ = stream(guard, text, 4)
        if guard.reason is None:
            assert shown == text
        reasons.append(guard.reason)
    stops = [r for r in reasons if r is not None]
    assert set(stops) <= {StopReason.PLACEHOLDER_LEAK}
    assert len(stops) <= 3


# --- trimming an unfinished end ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thanks for writing. Your refund will be issued once we rec", "Thanks for writing."),
        ("Thanks. Your refund is on its way.", "Thanks. Your refund is on its way."),
        ("Is it late? It may be held at customs", "Is it late?"),
        ('He said "done." Then we wait', 'He said "done."'),
        (
            "Hi Jane,\nPlease follow these steps:\n1. Log in\n2. Open your ord",
            "Hi Jane,\nPlease follow these steps:\n1. Log in",
        ),
        ("Thanks for writing. Please follow these steps:\n1. Log", "Thanks for writing."),
        ("Thanks for writing.\n", "Thanks for writing."),
        ("Hi Jane,\n", "Hi Jane,"),
        ("just half a senten", "just half a senten"),
        ("", ""),
    ],
)  # fmt: skip
def test_trim_unfinished(text: str, expected: str) -> None:
    assert trim_unfinished(text) == expected
