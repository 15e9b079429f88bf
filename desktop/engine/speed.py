"""Expected speed of a model on this machine, from a short warm-up, measured once per file.

The catalog says what fits in memory; only running a model says how fast it drafts. A warm-up
loads it (with progress and cancel), reads a fixed prompt, greedily decodes DECODE_TOKENS and
unloads it: seconds for a small model. Results are cached by (path, size, mtime, llama.cpp CPU
variant) in the user cache folder, so a file is measured once per machine and CPU code.

`measure()` is plain blocking code: the picker runs it on a worker thread, the CLI directly.
llama.cpp is imported only when a measurement is needed: listing cached speeds stays cheap.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from desktop import paths
from desktop.engine.model_cache import ModelFileCache
from desktop.engine.types import Message
from desktop.errors import LoadCancelledError

logger = logging.getLogger(__name__)

CACHE_FILE = "model-speed.json"
CACHE_VERSION = 1
DECODE_TOKENS = 16
CONTEXT_TOKENS = 512  # enough for the prompt and the decode; a small KV cache loads fast
PROMPT = (
    Message("system", "You are a helpful customer support assistant. Answer briefly."),
    Message("user", "Hello, I would like to check the status of my order 48213, please."),
)


@dataclass(frozen=True)
class Speed:
    """Tokens per second: reading a prompt, and writing a reply (what a draft waits on)."""

    prompt_tps: float
    decode_tps: float
    measured_at: float  # Unix time
    cpu_variant: str = ""

    def as_json(self) -> dict[str, float]:
        return {
            "prompt_tps": round(self.prompt_tps, 1),
            "decode_tps": round(self.decode_tps, 1),
            "measured_at": self.measured_at,
        }

    @property
    def label(self) -> str:
        digits = 1 if self.decode_tps < 10 else 0  # a slow machine still reads as non-zero
        return f"≈ {self.decode_tps:.{digits}f} tokens/s"


class SpeedCache:
    """Measured speeds per model file (engine/model_cache.py).

    A file keeps one result per CPU variant: a different llama.cpp CPU code runs at a
    different speed, and switching back should not need a new measurement.
    """

    def __init__(self, path: Path | None = None) -> None:
        self._cache = ModelFileCache(CACHE_FILE, CACHE_VERSION, path)
        self.path = self._cache.path

    def get(self, model: Path, cpu_variant: str | None = None) -> Speed | None:
        """The speed measured for `model` as it is now; with no variant named, the latest."""
        hit = self._cache.entry(model)
        if hit is None:
            return None
        found: list[Speed] = []
        for variant, data in dict(hit.get("speeds", {})).items():
            if cpu_variant is not None and variant != cpu_variant:
                continue
            try:
                found.append(Speed(**data))
            except TypeError:
                continue
        return max(found, key=lambda s: s.measured_at, default=None)

    def put(self, model: Path, speed: Speed) -> None:
        hit = self._cache.entry(model) or {}
        speeds = {**dict(hit.get("speeds", {})), speed.cpu_variant: asdict(speed)}
        self._cache.update(model, {"speeds": speeds})


def measure(
    model: Path,
    progress: Callable[[float], None] | None = None,
    cancel: threading.Event | None = None,
    cpu_variant: str = "",
    cache: SpeedCache | None = None,
) -> Speed:
    """The speed of `model` here: from the cache, or measured now (blocking: seconds).

    `progress(fraction)` follows the load; a set `cancel` aborts it (LoadCancelledError).
    Raises ModelError when the file cannot be loaded. `cpu_variant` forces llama.cpp's CPU
    code as the cpu_variant setting does.
    """
    from desktop.engine import llama  # llama.cpp only when something is measured

    cache = cache or SpeedCache()
    default = paths.default_model_path()
    backend = llama.load_cpu_backend(default if default.is_file() else model, cpu_variant)
    known = cache.get(model, backend.variant)
    if known is not None:
        return known
    engine = llama.LlamaEngine(
        model,
        context_tokens=CONTEXT_TOKENS,
        cpu_variant=cpu_variant,
        progress=progress,
        cancel=cancel,
        state_cache_bytes=0,
    )
    try:
        if cancel is not None and cancel.is_set():
            raise LoadCancelledError(f"Measuring {model.name} was cancelled.")
        timings = llama.raw_timings(engine, engine.prompt_token_ids(PROMPT), DECODE_TOKENS)
    finally:
        engine.close()
    speed = Speed(
        prompt_tps=timings.prompt_tokens / timings.prompt_s if timings.prompt_s > 0 else 0.0,
        decode_tps=timings.decode_tps,
        measured_at=time.time(),
        cpu_variant=backend.variant,
    )
    logger.info(
        "%s: %.0f prompt tokens/s, %.1f decode tokens/s (%s)",
        model.name,
        speed.prompt_tps,
        speed.decode_tps,
        speed.cpu_variant,
    )
    cache.put(model, speed)
    return speed
