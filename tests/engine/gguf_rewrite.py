"""Copy a real GGUF with some metadata values replaced (the weights copied byte for byte).

The hostile-model tests need a model llama.cpp really loads whose chat template is an attack;
the `gguf` package is not installed, so this walks the header with the app's own reader and
writes the key/value section again (the same layout the GGUF spec and gguf-py use).
"""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

from desktop.engine.gguf_header import _FIXED, _Reader, _skip_items

_STRING, _ARRAY = 8, 9


def _skip_value(reader: _Reader, value_type: int) -> None:
    fixed = _FIXED.get(value_type)
    if fixed is not None:
        reader.skip(fixed[1])
    elif value_type == _STRING:
        reader.skip(reader.u64())
    elif value_type == _ARRAY:
        item_type, length = reader.u32(), reader.u64()
        _skip_items(reader, item_type, length)
    else:
        raise ValueError(f"unknown GGUF value type {value_type}")


def _string(text: str) -> bytes:
    data = text.encode("utf-8")
    return struct.pack("<Q", len(data)) + data


def with_strings(source: Path, target: Path, replaced: dict[str, str]) -> Path:
    """Write `target`: `source` with the string values in `replaced` set (added if missing)."""
    with source.open("rb") as handle:
        reader = _Reader(handle, 1 << 30)
        head = reader.take(24)
        tensor_count, kv_count = struct.unpack("<QQ", head[8:24])
        kept: list[bytes] = []
        alignment = 32
        for _ in range(kv_count):
            start = reader.offset
            key = reader.string()
            value_type = reader.u32()
            if key == "general.alignment" and value_type == 4:
                alignment = reader.u32()
            else:
                _skip_value(reader, value_type)
            end = reader.offset
            if key not in replaced:
                handle.seek(start)
                kept.append(handle.read(end - start))
                handle.seek(end)
                reader = _reader_at(handle, end)
        tensors_start = reader.offset
        for _ in range(tensor_count):
            reader.string()
            dims = reader.u32()
            reader.skip(8 * dims + 4 + 8)
        tensors_end = reader.offset
        handle.seek(tensors_start)
        tensor_infos = handle.read(tensors_end - tensors_start)
        data_start = -(-tensors_end // alignment) * alignment
        new_kvs = [
            _string(k) + struct.pack("<I", _STRING) + _string(v) for k, v in replaced.items()
        ]
        header = head[:8] + struct.pack("<QQ", tensor_count, len(kept) + len(new_kvs))
        body = header + b"".join(kept + new_kvs) + tensor_infos
        padding = (-len(body)) % alignment
        with target.open("wb") as out:
            out.write(body + b"\x00" * padding)
            handle.seek(data_start)
            shutil.copyfileobj(handle, out, 1 << 22)
    return target


def _reader_at(handle: object, offset: int) -> _Reader:
    """A fresh reader positioned at `offset` (the old one's buffer was read past it)."""
    reader = _Reader(handle, 1 << 30)  # type: ignore[arg-type]
    reader.skip(offset)
    return reader


def nested_arrays(depth: int) -> bytes:
    """The bytes of one metadata value: an array holding an array ... `depth` deep."""
    return (
        struct.pack("<I", _ARRAY) + struct.pack("<IQ", _ARRAY, 1) * depth + struct.pack("<IQ", 4, 0)
    )
