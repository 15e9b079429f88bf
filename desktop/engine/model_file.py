"""Is this file a GGUF model at all? Checked before llama.cpp sees it, with a message to act on."""

from __future__ import annotations

from pathlib import Path

from desktop.errors import ModelError

GGUF_MAGIC = b"GGUF"


def check_gguf(path: Path) -> None:
    """Fail early, with a message a user can act on, before llama.cpp sees the file."""
    if not path.exists():
        raise ModelError(
            f"Model file not found: {path}. Choose a .gguf file (File > Choose model)."
        )
    if not path.is_file():
        raise ModelError(f"{path} is a folder, not a model file. Choose a .gguf file.")
    try:
        with path.open("rb") as handle:
            magic = handle.read(4)
    except OSError as exc:
        raise ModelError(f"Cannot read the model file {path}: {exc.strerror}.") from exc
    if magic != GGUF_MAGIC:
        raise ModelError(
            f"{path.name} is not a GGUF model (it does not start with the GGUF signature). "
            "Pick a quantized .gguf file made for llama.cpp."
        )
