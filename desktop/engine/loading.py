"""Load the configured model: the one place that turns Settings into an Engine. No Qt.

`engine.llama` (and with it llama_cpp) is imported only when a model is actually loaded, so
modules that merely refer to loading (the CLI's parser, the window's wiring) stay light.
"""

from __future__ import annotations

from desktop.engine.base import Engine
from desktop.settings import Settings


def load_engine(settings: Settings) -> Engine:
    """Load the configured GGUF (slow: call it off the GUI thread)."""
    from desktop.engine.llama import LlamaEngine

    return LlamaEngine(
        settings.resolved_model_path(),
        context_tokens=settings.context_tokens,
        threads=settings.threads,
        cpu_variant=settings.cpu_variant,
    )
