"""Keeping what was read: llama.cpp KV states of prompt prefixes, least recently used first out.

A topic's system message (instructions + canned bodies) is ~400-800 tokens that take seconds
to read on a small CPU; its KV state is ~22 KB a token for the default model (f16 cells) and
loads in milliseconds. The cache is bounded in bytes, so its share of the app's memory is known
(see the README, "Speed"). Shorter prefixes are re-read faster than a lookup pays for. No
llama_cpp here: `engine.llama` saves and loads the states.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

# Two full free-mode groundings (about 16 MB each) or many adapt-mode ones (~3 MB each).
STATE_CACHE_BYTES = 40 * 1024 * 1024
MIN_KEPT_TOKENS = 32


@dataclass(frozen=True)
class KeptState:
    """llama.cpp's state (the KV cells of a prompt prefix) and the tokens it holds.

    `data` is the very buffer llama.cpp wrote into (a bytearray: no second copy is made).
    """

    tokens: tuple[int, ...]
    data: bytes | bytearray


class StateCache:
    """Least-recently-used KV states keyed by the prompt prefix they hold, bounded in bytes."""

    def __init__(self, capacity_bytes: int) -> None:
        self.capacity_bytes = capacity_bytes
        self._states: dict[tuple[int, ...], KeptState] = {}
        self._size = 0
        self.hits = 0

    def __contains__(self, key: tuple[int, ...]) -> bool:
        return key in self._states

    def __len__(self) -> int:
        return len(self._states)

    @property
    def size_bytes(self) -> int:
        return self._size

    def get(self, key: tuple[int, ...]) -> KeptState | None:
        state = self._states.pop(key, None)
        if state is not None:
            self._states[key] = state  # most recently used last
            self.hits += 1
        return state

    def longest_prefix(
        self, tokens: Sequence[int]
    ) -> tuple[tuple[int, ...], KeptState | None, int]:
        """The kept prefix sharing the longest start with `tokens`: key, state, shared length.

        A draft grounded on [A, B, C] can start from the state of [A] alone (read ahead, or an
        earlier draft): only what follows A is read. Not a use until the caller `get`s it.
        """
        best: tuple[tuple[int, ...], KeptState | None, int] = ((), None, 0)
        for key, state in self._states.items():
            shared = shared_length(key, tokens)
            if shared > best[2]:
                best = (key, state, shared)
        return best

    def put(self, key: tuple[int, ...], state: KeptState) -> None:
        if len(state.data) > self.capacity_bytes:
            return
        self._drop(key)
        self._states[key] = state
        self._size += len(state.data)
        while self._size > self.capacity_bytes:
            self._drop(next(iter(self._states)))

    def room_for(self, size: int) -> None:
        """Evict the oldest states until `size` more bytes fit.

        Called before a state is saved, so old and new are never held together beyond the bound.
        """
        while self._states and self._size + size > self.capacity_bytes:
            self._drop(next(iter(self._states)))

    def discard(self, key: tuple[int, ...]) -> None:
        self._drop(key)

    def clear(self) -> None:
        self._states.clear()
        self._size = 0

    def _drop(self, key: tuple[int, ...]) -> None:
        state = self._states.pop(key, None)
        if state is not None:
            self._size -= len(state.data)


def shared_length(a: Sequence[int], b: Sequence[int]) -> int:
    """How many leading items `a` and `b` have in common."""
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
