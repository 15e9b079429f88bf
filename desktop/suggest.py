"""The reply-suggestion pipeline shared by the window and the CLI. No Qt.

rank canned responses -> build and trim the prompt -> stream from the engine -> measure.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from desktop import paths
from desktop.drafting.prompts import Prompt, build_prompt
from desktop.engine.base import Engine
from desktop.engine.types import GenerationParams
from desktop.errors import InputError
from desktop.settings import Settings
from desktop.store import ranking
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.transcript import Transcript

FinishReason = Literal["stop", "length", "cancelled"]
# Room kept free beside the prompt and the reply: chat-template tokens the estimate can miss.
_CONTEXT_MARGIN = 32


@dataclass(frozen=True)
class SuggestionResult:
    text: str
    grounding: tuple[CannedResponse, ...]
    prompt_tokens: int
    completion_tokens: int
    first_token_s: float | None
    total_s: float
    finish_reason: FinishReason

    @property
    def tokens_per_s(self) -> float:
        streaming = self.total_s - (self.first_token_s or 0.0)
        return (
            (self.completion_tokens - 1) / streaming
            if self.completion_tokens > 1 and streaming > 0
            else 0.0
        )


def load_system_prompt() -> str:
    return (paths.resource_dir() / "prompts" / "system.txt").read_text(encoding="utf-8")


class Suggester:
    """Turns a conversation into a streamed, grounded reply draft."""

    def __init__(
        self, engine: Engine, repo: CannedRepository, settings: Settings, system_prompt: str
    ) -> None:
        self.engine = engine
        self.repo = repo
        self.settings = settings
        self.system_prompt = system_prompt

    def params(self) -> GenerationParams:
        return GenerationParams(
            max_tokens=self.settings.max_tokens, temperature=self.settings.temperature
        )

    def prepare(self, transcript: Transcript, pinned: Sequence[CannedResponse] = ()) -> Prompt:
        """Rank grounding (pinned responses first) and fit everything into the context."""
        if transcript.is_empty:
            raise InputError("The conversation is empty. Paste the customer's message first.")
        count = max(self.settings.grounding_count, len(pinned))
        pinned_ids = {p.id for p in pinned}
        ranked = [
            r
            for r in ranking.rank_for(self.repo, transcript, count + len(pinned))
            if r.id not in pinned_ids
        ]
        grounding = [*pinned, *ranked][:count]
        budget = self.engine.info.context_tokens - self.settings.max_tokens - _CONTEXT_MARGIN
        return build_prompt(
            self.system_prompt,
            transcript,
            grounding,
            self.engine.count_prompt_tokens,
            self.engine.count_tokens,
            budget,
        )

    def run(
        self,
        prompt: Prompt,
        cancel: threading.Event,
        on_text: Callable[[str], None],
        params: GenerationParams | None = None,
    ) -> SuggestionResult:
        """Stream the draft through `on_text`; returns the text and its measurements."""
        params = params or self.params()
        started = time.perf_counter()
        first: float | None = None
        parts: list[str] = []
        for delta in self.engine.stream(prompt.messages, params, cancel):
            if first is None:
                first = time.perf_counter() - started
            parts.append(delta)
            on_text(delta)
        total = time.perf_counter() - started
        text = "".join(parts)
        completion_tokens = self.engine.count_tokens(text) if text else 0
        reason: FinishReason = "stop"
        if cancel.is_set():
            reason = "cancelled"
        elif completion_tokens >= params.max_tokens:
            reason = "length"
        return SuggestionResult(
            text=text,
            grounding=prompt.grounding,
            prompt_tokens=prompt.tokens,
            completion_tokens=completion_tokens,
            first_token_s=first,
            total_s=total,
            finish_reason=reason,
        )
