"""One model for every API request, one generation at a time, on a thread of its own. No Qt.

The llama server's pattern (one model, a lock around generation, cancel between chunks) with a
bounded queue in front: a request waits its turn while `max_waiting` others wait, and beyond that
is refused at once (HTTP 503) instead of piling up. A client that goes away sets its job's
cancel flag; a job still waiting is then skipped, a running one stops at the next token.
The worker thread owns the engine and its own library connection (SQLite connections belong
to their thread), and closes both when stopped.
"""

from __future__ import annotations

import dataclasses
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from desktop.drafting.options import DraftOptions
from desktop.drafting.pipeline import Suggester, load_system_prompt
from desktop.drafting.results import ReadyReply
from desktop.drafting.serialise import draft_json, suggestion_json
from desktop.engine.base import Engine
from desktop.errors import AgentAssistError
from desktop.settings import Settings
from desktop.store.library import Library
from desktop.transcript import Transcript

logger = logging.getLogger(__name__)

# Where a job's events go: (event name, JSON-able data). Called on the worker thread.
Emit = Callable[[str, Any], None]
EngineFactory = Callable[[], Engine]


class BusyError(Exception):
    """Too many suggestions are already waiting; the client should try again shortly."""


@dataclass(eq=False)  # jobs are kept in a set: by identity
class Job:
    transcript: Transcript
    options: DraftOptions
    emit: Emit
    seed: int | None = None
    cancel: threading.Event = field(default_factory=threading.Event)


class GenerationWorker:
    """Runs suggestions one after another on its own thread; see the module docstring."""

    def __init__(
        self,
        settings: Settings,
        library_factory: Callable[[], Library],
        engine_factory: EngineFactory,
        max_waiting: int = 4,
    ) -> None:
        self._settings = settings
        self._library_factory = library_factory
        self._engine_factory = engine_factory
        self._jobs: queue.Queue[Job | None] = queue.Queue(maxsize=max_waiting)
        self._pending: set[Job] = set()
        self._lock = threading.Lock()
        self._closed = False
        self._loaded = threading.Event()
        self.model = ""
        self.load_error = ""
        self._thread = threading.Thread(target=self._run, name="api-generation", daemon=True)
        self._thread.start()

    def wait_loaded(self, timeout: float | None = None) -> bool:
        """True once the model is loaded (or failed to load: see `load_error`)."""
        return self._loaded.wait(timeout)

    def submit(self, job: Job) -> None:
        """Queue a job; raises BusyError when the queue is full or the worker is stopping."""
        with self._lock:
            if self._closed:
                raise BusyError("the API is stopping")
            try:
                self._jobs.put_nowait(job)
            except queue.Full:
                raise BusyError("too many suggestions waiting") from None
            self._pending.add(job)

    def stop(self, timeout: float = 10.0) -> None:
        """Cancel every job, let the thread drain the queue, free the model."""
        with self._lock:
            self._closed = True
            for job in self._pending:
                job.cancel.set()
        self._jobs.put(None)  # the waiting jobs are cancelled: the queue drains quickly
        self._thread.join(timeout)

    def _run(self) -> None:
        engine: Engine | None = None
        library: Library | None = None
        try:
            try:
                library = self._library_factory()
                engine = self._engine_factory()
                self.model = engine.info.name
            except Exception as exc:
                logger.exception("API: could not load the model or the library")
                self.load_error = str(exc)
            self._loaded.set()
            while (job := self._jobs.get()) is not None:
                try:
                    if job.cancel.is_set():
                        job.emit("done", {"finish_reason": "cancelled"})
                    elif engine is None or library is None:
                        job.emit("error", {"message": f"No model: {self.load_error}"})
                    else:
                        self._suggest(job, Suggester(engine, library.repo, self._settings,
                                                     load_system_prompt()))  # fmt: skip
                finally:
                    with self._lock:
                        self._pending.discard(job)
        finally:
            self._loaded.set()
            if engine is not None:
                engine.close()
            if library is not None:
                library.close()

    def _suggest(self, job: Job, suggester: Suggester) -> None:
        params = suggester.params()
        if job.seed is not None:
            params = dataclasses.replace(params, seed=job.seed)

        def on_ready(ready: ReadyReply | None) -> None:
            job.emit("ready", ready.as_json() if ready else None)

        try:
            result = suggester.suggest(
                job.transcript,
                job.cancel,
                lambda text: job.emit("token", {"text": text}),
                options=job.options,
                params=params,
                on_ready=on_ready,
                on_draft=lambda draft: job.emit("draft", draft_json(draft)),
                on_alternative=lambda draft: job.emit("alternative", draft_json(draft)),
            )
        except AgentAssistError as exc:
            job.emit("error", {"message": str(exc)})
            return
        except Exception as exc:
            logger.exception("API: suggestion failed")
            job.emit("error", {"message": f"Suggestion failed: {exc}"})
            return
        job.emit("done", suggestion_json(result, self.model))
