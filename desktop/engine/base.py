"""The engine interface: what the app needs from any backend (llama.cpp now, a server later)."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from typing import Protocol

from desktop.engine.types import GenerationParams, Message, ModelInfo


class Engine(Protocol):
    """A loaded model. Used from one thread at a time (the generation worker's)."""

    @property
    def info(self) -> ModelInfo: ...

    def count_tokens(self, text: str) -> int:
        """Tokens in plain text, with the model's own tokenizer."""
        ...

    def count_prompt_tokens(self, messages: Sequence[Message]) -> int:
        """Tokens of the full prompt these messages become under the model's chat template."""
        ...

    def stream(
        self, messages: Sequence[Message], params: GenerationParams, cancel: threading.Event
    ) -> Iterator[str]:
        """Yield text deltas; stop between tokens as soon as `cancel` is set.

        When the last message is the assistant's, the reply continues that text (which is
        not repeated in the deltas): how a draft is started with the agent's own greeting.
        """
        ...

    def close(self) -> None:
        """Free the model's memory."""
        ...
