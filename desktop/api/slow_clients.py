"""Bound what slow clients can hold: a time limit on request headers and bodies. No Qt.

uvicorn has no timeout for a request's headers, and every open connection counts toward its
concurrency limit: 64 clients that each send one header byte a minute would have every other
request (the window's own sidebar) answered 503 for as long as they liked (issue 22). Here:

- a connection must finish its request's headers within HEADER_SECONDS, and at most
  MAX_WAITING_HEADERS connections may be waiting for theirs; a newer one pushes the oldest out,
  so a client that sends its request at once always gets in;
- a request's body must arrive within BODY_SECONDS (`body_deadline`, used by the app's Guard).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol

HEADER_SECONDS = 10.0
BODY_SECONDS = 15.0
# Of the server's 64 connections: the rest stay for real requests. Half, not a quarter: a
# burst of 30 clients that connect at once on a busy machine may all still be waiting for
# their own headers, and at 16 the oldest of them was pushed out (connection reset).
MAX_WAITING_HEADERS = 32


class SlowBodyError(Exception):
    """The request body did not arrive in time."""


def header_limited_protocol(
    seconds: float | None = None, most_waiting: int | None = None
) -> type[H11Protocol]:
    """An h11 protocol class whose connections time out while their headers are incomplete.

    One class per server: its connections waiting for headers are counted together. The
    limits default to the module's (read when the server starts, so tests can shorten them).
    """
    timeout: float = HEADER_SECONDS if seconds is None else seconds
    most: int = MAX_WAITING_HEADERS if most_waiting is None else most_waiting
    waiting: dict[HeaderLimited, float] = {}  # insertion order: the oldest first

    class HeaderLimited(H11Protocol):
        _header_timer: asyncio.TimerHandle | None = None

        def _in_request(self) -> bool:
            cycle: Any = getattr(self, "cycle", None)
            return cycle is not None and not cycle.response_complete

        def _wait_for_headers(self) -> None:
            if self._header_timer is not None:
                return
            self._header_timer = self.loop.call_later(timeout, self._headers_too_slow)
            waiting[self] = time.monotonic()
            while len(waiting) > most:
                oldest = next(iter(waiting))
                oldest._close_waiting()

        def _headers_done(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
                self._header_timer = None
            waiting.pop(self, None)

        def _close_waiting(self) -> None:
            self._headers_done()
            if not self.transport.is_closing():
                self.transport.close()

        def _headers_too_slow(self) -> None:
            self._header_timer = None
            if not self._in_request():
                self._close_waiting()

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._wait_for_headers()

        def data_received(self, data: bytes) -> None:
            if not self._in_request():
                self._wait_for_headers()  # a keep-alive connection's next request
            super().data_received(data)
            if self._in_request():
                self._headers_done()

        def connection_lost(self, exc: Exception | None) -> None:
            self._headers_done()
            super().connection_lost(exc)

    return HeaderLimited


def body_deadline(seconds: float | None = None) -> float:
    """The loop time by which a request that starts now must have sent its whole body."""
    return asyncio.get_running_loop().time() + (BODY_SECONDS if seconds is None else seconds)


async def receive_by(receive: Any, deadline: float) -> Any:
    """`receive()`, or SlowBodyError once `deadline` (loop time) has passed."""
    remaining = deadline - asyncio.get_running_loop().time()
    try:
        return await asyncio.wait_for(receive(), max(remaining, 0.0))
    except TimeoutError as exc:
        raise SlowBodyError from exc
