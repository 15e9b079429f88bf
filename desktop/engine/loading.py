"""Load the configured model: the one place that turns Settings into an Engine. No Qt.

`engine.llama` (and with it llama_cpp) is imported only when a local model is actually
loaded, so modules that merely refer to loading (the CLI's parser, the window's wiring) stay
light. A server engine is used only when `server_url` is set: the offline default opens no
connection at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path

from desktop import native_loading
from desktop.engine import model_facts
from desktop.engine.api_key import get_api_key
from desktop.engine.base import Engine
from desktop.engine.gguf_header import GGUFError, read_header
from desktop.engine.machine_memory import Memory, memory
from desktop.engine.openai_server import ServerEngine
from desktop.engine.types import GenerationParams, Message, ModelInfo
from desktop.errors import ModelError
from desktop.settings import Settings

GIB = 1024**3


def load_engine(
    settings: Settings,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
) -> Engine:
    """The team server when one is configured and up, else the local GGUF (slow: off the GUI).

    A configured server that is down at load falls back to the local model, and the engine's
    `info.notice` says so. `progress`/`cancel` apply to loading a local model.
    """
    if settings.server_url:
        try:
            return ServerEngine(
                settings.server_url,
                settings.server_model,
                get_api_key(settings.server_url),
                context_tokens=settings.context_tokens,
            )
        except ModelError as exc:
            local = load_local(settings, progress, cancel)
            notice = f"Model server unavailable, drafting with the local model instead: {exc}"
            return WithNotice(local, notice.rstrip("."))
    return load_local(settings, progress, cancel)


def load_local(
    settings: Settings,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    machine: Memory | None = None,
) -> Engine:
    """Load the configured GGUF with its per-model settings, after checking it can run here."""
    with native_loading.LOADING:  # dlopens libllama: not while another thread scans libraries
        from desktop.engine.llama import LlamaEngine

    path = settings.resolved_model_path()
    chosen = settings.for_model(settings.model_path or str(path))
    check_before_loading(path, chosen.context_tokens, machine)
    return LlamaEngine(
        path,
        context_tokens=chosen.context_tokens,
        threads=chosen.threads,
        cpu_variant=chosen.cpu_variant,
        threads_batch=chosen.threads_batch,
        batch_tokens=chosen.batch_tokens,
        gpu_layers=chosen.gpu_layers,
        progress=progress,
        cancel=cancel,
    )


def check_before_loading(path: Path, context_tokens: int, machine: Memory | None = None) -> None:
    """Refuse, with the reason, a model this llama.cpp cannot run or this machine cannot hold.

    Files whose header cannot be read are left to llama.cpp, whose own message is kept.
    """
    try:
        header = read_header(path)
        size = path.stat().st_size
    except (GGUFError, OSError):
        return
    problem = model_facts.unsupported_reason(header, path.name)
    if problem:
        raise ModelError(f"{path.name} cannot be used for drafting: it is {problem}.")
    need = model_facts.memory_needed(header, size, context_tokens)
    machine = machine or memory()
    if machine.available_bytes and need > machine.available_bytes:
        raise ModelError(
            f"{path.name} needs about {need / GIB:.1f} GiB of memory at a {context_tokens}-token "
            f"context; this computer has {machine.available_bytes / GIB:.1f} GiB free. Close "
            "other programs, lower the context size, or pick a smaller model or quantization."
        )


class WithNotice:
    """An engine whose `info.notice` carries one more message (a fallback, a warning)."""

    def __init__(self, engine: Engine, notice: str) -> None:
        self._engine = engine
        joined = f"{engine.info.notice}. {notice}" if engine.info.notice else notice
        self._info = replace(engine.info, notice=joined)

    @property
    def info(self) -> ModelInfo:
        return self._info

    def count_tokens(self, text: str) -> int:
        return self._engine.count_tokens(text)

    def count_prompt_tokens(self, messages: Sequence[Message]) -> int:
        return self._engine.count_prompt_tokens(messages)

    def stream(
        self, messages: Sequence[Message], params: GenerationParams, cancel: threading.Event
    ) -> Iterator[str]:
        return self._engine.stream(messages, params, cancel)

    def close(self) -> None:
        self._engine.close()
