"""The GGUF header reader on the real default model and on planted, damaged and odd files."""

from __future__ import annotations

import struct
import time
from pathlib import Path

import pytest
from desktop.engine import model_facts
from desktop.engine.gguf_header import GGUFError, SkippedArray, TensorInfo, read_header

from tests.engine.gguf_files import encode_header, llama_like, write_gguf


def test_reads_the_real_default_model(default_model: Path) -> None:
    started = time.perf_counter()
    header = read_header(default_model)
    elapsed = time.perf_counter() - started
    assert header.version == 3
    assert header.architecture == "llama"
    assert header.arch_int("block_count") == 30
    assert header.arch_int("context_length") == 8192
    assert header.get_int("general.file_type") == 3  # Q4_1, as the file name says
    assert isinstance(header.get("tokenizer.chat_template"), str)
    tokens = header.get("tokenizer.ggml.tokens")
    assert tokens == SkippedArray(item_type=8, length=49152)  # counted, not decoded
    assert header.get("general.languages") == ["en"]  # short arrays are decoded
    assert len(header.tensors) == 272
    assert model_facts.parameter_count(header) == 134_515_008  # SmolLM2-135M
    assert header.header_bytes < default_model.stat().st_size // 10
    assert elapsed < 1.0  # a 49k-word vocabulary skipped, not parsed


def test_planted_header_round_trips(tmp_path: Path) -> None:
    path = write_gguf(
        tmp_path / "m.gguf",
        extra={"test.flag": True, "test.neg": -5, "test.float": 0.5, "test.list": [1, 2, 3]},
    )
    header = read_header(path)
    assert header.get("test.flag") is True
    assert header.get("test.neg") == -5
    assert header.get("test.float") == 0.5
    assert header.get("test.list") == [1, 2, 3]
    assert header.get("tokenizer.ggml.tokens") == SkippedArray(8, 1000)
    assert header.tensors[0] == TensorInfo("token_embd.weight", (64, 1000), 12)


def test_version_2_is_read_too(tmp_path: Path) -> None:
    metadata, tensors = llama_like()
    path = tmp_path / "v2.gguf"
    path.write_bytes(encode_header(metadata, tensors, version=2))
    assert read_header(path).version == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "too short"),
        (b"<html>404 not found</html>", "no GGUF signature"),
        (b"GGUF" + struct.pack("<I", 1) + b"\0" * 16, "version 1 is not supported"),
        (b"GGUF" + struct.pack(">I", 3) + b"\0" * 16, "big-endian"),
        (b"GGUF" + struct.pack("<IQQ", 3, 0, 1) + struct.pack("<Q", 2**40), "damaged"),
        (b"GGUF" + struct.pack("<IQQ", 3, 2**40, 0), "implausible"),
    ],
)
def test_bad_files_are_refused_with_a_reason(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.gguf"
    path.write_bytes(content)
    with pytest.raises(GGUFError, match=message):
        read_header(path)


def test_truncated_header_is_reported(tmp_path: Path, default_model: Path) -> None:
    path = tmp_path / "cut.gguf"
    with default_model.open("rb") as source:
        path.write_bytes(source.read(200_000))  # ends inside the vocabulary
    with pytest.raises(GGUFError, match="truncated"):
        read_header(path)


def test_reads_are_capped(tmp_path: Path) -> None:
    path = write_gguf(tmp_path / "big.gguf", vocab=20_000)
    with pytest.raises(GGUFError, match="header larger than"):
        read_header(path, limit=64 * 1024)
