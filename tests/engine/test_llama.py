"""The real llama.cpp engine on the real default model."""

import threading
import time
from pathlib import Path

import pytest
from desktop.engine.llama import LlamaEngine, load_cpu_backend
from desktop.engine.types import GenerationParams, Message
from desktop.errors import ModelError

MESSAGES = (
    Message("system", "You are a helpful customer support agent."),
    Message("user", "Customer: My parcel is late. Where is it?\n\nWrite the agent's reply."),
)


def test_model_info_comes_from_the_gguf(engine: LlamaEngine, default_model: Path) -> None:
    info = engine.info
    assert info.path == default_model
    assert info.chat_format == "gguf-template"
    assert info.context_tokens == 2048
    assert info.trained_context_tokens >= 2048
    assert info.size_bytes == default_model.stat().st_size


def test_tokens_stream_one_by_one(engine: LlamaEngine) -> None:
    deltas = list(
        engine.stream(MESSAGES, GenerationParams(max_tokens=24, seed=1), threading.Event())
    )
    assert len(deltas) > 3
    assert all(deltas)
    assert engine.count_tokens("".join(deltas)) <= 24


def test_same_seed_gives_the_same_draft(engine: LlamaEngine) -> None:
    params = GenerationParams(max_tokens=16, seed=7, temperature=0.8)
    first = "".join(engine.stream(MESSAGES, params, threading.Event()))
    second = "".join(engine.stream(MESSAGES, params, threading.Event()))
    assert first == second


def test_stop_mid_stream_halts_at_the_next_token(engine: LlamaEngine) -> None:
    cancel = threading.Event()
    received = []
    for delta in engine.stream(MESSAGES, GenerationParams(max_tokens=200, seed=3), cancel):
        received.append(delta)
        if len(received) == 3:
            cancel.set()
    assert len(received) == 3


def test_prompt_tokens_follow_the_chat_template(engine: LlamaEngine) -> None:
    plain = engine.count_tokens(MESSAGES[0].content + MESSAGES[1].content)
    templated = engine.count_prompt_tokens(MESSAGES)
    assert templated > plain  # role markers of the template are counted too


def test_missing_file_gives_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        LlamaEngine(tmp_path / "nope.gguf")


def test_a_folder_is_not_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="folder"):
        LlamaEngine(tmp_path)


def test_not_a_gguf_gives_a_clear_error(tmp_path: Path) -> None:
    fake = tmp_path / "model.gguf"
    fake.write_bytes(b"<html>404 not found</html>" * 50)
    with pytest.raises(ModelError, match="not a GGUF"):
        LlamaEngine(fake)


def test_truncated_gguf_fails_to_load_cleanly(tmp_path: Path, default_model: Path) -> None:
    broken = tmp_path / "broken.gguf"
    with default_model.open("rb") as source:
        broken.write_bytes(source.read(1_000_000))
    with pytest.raises(ModelError, match="could not load"):
        LlamaEngine(broken)


def test_stop_interrupts_reading_a_long_prompt(engine: LlamaEngine) -> None:
    long_message = "Customer: " + " ".join(f"order {i} is late and I am upset" for i in range(180))
    messages = (Message("user", long_message),)
    prompt_tokens = engine.count_prompt_tokens(messages)
    assert prompt_tokens > 1500
    cancel = threading.Event()
    timer = threading.Timer(0.05, cancel.set)
    started = time.perf_counter()
    timer.start()
    received = list(engine.stream(messages, GenerationParams(max_tokens=50, seed=1), cancel))
    stopped_after = time.perf_counter() - started
    timer.join()
    assert received == []
    assert engine._llm.n_tokens < prompt_tokens  # aborted part-way through the prompt
    # The engine is still usable, and the next draft starts from a clean cache.
    again = list(engine.stream(MESSAGES, GenerationParams(max_tokens=8, seed=1), threading.Event()))
    assert again
    print(f"stopped {stopped_after:.2f}s into reading the prompt")


def test_the_probed_cpu_variant_is_loaded_and_named(engine: LlamaEngine) -> None:
    """The build is portable: one CPU library per CPU family, the one shown to run is loaded."""
    backend = load_cpu_backend(engine.info.path)
    assert backend.variant != "built-in"
    assert engine.info.cpu_variant == backend.variant
    assert backend.variant in engine.info.cpu_variant_reason
    assert "test decode" in engine.info.cpu_variant_reason or "forced" in backend.reason


def test_the_context_starts_small_and_grows_when_a_prompt_needs_it(default_model: Path) -> None:
    grown = LlamaEngine(
        default_model, context_tokens=2048, initial_context_tokens=256, state_cache_bytes=0
    )
    try:
        assert grown.allocated_context_tokens == 256
        assert grown.info.context_tokens == 2048  # what prompts may use is unchanged
        long = "Customer: my parcel is late and nobody answers my emails. " * 30
        messages = [Message("system", "Reply briefly."), Message("user", long)]
        assert grown.count_prompt_tokens(messages) > 256
        params = GenerationParams(max_tokens=8, seed=1)
        text = "".join(grown.stream(messages, params, threading.Event()))
        assert text and grown.allocated_context_tokens in (512, 1024)
        again = "".join(grown.stream(messages, params, threading.Event()))
        assert again == text  # the same seed drafts the same in the grown context
    finally:
        grown.close()
