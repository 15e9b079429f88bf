"""Speed figures the engine reports: its own stream's token clock and raw llama.cpp's. No Qt."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class StreamStats:
    """The last stream's own clock: tokens decoded, and when the first and last one came out.

    Taken where the text leaves the engine; the caller's work on each piece (the stream guards,
    the signal to the window) falls between two tokens, so it is inside the span.
    """

    tokens: int = 0
    first_at: float = 0.0
    last_at: float = 0.0

    @property
    def decode_tps(self) -> float:
        span = self.last_at - self.first_at
        return (self.tokens - 1) / span if self.tokens > 1 and span > 0 else 0.0


@dataclass(frozen=True)
class RawTimings:
    """llama.cpp's own speed on this machine: what the app's figures are compared with."""

    prompt_tokens: int
    prompt_s: float  # reading the prompt and sampling the first token
    decode_tokens: int
    decode_s: float

    @property
    def decode_tps(self) -> float:
        return self.decode_tokens / self.decode_s if self.decode_s > 0 else 0.0
