"""An engine that streams scripted text: only for tests of what the pipeline does with a crafted
model output (an invented phone number, a role break). The real model covers the same paths in
tests/test_suggest.py."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

from desktop.engine.types import GenerationParams, Message, ModelInfo


class ScriptedEngine:
    def __init__(self, *replies: str) -> None:
        self.replies = list(replies)
        self.requests: list[tuple[Message, ...]] = []
        self.info = ModelInfo(Path("scripted.gguf"), "scripted", "test", 4096, 4096, 0, 0.0)

    def count_tokens(self, text: str) -> int:
        return len(text.split())

    def count_prompt_tokens(self, messages: Sequence[Message]) -> int:
        return sum(len(m.content.split()) + 4 for m in messages)

    def stream(
        self, messages: Sequence[Message], params: GenerationParams, cancel: threading.Event
    ) -> Iterator[str]:
        self.requests.append(tuple(messages))
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        for word in reply.split(" "):
            if cancel.is_set():
                return
            yield word + " "

    def close(self) -> None:
        pass
