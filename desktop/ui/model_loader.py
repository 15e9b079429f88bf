"""LoaderWorker: builds the next engine on its own thread while the current one keeps serving.

Switching models used to close the old engine on the generation thread, then load the new one
there: the window had no model for the whole load, and a failed load left it with none. Here
the new engine is built on a "model-loader" thread and handed to the generation thread only
once it loaded; the generation thread then closes the old one. A llama.cpp model is not tied to
the thread that loaded it (only one thread may use it at a time, which the handover keeps).

Both models are in memory for a moment. When the header says the new one would not fit beside
the old (desktop.engine.catalog's 80% headroom rule), the loader asks for room first: the old
engine is closed before loading, and if the new one then fails or is cancelled, the old
settings are loaded again so the app ends as it was.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Signal, Slot

from desktop.engine import model_facts
from desktop.engine.base import Engine
from desktop.engine.catalog import HEADROOM
from desktop.engine.gguf_header import GGUFError, read_header
from desktop.engine.machine_memory import memory
from desktop.errors import AgentAssistError, LoadCancelledError
from desktop.settings import Settings
from desktop.ui.background import Worker

logger = logging.getLogger(__name__)

EngineFactory = Callable[[Settings, Callable[[float], None] | None, threading.Event | None], Engine]
PROGRESS_STEP = 0.01  # llama.cpp reports ~270 steps for a small model; the bar needs ~100
ROOM_WAIT_S = 60.0


def fits_alongside(settings: Settings) -> bool:
    """Whether the model in `settings` fits in the memory free now, beside the loaded one.

    A server needs no memory here; a file whose header cannot be read is left to the load,
    which reports it.
    """
    if settings.server_url:
        return True
    path = settings.resolved_model_path()
    try:
        header = read_header(path)
        size = Path(path).stat().st_size
    except (GGUFError, OSError):
        return True
    need = model_facts.memory_needed(header, size, settings.context_tokens)
    available = memory().available_bytes
    return available == 0 or need <= available * HEADROOM


class LoaderWorker(Worker):
    """Loads one model at a time on the model-loader thread.

    Signals:
        progress(int, float): load id, fraction of the weights read (0..1).
        room_needed(int, object): load id, a threading.Event to set once the old engine is
            closed (the new model does not fit beside it).
        loaded(int, object, object): load id, the new Engine, the Settings it was made from.
        failed(int, str): load id, why the model could not be loaded.
        cancelled(int): load id; the agent cancelled the load.
    """

    progress = Signal(int, float)
    room_needed = Signal(int, object)
    loaded = Signal(int, object, object)
    failed = Signal(int, str)
    cancelled = Signal(int)

    def __init__(self, engine_factory: EngineFactory) -> None:
        super().__init__()
        self._engine_factory = engine_factory

    @Slot(int, object, object, object)
    def load(
        self,
        load_id: int,
        settings: Settings,
        cancel: threading.Event,
        previous: Settings | None,
    ) -> None:
        """Build the engine for `settings`; `previous` is what serves now (None: nothing)."""
        if cancel.is_set():
            self.cancelled.emit(load_id)
            return
        made_room = False
        if previous is not None and not fits_alongside(settings):
            room = threading.Event()
            self.room_needed.emit(load_id, room)
            if not room.wait(ROOM_WAIT_S):
                self.failed.emit(load_id, "The current model could not be closed to make room.")
                return
            made_room = True
        try:
            engine = self._engine_factory(settings, self._reporter(load_id), cancel)
        except LoadCancelledError:
            self.cancelled.emit(load_id)
        except AgentAssistError as exc:
            self.failed.emit(load_id, str(exc))
        except Exception as exc:
            logger.exception("model load failed")
            self.failed.emit(load_id, f"Unexpected error while loading the model: {exc}")
        else:
            self.loaded.emit(load_id, engine, settings)
            return
        if made_room and previous is not None:
            self._restore(load_id, previous)  # after the failure was reported

    def _restore(self, load_id: int, previous: Settings) -> None:
        """The old engine was closed for a load that did not happen: bring it back."""
        try:
            engine = self._engine_factory(previous, None, None)
        except Exception as exc:
            logger.exception("reloading the previous model failed")
            self.failed.emit(load_id, f"The previous model could not be loaded again: {exc}")
            return
        self.loaded.emit(load_id, engine, previous)

    def _reporter(self, load_id: int) -> Callable[[float], None]:
        """llama.cpp's progress callback (on this thread), thinned to whole percents."""
        last = [-1.0]

        def report(fraction: float) -> None:
            if fraction >= 1.0 or fraction - last[0] >= PROGRESS_STEP:
                last[0] = fraction
                self.progress.emit(load_id, fraction)

        return report
