"""Is this file a GGUF model at all? Checked before llama.cpp sees it, with a message to act on."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import BinaryIO

from desktop.errors import ModelError

GGUF_MAGIC = b"GGUF"


class NotRegularFileError(OSError):
    """A pipe, socket or device where a model file was expected."""


def open_regular(path: Path) -> BinaryIO:
    """Open `path` for reading only if it is a regular file.

    Opening a FIFO for reading blocks until a writer comes, and Ctrl+C cannot end that wait
    (issue 22): the open never blocks here (O_NONBLOCK), and anything but a regular file is
    refused before a byte is read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise NotRegularFileError(f"{path} is not a regular file")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_gguf(path: Path) -> None:
    """Fail early, with a message a user can act on, before llama.cpp sees the file."""
    if not path.exists():
        raise ModelError(
            f"Model file not found: {path}. Choose a .gguf file (File > Choose model)."
        )
    if path.is_dir():
        raise ModelError(f"{path} is a folder, not a model file. Choose a .gguf file.")
    if not path.is_file():
        raise ModelError(
            f"{path} is not a regular file (a pipe, socket or device); a model must be a "
            ".gguf file on disk."
        )
    try:
        with open_regular(path) as handle:
            magic = handle.read(4)
    except NotRegularFileError as exc:
        raise ModelError(f"{exc}; a model must be a .gguf file on disk.") from exc
    except OSError as exc:
        raise ModelError(f"Cannot read the model file {path}: {exc.strerror}.") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(
            f"{path.name} is not a GGUF model (it does not start with the GGUF signature). "
            "Pick a quantized .gguf file made for llama.cpp."
        )
