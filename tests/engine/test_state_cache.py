"""Keeping what was read: the KV state of a grounding, restored for the next conversation."""

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop.engine.llama import LlamaEngine, raw_timings
from desktop.engine.state_cache import KeptState, StateCache
from desktop.engine.types import GenerationParams, Message

ORDERS = "You are a support agent.\n\nSaved replies:\n" + (
    "To track your order, open the Orders page, choose the order and read its status. " * 6
)
REFUNDS = "You are a support agent.\n\nSaved replies:\n" + (
    "To get a refund, open the Returns page, choose the item and tell us why. " * 6
)
PARAMS = GenerationParams(max_tokens=16, seed=5, temperature=0.7)


def _messages(system: str, customer: str) -> list[Message]:
    return [Message("system", system), Message("user", f"Customer: {customer}\n\nReply.")]


def _draft(engine: LlamaEngine, system: str, customer: str) -> str:
    return "".join(engine.stream(_messages(system, customer), PARAMS, threading.Event()))


@pytest.fixture(scope="module")
def uncached(default_model: Path) -> Iterator[LlamaEngine]:
    loaded = LlamaEngine(default_model, context_tokens=1024, state_cache_bytes=0)
    yield loaded
    loaded.close()


def test_a_seen_grounding_is_restored_and_drafts_the_same_text(
    engine: LlamaEngine, uncached: LlamaEngine
) -> None:
    engine.state_cache.clear()
    _draft(engine, ORDERS, "Where is my parcel?")
    _draft(engine, REFUNDS, "I want my money back.")  # the KV cache now holds another topic
    hits = engine.state_cache.hits
    seen = _draft(engine, ORDERS, "My order has not arrived yet, can you check?")
    assert engine.state_cache.hits == hits + 1
    assert len(engine.state_cache) == 2

    _draft(uncached, REFUNDS, "I want my money back.")
    fresh = _draft(uncached, ORDERS, "My order has not arrived yet, can you check?")
    assert len(uncached.state_cache) == 0
    assert seen == fresh


def test_the_kept_prefix_is_the_system_message(engine: LlamaEngine) -> None:
    messages = _messages(ORDERS, "Where is my parcel?")
    tokens = engine.prompt_token_ids(messages)
    length = engine._grounding_tokens(messages, tokens)
    system_only = engine.count_prompt_tokens([Message("system", ORDERS)])
    assert 32 < length < len(tokens)
    assert abs(length - system_only) <= 4  # the assistant header the template adds alone
    assert engine._grounding_tokens([Message("user", "hi")], [1, 2]) == 0


def test_the_cache_stays_within_its_bytes() -> None:
    cache = StateCache(capacity_bytes=10)
    cache.put((1,), KeptState((1,), b"12345"))
    cache.put((2,), KeptState((2,), b"12345"))
    assert cache.get((1,)) is not None  # (2,) is now the least recently used
    cache.put((3,), KeptState((3,), b"123"))
    assert (2,) not in cache and (1,) in cache and (3,) in cache
    cache.put((4,), KeptState((4,), b"x" * 11))  # larger than the whole cache: not kept
    assert (4,) not in cache
    assert cache.size_bytes <= 10


def test_raw_timings_read_and_decode_exactly_what_was_asked(engine: LlamaEngine) -> None:
    tokens = engine.prompt_token_ids(_messages(ORDERS, "Where is my parcel?"))
    raw = raw_timings(engine, tokens, 8)
    assert raw.prompt_tokens == len(tokens)
    assert raw.decode_tokens == 8
    assert raw.prompt_s > 0 and raw.decode_tps > 0


def test_room_is_made_before_a_state_is_saved() -> None:
    cache = StateCache(capacity_bytes=10)
    cache.put((1,), KeptState((1,), bytearray(b"123456")))
    cache.room_for(6)  # a 6-byte state is about to be written: the old one goes first
    assert len(cache) == 0 and cache.size_bytes == 0


def test_the_longest_kept_prefix_is_found_without_counting_a_use() -> None:
    cache = StateCache(capacity_bytes=100)
    cache.put((1, 2, 3), KeptState((1, 2, 3), b"a"))
    cache.put((1, 2, 9, 9), KeptState((1, 2, 9, 9), b"b"))
    key, state, shared = cache.longest_prefix((1, 2, 3, 4, 5))
    assert key == (1, 2, 3) and state is not None and state.data == b"a" and shared == 3
    assert cache.hits == 0
    assert cache.longest_prefix((7,)) == ((), None, 0)


def test_sampled_raw_timings_use_the_apps_chain(engine: LlamaEngine) -> None:
    tokens = engine.prompt_token_ids(_messages(ORDERS, "Where is my parcel?"))
    raw = raw_timings(engine, tokens, 8, sampling=PARAMS)
    assert raw.decode_tokens == 8 and raw.decode_tps > 0


def test_a_stream_reports_its_own_token_clock(engine: LlamaEngine) -> None:
    _draft(engine, ORDERS, "Where is my parcel?")
    stats = engine.last_stream
    assert 1 <= stats.tokens <= PARAMS.max_tokens
    assert stats.last_at >= stats.first_at > 0


def test_reading_ahead_in_steps_keeps_the_grounding_and_drafts_the_same(
    engine: LlamaEngine, uncached: LlamaEngine
) -> None:
    engine.state_cache.clear()
    messages = _messages(REFUNDS, "placeholder")
    steps = 1
    while not engine.prewarm_step(messages, step_tokens=16):
        steps += 1
        _draft(engine, ORDERS, "Where is my parcel?")  # a real request between two steps
    assert steps > 2  # it was read in several short steps
    assert engine.prewarm_step(messages)  # already kept: nothing to do
    _draft(engine, ORDERS, "Where is my parcel?")  # the KV cache holds another topic again
    hits = engine.state_cache.hits
    ahead = _draft(engine, REFUNDS, "I want my money back.")
    assert engine.state_cache.hits == hits + 1
    assert ahead == _draft(uncached, REFUNDS, "I want my money back.")


def test_a_kept_shorter_grounding_starts_a_longer_one(
    engine: LlamaEngine, uncached: LlamaEngine
) -> None:
    engine.state_cache.clear()
    _draft(engine, ORDERS, "Where is my parcel?")
    _draft(engine, REFUNDS, "I want my money back.")  # the KV cache now holds another topic
    longer = ORDERS + "\n\n[2] Returns\nSend the item back within 30 days for a full refund."
    hits = engine.state_cache.hits
    text = _draft(engine, longer, "My order has not arrived yet.")
    assert engine.state_cache.hits == hits + 1  # the ORDERS state was the starting point
    assert text == _draft(uncached, longer, "My order has not arrived yet.")
