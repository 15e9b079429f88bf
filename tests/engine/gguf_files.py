"""Write small but real GGUF files: real headers (metadata and tensor shapes), no weights.

The catalog's tests plant these where each app keeps its models; the header reader parses
them exactly as it parses a downloaded model.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

from desktop.engine.gguf_header import MAGIC, TensorInfo, Value

_STRING, _ARRAY = 8, 9


def _encode_value(value: Value) -> tuple[int, bytes]:
    if isinstance(value, bool):
        return 7, struct.pack("<?", value)
    if isinstance(value, int):
        if 0 <= value < 2**32:
            return 4, struct.pack("<I", value)
        return 11, struct.pack("<q", value)
    if isinstance(value, float):
        return 6, struct.pack("<f", value)
    if isinstance(value, str):
        data = value.encode("utf-8")
        return _STRING, struct.pack("<Q", len(data)) + data
    item_type = _encode_value(value[0])[0] if value else 4
    body = b"".join(_encode_value(item)[1] for item in value)
    return _ARRAY, struct.pack("<IQ", item_type, len(value)) + body


def encode_header(metadata: dict[str, Value], tensors: list[TensorInfo], version: int = 3) -> bytes:
    out = [MAGIC, struct.pack("<IQQ", version, len(tensors), len(metadata))]
    for key, value in metadata.items():
        data = key.encode("utf-8")
        value_type, encoded = _encode_value(value)
        out += [struct.pack("<Q", len(data)), data, struct.pack("<I", value_type), encoded]
    for offset, tensor in enumerate(tensors):
        data = tensor.name.encode("utf-8")
        out += [struct.pack("<Q", len(data)), data, struct.pack("<I", len(tensor.shape))]
        out += [struct.pack("<Q", dim) for dim in tensor.shape]
        out.append(struct.pack("<IQ", tensor.ggml_type, offset * 32))
    return b"".join(out)


def llama_like(
    name: str = "Tiny",
    arch: str = "llama",
    layers: int = 2,
    embd: int = 64,
    vocab: int = 1000,
    context: int = 8192,
    file_type: int = 15,
    template: bool = True,
    extra: dict[str, Value] | None = None,
) -> tuple[dict[str, Value], list[TensorInfo]]:
    """Metadata and tensor shapes shaped like a llama-family chat model's."""
    metadata: dict[str, Value] = {
        "general.architecture": arch,
        "general.name": name,
        "general.file_type": file_type,
        f"{arch}.context_length": context,
        f"{arch}.embedding_length": embd,
        f"{arch}.block_count": layers,
        f"{arch}.attention.head_count": 4,
        f"{arch}.attention.head_count_kv": 2,
        "tokenizer.ggml.model": "gpt2",
        "tokenizer.ggml.tokens": [f"t{i}" for i in range(vocab)],
    }
    if template:
        metadata["tokenizer.chat_template"] = "{% for m in messages %}{{ m.content }}{% endfor %}"
    metadata.update(extra or {})
    tensors = [TensorInfo("token_embd.weight", (embd, vocab), 12)]
    for layer in range(layers):
        tensors.append(TensorInfo(f"blk.{layer}.attn_q.weight", (embd, embd), 12))
        tensors.append(TensorInfo(f"blk.{layer}.ffn_up.weight", (embd, 4 * embd), 12))
    return metadata, tensors


def write_gguf(path: Path, padding: int = 0, **kwargs: Any) -> Path:
    """A GGUF at `path` with a llama-like header and `padding` bytes standing in for weights."""
    metadata, tensors = llama_like(**kwargs)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        handle.write(encode_header(metadata, tensors))
        if padding:
            handle.truncate(handle.tell() + padding)  # sparse: size without disk use
    return path
