"""Value types shared by every engine backend. No Qt, no llama_cpp."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

ChatRole = Literal["system", "user", "assistant"]


@dataclass(frozen=True)
class Message:
    role: ChatRole
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class GenerationParams:
    max_tokens: int = 256
    temperature: float = 0.7
    top_p: float = 0.9
    repeat_penalty: float = 1.1
    seed: int | None = None  # None: a new draft on every request (Regenerate differs)
    stop: tuple[str, ...] = field(default=())
    # A GBNF grammar the reply must follow ("" for none); an engine that cannot constrain
    # sampling ignores it, so callers check the text as well.
    grammar: str = ""


@dataclass(frozen=True)
class ModelInfo:
    """What the status bar, About dialog and `--json` output say about the loaded model."""

    path: Path
    name: str
    chat_format: str  # "gguf-template" or the fallback's name
    context_tokens: int
    trained_context_tokens: int
    size_bytes: int
    load_seconds: float
    cpu_variant: str = ""  # llama.cpp's CPU code in use ("built-in" for a static build)
    cpu_variant_reason: str = ""  # why that one: probed, remembered, forced
    notice: str = ""  # something the status bar should say once (e.g. a CPU fallback)
