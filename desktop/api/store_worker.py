"""Library reads and feedback writes for the API, on one thread with one connection. No Qt.

SQLite connections belong to the thread that opened them, and the server's request handlers
run wherever the event loop or its thread pool puts them; a single-thread executor gives the
API one connection of its own (besides the generation worker's) and keeps writes in order.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from desktop.store.library import Library

T = TypeVar("T")


class StoreWorker:
    def __init__(self, library_factory: Callable[[], Library]) -> None:
        self._library_factory = library_factory
        self._library: Library | None = None  # touched only on the executor's thread
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="api-store")

    def _with_library(self, work: Callable[[Library], T]) -> T:
        if self._library is None:
            self._library = self._library_factory()
        return work(self._library)

    async def run(self, work: Callable[[Library], T]) -> T:
        """Run `work(library)` on the store thread without blocking the event loop."""
        future = self._executor.submit(self._with_library, work)
        return await asyncio.wrap_future(future)

    def stop(self) -> None:
        def close() -> None:
            if self._library is not None:
                self._library.close()
                self._library = None

        self._executor.submit(close).result(timeout=10)
        self._executor.shutdown(wait=True)
