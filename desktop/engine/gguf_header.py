"""Read a GGUF file's header (metadata and tensor shapes) without llama.cpp and without the weights.

The model picker lists dozens of multi-gigabyte files, so it reads only what precedes the
weights: magic, version, counts, the typed key/value metadata and the tensor descriptions.
Large arrays (a tokenizer's 150,000-word vocabulary) are skipped, not decoded, and the whole
read is capped, so a hostile or damaged file costs at most `MAX_HEADER_BYTES` and never hangs.

Format: https://github.com/ggml-org/ggml/blob/master/docs/gguf.md (versions 2 and 3, which
share a layout; version 1's 32-bit counts predate every GGUF in use and are refused).
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from desktop.engine.model_file import NotRegularFileError, open_regular

MAGIC = b"GGUF"
MAX_HEADER_BYTES = 256 * 1024 * 1024  # the largest tokenizers take ~20 MiB; weights follow
MAX_DECODED_ARRAY = 64  # arrays up to this length are decoded; longer ones are only counted
MAX_STRING_BYTES = 4 * 1024 * 1024  # a chat template is ~10 KiB; a longer string is damage
MAX_TENSORS = 1_000_000
MAX_DIMS = 8
MAX_NESTING = 64  # arrays of arrays: real files use 2 levels at most; deeper is damage or attack

# GGUF value types: (struct format, size) for the fixed-size ones.
_FIXED: dict[int, tuple[str, int]] = {
    0: ("<B", 1),  # uint8
    1: ("<b", 1),  # int8
    2: ("<H", 2),  # uint16
    3: ("<h", 2),  # int16
    4: ("<I", 4),  # uint32
    5: ("<i", 4),  # int32
    6: ("<f", 4),  # float32
    7: ("<?", 1),  # bool
    10: ("<Q", 8),  # uint64
    11: ("<q", 8),  # int64
    12: ("<d", 8),  # float64
}
_STRING = 8
_ARRAY = 9

Value = int | float | bool | str | list["Value"]


class GGUFError(ValueError):
    """The file is not a GGUF this reader understands, or its header is damaged."""


@dataclass(frozen=True)
class SkippedArray:
    """A metadata array too long to decode: its element type and length only."""

    item_type: int
    length: int


@dataclass(frozen=True)
class TensorInfo:
    name: str
    shape: tuple[int, ...]
    ggml_type: int

    @property
    def elements(self) -> int:
        count = 1
        for dim in self.shape:
            count *= dim
        return count


@dataclass(frozen=True)
class GGUFHeader:
    version: int
    metadata: dict[str, Value | SkippedArray]
    tensors: tuple[TensorInfo, ...] = field(default=())
    header_bytes: int = 0  # where the header ended (the weights start after alignment)

    def get(self, key: str) -> Value | SkippedArray | None:
        return self.metadata.get(key)

    def get_str(self, key: str) -> str | None:
        value = self.metadata.get(key)
        return value if isinstance(value, str) else None

    def get_int(self, key: str) -> int | None:
        value = self.metadata.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    @property
    def architecture(self) -> str:
        return self.get_str("general.architecture") or ""

    def arch_int(self, suffix: str) -> int | None:
        """An architecture-scoped integer such as `llama.context_length`."""
        return self.get_int(f"{self.architecture}.{suffix}")


class _Reader:
    """Buffered little-endian reads with a hard cap on how far into the file it may go."""

    CHUNK = 1 << 20

    def __init__(self, handle: BinaryIO, limit: int) -> None:
        self._handle = handle
        self._limit = limit
        self._buffer = b""
        self._start = 0  # file offset of _buffer[0]
        self._pos = 0  # offset into _buffer

    @property
    def offset(self) -> int:
        return self._start + self._pos

    def _fill(self, need: int) -> None:
        if self.offset + need > self._limit:
            raise GGUFError(f"header larger than {self._limit // (1 << 20)} MiB: damaged file")
        self._buffer = self._buffer[self._pos :]
        self._start += self._pos
        self._pos = 0
        while len(self._buffer) < need:
            room = self._limit - (self._start + len(self._buffer))  # never read past the cap
            chunk = self._handle.read(min(room, max(self.CHUNK, need - len(self._buffer))))
            if not chunk:
                raise GGUFError("file ends inside its header: truncated")
            self._buffer += chunk

    def take(self, size: int) -> bytes:
        if self._pos + size > len(self._buffer):
            self._fill(size)
        data = self._buffer[self._pos : self._pos + size]
        self._pos += size
        return data

    def skip(self, size: int) -> None:
        if self._pos + size <= len(self._buffer):
            self._pos += size
            return
        target = self.offset + size
        if target > self._limit:
            raise GGUFError(f"header larger than {self._limit // (1 << 20)} MiB: damaged file")
        self._handle.seek(target)
        self._buffer, self._start, self._pos = b"", target, 0

    def unpack(self, fmt: str, size: int) -> int | float | bool:
        value: int | float | bool = struct.unpack(fmt, self.take(size))[0]
        return value

    def u32(self) -> int:
        return int(self.unpack("<I", 4))

    def u64(self) -> int:
        return int(self.unpack("<Q", 8))

    def string(self) -> str:
        length = self.u64()
        if length > MAX_STRING_BYTES:
            raise GGUFError(f"a {length}-byte string in the header: damaged file")
        return self.take(length).decode("utf-8", errors="replace")

    def skip_strings(self, count: int) -> None:
        """Skip `count` length-prefixed strings (a vocabulary): the hot loop of a header read."""
        unpack_from = struct.unpack_from
        for _ in range(count):
            if self._pos + 8 > len(self._buffer):
                self._fill(8)
            (length,) = unpack_from("<Q", self._buffer, self._pos)
            if length > MAX_STRING_BYTES:
                raise GGUFError(f"a {length}-byte string in the header: damaged file")
            end = self._pos + 8 + length
            if end <= len(self._buffer):
                self._pos = end
            else:
                self._pos += 8
                self.skip(length)


def _value(reader: _Reader, value_type: int) -> Value | SkippedArray:
    fixed = _FIXED.get(value_type)
    if fixed is not None:
        return reader.unpack(*fixed)
    if value_type == _STRING:
        return reader.string()
    if value_type != _ARRAY:
        raise GGUFError(f"unknown metadata value type {value_type}")
    item_type, length = reader.u32(), reader.u64()
    if length <= MAX_DECODED_ARRAY and item_type != _ARRAY:
        items: list[Value] = []
        for _ in range(length):
            item = _value(reader, item_type)
            assert not isinstance(item, SkippedArray)  # nested arrays never get here
            items.append(item)
        return items
    _skip_items(reader, item_type, length)
    return SkippedArray(item_type, length)


def _skip_items(reader: _Reader, item_type: int, length: int) -> None:
    """Skip an array's items without recursion: a file may nest arrays 100,000 deep."""
    pending = [(item_type, length)]  # per open array: its item type, items still to skip
    while pending:
        item_type, length = pending.pop()
        fixed = _FIXED.get(item_type)
        if fixed is not None:
            reader.skip(fixed[1] * length)
        elif item_type == _STRING:
            reader.skip_strings(length)
        elif item_type == _ARRAY:
            if length:
                pending.append((_ARRAY, length - 1))  # the siblings after this one
                if len(pending) > MAX_NESTING:
                    raise GGUFError(f"metadata arrays nested over {MAX_NESTING} deep: damaged file")
                pending.append((reader.u32(), reader.u64()))
        else:
            raise GGUFError(f"unknown metadata array type {item_type}")


def read_header(path: Path, limit: int = MAX_HEADER_BYTES, tensors: bool = True) -> GGUFHeader:
    """Parse the header of the GGUF at `path`; raise GGUFError when it is not a readable GGUF."""
    try:
        with open_regular(path) as handle:
            return _parse(_Reader(handle, limit), tensors)
    except NotRegularFileError as exc:
        raise GGUFError("not a regular file (a pipe, socket or device)") from exc
    except struct.error as exc:  # pragma: no cover - _Reader always hands struct enough bytes
        raise GGUFError(f"damaged header: {exc}") from exc


def _parse(reader: _Reader, with_tensors: bool) -> GGUFHeader:
    try:
        magic = reader.take(4)
    except GGUFError:
        raise GGUFError("not a GGUF file (too short)") from None
    if magic != MAGIC:
        raise GGUFError("not a GGUF file (no GGUF signature)")
    version = reader.u32()
    if version not in (2, 3):
        if version & 0xFFFFFF == 0 and version >> 24 in (2, 3):  # byte-swapped 2 or 3
            raise GGUFError("big-endian GGUF: this build of llama.cpp reads little-endian only")
        raise GGUFError(f"GGUF version {version} is not supported (2 and 3 are)")
    tensor_count, kv_count = reader.u64(), reader.u64()
    if tensor_count > MAX_TENSORS or kv_count > MAX_TENSORS:
        raise GGUFError("implausible tensor or metadata count: damaged file")
    metadata: dict[str, Value | SkippedArray] = {}
    for _ in range(kv_count):
        key = reader.string()
        metadata[key] = _value(reader, reader.u32())
    infos: list[TensorInfo] = []
    if with_tensors:
        for _ in range(tensor_count):
            name = reader.string()
            n_dims = reader.u32()
            if n_dims > MAX_DIMS:
                raise GGUFError(f"tensor {name} has {n_dims} dimensions: damaged file")
            shape = tuple(reader.u64() for _ in range(n_dims))
            ggml_type = reader.u32()
            reader.skip(8)  # data offset
            infos.append(TensorInfo(name, shape, ggml_type))
    return GGUFHeader(version, metadata, tuple(infos), reader.offset)
