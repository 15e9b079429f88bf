"""Read a text file the user handed us: size-capped, UTF-8 (BOM or not), clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

from desktop.errors import InputError


def size_text(size: int) -> str:
    """A byte count for a message: 400,000 is "400 KB", not "0 MB"."""
    if size >= 1_000_000:
        return f"{size / 1_000_000:g} MB"
    if size >= 1_000:
        return f"{size / 1_000:g} KB"
    return f"{size} bytes"


def read_text(
    source: Path | BinaryIO,
    limit: int,
    error: type[InputError] = InputError,
    hint: str = "",
) -> str:
    """The decoded text of `source` (a path or an open binary stream such as stdin).

    Reads at most `limit` bytes plus one, so a huge file is refused without loading it.
    Errors are `error` (an InputError) naming the file and what to do; `hint` is added to the
    too-large message.
    """
    name = source.name if isinstance(source, Path) else "The input"
    try:
        if isinstance(source, Path):
            with source.open("rb") as handle:
                data = handle.read(limit + 1)
        else:
            data = source.read(limit + 1)
    except OSError as exc:
        raise error(f"Cannot read {source}: {exc.strerror}.") from exc
    if len(data) > limit:
        raise error(f"{name} is larger than {size_text(limit)}{hint}.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise error(
            f"{name} is not UTF-8 text (byte {exc.start}); save it as UTF-8 and try again."
        ) from exc
