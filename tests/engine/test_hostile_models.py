"""Hostile model files (issue 22): a FIFO, metadata nested 100,000 deep, chat templates that
escape the sandbox, loop for ever or build 3 GB strings. Real files, a real FIFO, real GGUFs.

Each ends in one clear line within seconds; a hostile template falls back to the built-in one.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from desktop.engine.catalog import describe
from desktop.engine.chat_template import ChatTemplate, TemplateRefusedError
from desktop.engine.gguf_header import MAGIC, GGUFError, read_header
from desktop.engine.llama import LlamaEngine
from desktop.engine.model_file import check_gguf
from desktop.engine.types import Message
from desktop.errors import ModelError

from tests.engine.gguf_rewrite import nested_arrays, with_strings

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")


def _within(seconds: float, call: Callable[[], object], unblock: Callable[[], None]) -> object:
    """Run `call` on a thread; fail (after unblocking it) if it takes longer than `seconds`."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(call())
        except BaseException as exc:  # noqa: BLE001 - handed back to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        unblock()
        thread.join(5)
        pytest.fail(f"still blocked after {seconds} s")
    return outcome[0]


def _fifo(tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    path = tmp_path / "model.gguf"
    os.mkfifo(path)

    def unblock() -> None:  # a writer lets a blocked open() return
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)

    return path, unblock


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    path, unblock = _fifo(tmp_path)
    error = _within(5, lambda: check_gguf(path), unblock)
    assert isinstance(error, ModelError) and "not a regular file" in str(error)
    error = _within(5, lambda: read_header(path), unblock)
    assert isinstance(error, GGUFError)
    facts = _within(5, lambda: describe(path), unblock)
    assert "not a regular file" in getattr(facts, "problem", "")


def _cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_suggest_with_a_fifo_as_the_model_ends_in_one_line(app_home: Path, tmp_path: Path) -> None:
    path, _unblock = _fifo(tmp_path)
    conversation = tmp_path / "c.txt"
    conversation.write_text("Customer: Where is my order?\n", encoding="utf-8")
    started = time.monotonic()
    result = _cli("suggest", str(conversation), "--model", str(path), timeout=60)
    assert time.monotonic() - started < 60
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "not a regular file" in result.stderr


def _nested_gguf(path: Path, depth: int) -> Path:
    key = b"general.architecture"
    arch = struct.pack("<Q", len(key)) + key + struct.pack("<IQ", 8, 5) + b"llama"
    evil = b"tokenizer.evil"
    nested = struct.pack("<Q", len(evil)) + evil + nested_arrays(depth)
    path.write_bytes(MAGIC + struct.pack("<IQQ", 3, 0, 2) + arch + nested)
    return path


def test_metadata_nested_100000_deep_is_a_clear_error(tmp_path: Path) -> None:
    path = _nested_gguf(tmp_path / "deep.gguf", 100_000)
    with pytest.raises(GGUFError, match="nested"):
        read_header(path)
    assert "nested" in describe(path).problem


def test_nested_metadata_through_the_cli(app_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "models"
    folder.mkdir()
    path = _nested_gguf(folder / "deep.gguf", 100_000)
    listed = _cli("models", "--folder", str(folder))
    assert "Traceback" not in listed.stderr and "RecursionError" not in listed.stdout
    conversation = tmp_path / "c.txt"
    conversation.write_text("Customer: Where is my order?\n", encoding="utf-8")
    drafted = _cli("suggest", str(conversation), "--model", str(path))
    assert drafted.returncode != 0
    assert "Traceback" not in drafted.stderr
    assert len([line for line in drafted.stderr.splitlines() if line.strip()]) <= 2


# --- chat templates --------------------------------------------------------------------------

ESCAPE = "{{ messages.__class__.__mro__[1].__subclasses__() }}"
GLOBALS = "{{ raise_exception.__globals__['os'] }}"
LOOPS = (
    "{% for a in range(100000) %}{% for b in range(100000) %}"
    "{% endfor %}{% endfor %}{{ messages[0]['content'] }}"
)
HUGE = "{{ 'A' * 3000000000 }}"
HUGE_FILTER = "{{ 'A' | center(3000000000) }}"
HUGE_METHOD = "{{ 'A'.ljust(3000000000) }}"
GROWING = "{% set s = namespace(t='A') %}{% for i in range(60) %}{% set s.t = s.t ~ s.t %}"
GROWING += "{% endfor %}{{ s.t }}"
ADDING = GROWING.replace("s.t ~ s.t", "s.t + s.t")
LISTS = ADDING.replace("t='A'", "t=[1]").replace("{{ s.t }}", "{{ s.t | length }}")
REPLACING = GROWING.replace("s.t ~ s.t", "s.t | replace('A', 'AA')")
MULTIPLIED = "{{ ('A' * 4000000).replace('A', 'A' * 4000000) }}"
MESSAGES = [{"role": "user", "content": "Hello"}]


@pytest.mark.parametrize(
    ("template", "reason"),
    [
        (ESCAPE, "unsafe|SecurityError"),
        (GLOBALS, "unsafe|SecurityError"),
        (LOOPS, "budget"),
        (HUGE, "size budget"),
        (HUGE_FILTER, "size budget"),
        (HUGE_METHOD, "size budget"),
        (GROWING, "size budget"),
        (ADDING, "size budget"),
        (LISTS, "size budget"),
        (REPLACING, "size budget"),
        (MULTIPLIED, "size budget"),
        ("{% for %}", "does not compile"),
    ],
)
def test_a_hostile_template_is_refused_within_its_budget(template: str, reason: str) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateRefusedError, match=reason) as caught:
        ChatTemplate(template, "</s>", "<s>", time_budget=2.0)(MESSAGES)
    assert time.monotonic() - started < 6
    assert "\n" not in str(caught.value)


def test_a_real_template_renders_as_before() -> None:
    chatml = (
        "{% for message in messages %}<|im_start|>{{ message['role'] }}\n"
        "{{ message['content'] }}<|im_end|>\n{% endfor %}"
        "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
    )
    formatted = ChatTemplate(chatml, "<|im_end|>", "")(MESSAGES)
    assert formatted.prompt == "<|im_start|>user\nHello<|im_end|>\n<|im_start|>assistant\n"
    assert formatted.stop == ["<|im_end|>"]


@pytest.mark.model
@pytest.mark.parametrize("template", [ESCAPE, LOOPS, HUGE])
def test_a_model_with_a_hostile_template_drafts_with_the_built_in_one(
    tmp_path: Path, default_model: Path, template: str
) -> None:
    path = with_strings(
        default_model, tmp_path / "hostile.gguf", {"tokenizer.chat_template": template}
    )
    started = time.monotonic()
    engine = LlamaEngine(path, context_tokens=1024)
    try:
        assert time.monotonic() - started < 60
        assert engine.info.chat_format == "chatml-fallback"
        assert "chat template was refused" in engine.info.notice
        tokens = engine.prompt_token_ids([Message("user", "Where is my order?")])
        assert tokens
    finally:
        engine.close()


LLAMA3 = (
    "{{ bos_token }}{% for message in messages %}"
    "{{ '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'"
    " ~ message['content'] | trim ~ '<|eot_id|>' }}"
    "{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"
)
ALTERNATING = (
    "{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('roles must alternate') }}{% endif %}"
    "{{ '[INST] ' ~ message['content'] ~ ' [/INST]' if message['role'] == 'user'"
    " else message['content'] ~ eos_token }}"
    "{% endfor %}"
)


@pytest.mark.parametrize("template", [LLAMA3, ALTERNATING])
def test_real_templates_render_as_llama_cpp_renders_them(template: str) -> None:
    from llama_cpp.llama_chat_format import Jinja2ChatFormatter

    messages = [
        {"role": "user", "content": "Where is my order?"},
        {"role": "assistant", "content": "Let me check."},
        {"role": "user", "content": "Thanks {{ not a tag }} <|eot_id|>"},
    ]
    theirs = Jinja2ChatFormatter(template, "</s>", "<s>")(messages=messages)  # type: ignore[arg-type]
    ours = ChatTemplate(template, "</s>", "<s>")(messages)
    assert ours.prompt == theirs.prompt
    with pytest.raises(TemplateRefusedError, match="roles must alternate"):
        ChatTemplate(ALTERNATING, "</s>", "<s>")(messages[1:])
