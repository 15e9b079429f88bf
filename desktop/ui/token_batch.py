"""Streamed text handed to the window at most once a frame, not once a token.

Each delta crosses threads as a queued signal and runs four slots before the draft editor
lays out and repaints: at 100+ tokens a second that is most of what the GUI thread does while
a draft streams. Coalescing to one update per FRAME_S (60 Hz) halves that work on a fast model
and changes nothing on a slow one, whose tokens are already further apart. No Qt here.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

FRAME_S = 0.016  # one frame at 60 Hz


class TokenBatcher:
    """Joins deltas fed within FRAME_S of the last emission; the first one goes out at once.

    Text waits at most until the next delta (or `flush`), so a held delta is late by less
    than one token's time, and only when tokens come faster than a frame.
    """

    def __init__(
        self,
        emit: Callable[[str], Any],
        interval_s: float = FRAME_S,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._emit = emit
        self._interval = interval_s
        self._clock = clock
        self._pending: list[str] = []
        self._last = float("-inf")

    def feed(self, text: str) -> None:
        self._pending.append(text)
        now = self._clock()
        if now - self._last >= self._interval:
            self._send(now)

    def flush(self) -> None:
        """Send what is held: before any other news of the request (a draft, the end)."""
        self._send(self._clock())

    def then(self, emit: Callable[..., Any]) -> Callable[..., None]:
        """`emit`, called only after the held text went out (signals arrive in order)."""

        def flushed(*args: Any) -> None:
            self.flush()
            emit(*args)

        return flushed

    def _send(self, now: float) -> None:
        if self._pending:
            text = "".join(self._pending)
            self._pending.clear()
            self._last = now
            if text:
                self._emit(text)
