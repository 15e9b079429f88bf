"""One model, many conversation tabs: drafts run one at a time, the others wait their turn.

The model thread serves one request at a time, and llama.cpp would only share its two cores
between two drafts. So each tab talks to a TabAssist (the same calls and signals the draft
controller used with the one AssistController), and the GenerationQueue decides which tab's
request runs: the first asked, until its Finished, Rewritten or Failed event comes back (also
after a Stop: the model thread is busy until it has noticed). A tab asking again while its own
draft runs (Regenerate, a new tone) supersedes that draft at once, as before tabs; a tab
asking again while queued keeps its place with the new request. Stopping a queued request
takes it out of the line and ends it at once in its tab.

The AssistController already dropped the news of superseded requests, so every event it
passes on belongs to the running job: the queue routes it, and checks no request id again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import count

from PySide6.QtCore import QObject, Signal, Slot

from desktop.drafting.events import ENDINGS, DraftEvent, Failed, Finished, Rewritten
from desktop.drafting.results import SuggestionResult
from desktop.drafting.rewrite import Action, Rewrite
from desktop.drafting.session import EngineState
from desktop.drafting.understand import Understanding
from desktop.engine.types import ModelInfo
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.transcript import Transcript
from desktop.ui.assist import AssistController

STOPPED_BEFORE_START = "Stopped before it started."


@dataclass
class _Ask:
    transcript: Transcript
    pinned: tuple[CannedResponse, ...]
    settings: Settings | None = None  # the tab's own (its tone and length), applied at start
    understood: Understanding | None = None  # the window's reading of this transcript


@dataclass
class _AskRewrite:
    action: Action
    text: str
    sources: tuple[str, ...]


@dataclass
class _Job:
    tab: TabAssist
    request: _Ask | _AskRewrite
    cancelled: bool = False


class TabAssist(QObject):
    """One tab's view of the model: what AssistController offered the draft controller.

    Model-wide news (loading, ready, failed, switch failed) reaches every tab; a draft's
    events reach only the tab that asked. `state` is GENERATING while this tab's request runs
    or waits, so Stop stays at hand; another tab's draft leaves this one IDLE (it may queue).

    Signals (as AssistController's, plus):
        news(object): a DraftEvent of this tab's running request (desktop.drafting.events),
            or the end of one that was stopped or could not start while it waited.
        queued(int): requests ahead of this tab's (0: it runs now, -1: none waiting).
    """

    state_changed = Signal(object)
    model_ready = Signal(object)
    model_failed = Signal(str)
    switch_failed = Signal(str, object)
    news = Signal(object)
    queued = Signal(int)

    def __init__(self, queue: GenerationQueue, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue = queue
        self._state = queue.tab_state(self)
        self.position = -1
        self.request_id: int | None = None  # the model thread's id of this tab's latest request

    @property
    def state(self) -> EngineState:
        return self._state

    @property
    def model_info(self) -> ModelInfo | None:
        return self._queue.assist.model_info

    def ask(
        self,
        transcript: Transcript,
        pinned: Sequence[CannedResponse] = (),
        settings: Settings | None = None,
        understood: Understanding | None = None,
    ) -> None:
        self._queue.submit(self, _Ask(transcript, tuple(pinned), settings, understood))

    def rewrite(self, action: Action, text: str, sources: Sequence[str]) -> None:
        self._queue.submit(self, _AskRewrite(action, text, tuple(sources)))

    def cancel(self) -> None:
        self._queue.cancel(self)

    def load_model(self, settings: Settings) -> None:
        self._queue.assist.load_model(settings)

    def apply_settings(self, settings: Settings) -> None:
        self._queue.assist.apply_settings(settings)

    def close(self) -> None:
        """The tab is going away: its request leaves the line and nothing more reaches it."""
        self._queue.remove(self)

    def refresh(self) -> None:
        state = self._queue.tab_state(self)
        if state != self._state:
            self._state = state
            self.state_changed.emit(state)
        position = self._queue.position(self)
        if position != self.position:
            self.position = position
            self.queued.emit(position)


class GenerationQueue(QObject):
    """Runs the tabs' requests on the one AssistController, first come, first served.

    Signals:
        changed(): a request started, finished or joined the line (tab titles follow).
    """

    changed = Signal()

    def __init__(self, assist: AssistController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.assist = assist
        self._tabs: list[TabAssist] = []
        self._running: _Job | None = None
        self._waiting: list[_Job] = []
        self._ids = count(1)
        assist.state_changed.connect(self._on_assist_state_changed)
        assist.model_ready.connect(self._on_assist_model_ready)
        assist.model_failed.connect(self._on_assist_model_failed)
        assist.switch_failed.connect(self._on_assist_switch_failed)
        assist.news.connect(self._on_assist_news)

    def tab(self, parent: QObject | None = None) -> TabAssist:
        tab = TabAssist(self, parent)
        self._tabs.append(tab)
        return tab

    # --- what tabs see ----------------------------------------------------------------------
    def tab_state(self, tab: TabAssist) -> EngineState:
        state = self.assist.state
        if state in (EngineState.LOADING, EngineState.NO_MODEL) and self.assist.model_info is None:
            return state
        if self._owns_running(tab) or any(job.tab is tab for job in self._waiting):
            return EngineState.GENERATING
        return EngineState.IDLE if self.assist.model_info is not None else state

    def position(self, tab: TabAssist) -> int:
        """0 while the tab's request runs, n when n requests are ahead of it, -1 with none."""
        if self._owns_running(tab):
            return 0
        for index, job in enumerate(self._waiting):
            if job.tab is tab:
                return index + (1 if self._running is not None else 0)
        return -1

    def _owns_running(self, tab: TabAssist) -> bool:
        running = self._running
        return running is not None and running.tab is tab and not running.cancelled

    # --- what tabs ask ----------------------------------------------------------------------
    def submit(self, tab: TabAssist, request: _Ask | _AskRewrite) -> None:
        running = self._running
        if running is not None and running.tab is tab:
            running.cancelled = False
            running.request = request
            self._start(running)  # supersedes the tab's own draft at once, as before tabs
        else:
            waiting = next((job for job in self._waiting if job.tab is tab), None)
            if waiting is not None:
                waiting.request = request  # keeps its place in the line
            else:
                self._waiting.append(_Job(tab, request))
            self._start_next()
        self._update_tabs()

    def cancel(self, tab: TabAssist) -> None:
        running = self._running
        if running is not None and running.tab is tab and not running.cancelled:
            running.cancelled = True  # the next starts once the model thread has stopped
            self.assist.cancel()
        waiting = next((job for job in self._waiting if job.tab is tab), None)
        if waiting is not None:
            self._waiting.remove(waiting)
            _end_unstarted(waiting)
        self._update_tabs()

    def remove(self, tab: TabAssist) -> None:
        self._waiting = [job for job in self._waiting if job.tab is not tab]
        if self._owns_running(tab):
            self.cancel(tab)
        if tab in self._tabs:
            self._tabs.remove(tab)
        self._update_tabs()

    # --- running ------------------------------------------------------------------------------
    def _model_being_replaced(self) -> bool:
        return self.assist.model_info is None and self.assist.loading

    def _can_start(self) -> bool:
        return self.assist.model_info is not None and self.assist.state == EngineState.IDLE

    def _start_next(self) -> None:
        if self._running is not None or not self._waiting or not self._can_start():
            return
        self._start(self._waiting.pop(0))

    def _start(self, job: _Job) -> None:
        self._running = job
        request_id = next(self._ids)
        job.tab.request_id = request_id
        request = job.request
        if isinstance(request, _Ask):
            if request.settings is not None:
                # Each tab drafts with its own tone and length; the worker takes them in order,
                # before this request (no reload: they are generation settings).
                self.assist.apply_settings(request.settings)
            self.assist.ask(request_id, request.transcript, request.pinned, request.understood)
        else:
            self.assist.rewrite(request_id, request.action, request.text, request.sources)

    def _end_running(self) -> None:
        self._running = None
        self._start_next()
        self._update_tabs()

    def _update_tabs(self) -> None:
        for tab in list(self._tabs):
            tab.refresh()
        self.changed.emit()

    def _target(self) -> TabAssist | None:
        """The tab the model's current output belongs to (gone if the tab was closed)."""
        job = self._running
        return job.tab if job is not None and job.tab in self._tabs else None

    # --- the model's news -------------------------------------------------------------------
    @Slot(object)
    def _on_assist_state_changed(self, _state: EngineState) -> None:
        self._start_next()  # a model became ready, or a reload finished: the line moves
        self._update_tabs()

    @Slot(object)
    def _on_assist_model_ready(self, info: ModelInfo) -> None:
        for tab in list(self._tabs):
            tab.model_ready.emit(info)
        self._start_next()
        self._update_tabs()

    @Slot(str)
    def _on_assist_model_failed(self, message: str) -> None:
        for job in self._waiting:
            job.tab.news.emit(Failed(message))  # nothing will load to serve them
        self._waiting.clear()
        for tab in list(self._tabs):
            tab.model_failed.emit(message)
        self._update_tabs()

    @Slot(str, object)
    def _on_assist_switch_failed(self, message: str, kept: Settings) -> None:
        for tab in list(self._tabs):
            tab.switch_failed.emit(message, kept)
        self._start_next()
        self._update_tabs()

    @Slot(object)
    def _on_assist_news(self, event: DraftEvent) -> None:
        """The running request's news, to the tab that asked; its end lets the next start."""
        job = self._running
        replaced = job is not None and not job.cancelled and self._model_being_replaced()
        if isinstance(event, Failed) and replaced and job is not None:
            # The model was closed to make room for the next one just as this request began:
            # it runs first once that model is ready, instead of failing in its tab.
            self._running = None
            self._waiting.insert(0, job)
            self._update_tabs()
            return
        tab = self._target()
        ended = isinstance(event, ENDINGS)
        if ended:
            self._running = None  # before the tab hears it: its next Generate must queue afresh
        if tab is not None:
            tab.news.emit(event)
        if ended:
            self._end_running()


def _end_unstarted(job: _Job) -> None:
    """A request stopped while it waited ends in its tab as a stopped one would."""
    request = job.request
    if isinstance(request, _Ask):
        job.tab.news.emit(Finished(SuggestionResult.stopped_before_start()))
    else:
        job.tab.news.emit(Rewritten(Rewrite(request.text, request.text, (), cancelled=True)))
