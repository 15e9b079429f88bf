"""Canned-response searches and ranking on their own thread, so typing never waits on SQLite.

Besides the list, each conversation change is ranked at once (no debounce) for the ready reply:
the top response with its confidence, which the draft session renders, and read (language,
mood, urgency, intents: a few milliseconds) for the chips above it. The same worker writes
the local feedback rows, since it already owns a library connection off the GUI thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.drafting.understand import Understanding, understand_conversation
from desktop.placeholders import values_for
from desktop.reading import Reading, read_conversation
from desktop.reading.intents import intent_names
from desktop.store import index_cache, ranking
from desktop.store.canned import CannedRepository, CannedResponse
from desktop.store.feedback import FeedbackEvent, FeedbackRepository, Stats
from desktop.store.library import LibraryFactory
from desktop.transcript import Transcript
from desktop.ui.background import LibraryWorker, Reporter, WorkerThread

RESULT_LIMIT = 50
READY_COUNT = 1  # the ready reply is the top response; the list has the rest
SEARCHED, RANKED, ALL, INTENT = "searched", "ranked", "all", "intent"
INTENT_CANDIDATES = 2_000  # rows whose tags or category mention the intent, checked exactly


def intent_matches(
    repo: CannedRepository, intent: str, text: str, limit: int
) -> list[CannedResponse]:
    """Active responses filed under `intent` (primary tag, else category), most used first.

    A LIKE narrows the rows in SQL; `intent_names` then applies the reading's exact rule, so
    the filter shows what the chip counted. `text` further narrows by title or body words.
    """
    pattern = f"%{intent}%"
    rows = repo.db.execute(
        "SELECT id FROM canned WHERE active = 1 AND (tags LIKE ? OR category LIKE ?) "
        "ORDER BY usage_count DESC, title LIMIT ?",
        [pattern, pattern, INTENT_CANDIDATES],
    ).fetchall()
    ids = [int(row[0]) for row in rows]
    names = intent_names(repo.db, ids)
    wanted = intent.casefold()
    found = repo.get_many([i for i in ids if names.get(i, "").casefold() == wanted])
    words = text.casefold().split()
    if words:
        found = [r for r in found if all(w in f"{r.title} {r.body}".casefold() for w in words)]
    return found[:limit]


@dataclass(frozen=True)
class StatsView:
    stats: Stats
    titles: dict[int, str]  # of the canned responses in stats.top_canned that still exist


class SearchWorker(LibraryWorker):
    """Runs queries on its own connection.

    Signals:
        results(int, str, object): request id, mode (SEARCHED, RANKED or ALL), results.
        ranked(int, object, object, object): request id, the Transcript,
            the Understanding and the Reading (both None for an empty conversation).
        stats(object): a StatsView (feedback Stats and the titles of its canned responses).
        used(int): the id of a response whose use was counted (stored).
        failed(str): a query failed; carries the reason.
    """

    results = Signal(int, str, object)
    used = Signal(int)
    ranked = Signal(int, object, object, object)
    stats = Signal(object)
    failed = Signal(str)

    def __init__(self, library_factory: LibraryFactory) -> None:
        super().__init__(library_factory)
        # The last thread read for the ready reply: the list's order reuses it (read once).
        self._read: tuple[tuple[Transcript, str, str], Understanding] | None = None

    @Slot()
    def warm(self) -> None:
        """Build the ranking index now, so the first conversation's ready reply is not slow."""
        with Reporter(self.failed.emit, "Ranking failed: ", "Ranking failed: "):
            ranking.index_for(self.library().repo.db)

    @Slot(int, object)
    def rank(self, request_id: int, transcript: Transcript) -> None:
        with Reporter(self.failed.emit, "Ranking failed: ", "Ranking failed: "):
            repo = self.library().repo
            if transcript.is_empty:
                self.ranked.emit(request_id, transcript, None, None)
                return
            reading = read_conversation(transcript, repo.db)  # ~2 ms: the index is built
            # The same reading of the thread as the pipeline's: needs, pending actions, abstain,
            # with the values the thread states (a response asking for a given order number
            # goes last).
            understood = understand_conversation(
                repo, transcript, values_for(transcript), reading, READY_COUNT
            )
            self._read = (_reading_key(repo, transcript), understood)
            self.ranked.emit(request_id, transcript, understood, reading)

    @Slot(object)
    def record_feedback(self, event: FeedbackEvent) -> None:
        with Reporter(self.failed.emit, "Could not save feedback: ", "Could not save feedback: "):
            FeedbackRepository(self.library().repo.db).record(event)

    @Slot(int)
    def feedback_stats(self, days: int) -> None:
        with Reporter(self.failed.emit, "Statistics failed: ", "Statistics failed: "):
            repo = self.library().repo
            stats = FeedbackRepository(repo.db).stats(days)
            found = repo.get_many([canned_id for canned_id, _ in stats.top_canned])
            self.stats.emit(StatsView(stats, {r.id: r.title for r in found if r.id is not None}))

    @Slot(int, str, object, str)
    def run(self, request_id: int, text: str, transcript: Transcript | None, intent: str) -> None:
        with Reporter(self.failed.emit, "Search failed: ", "Search failed: "):
            repo = self.library().repo
            if intent:
                found = intent_matches(repo, intent, text, RESULT_LIMIT)
                mode = INTENT
            elif text.strip() or transcript is None or transcript.is_empty:
                found = repo.search(text, RESULT_LIMIT)
                mode = SEARCHED if text.strip() else ALL
            else:
                found = self._relevant(repo, transcript)
                mode = RANKED
            self.results.emit(request_id, mode, found)

    def _relevant(self, repo: CannedRepository, transcript: Transcript) -> list[CannedResponse]:
        """The list's order for a conversation: the thread's reading first, as the ready reply.

        The ready reply comes from reading the thread (its needs, what is asked now, actions
        not done); the plain ranking of the whole conversation may put another response first
        ("Gift card email not received" above "International shipping" for "can you send one
        to Zurich? and can she pay with a gift card?"). The list leads with the reading's first
        response, then each need's, then the reading's order, then the ranking's.
        """
        # The ready reply's reading of this thread, unless the library or its picks moved since.
        key = _reading_key(repo, transcript)
        if self._read is not None and self._read[0] == key:
            understood = self._read[1]
        else:
            understood = understand_conversation(
                repo, transcript, values_for(transcript), None, READY_COUNT
            )
        ranked = [canned for canned, _ in understood.ranked]
        needs = [n.ready.canned for n in understood.needs if n.ready is not None]
        plain = ranking.rank_for(repo, transcript, RESULT_LIMIT)
        ordered = {c.id: c for c in (*ranked[:1], *needs, *ranked[1:], *plain)}
        return list(ordered.values())[:RESULT_LIMIT]

    @Slot(int)
    def record_use(self, response_id: int) -> None:
        with Reporter(self.failed.emit, "Could not count the use: ", "Could not count the use: "):
            self.library().repo.record_use(response_id)
            self.used.emit(response_id)


class CannedSearch(QObject):
    """GUI-side handle: debounces input and delivers only the newest request's results.

    Signals:
        results_ready(str, object): the mode (SEARCHED: matches for the typed text; RANKED:
            most relevant to the conversation; ALL: no query, no conversation; INTENT: filed
            under the chosen intent) and the list of CannedResponse, for the latest request.
        ranked(object, object, object): the Transcript, its top [(CannedResponse, confidence)]
            and its Reading (None when empty), for the latest conversation only.
        stats_ready(object): the StatsView asked for with `request_stats`.
        use_recorded(int): a response's use was stored (the library window shows the count).
        failed(str): a query failed.
    """

    use_recorded = Signal(int)

    results_ready = Signal(str, object)
    ranked = Signal(object, object, object)
    failed = Signal(str)
    _run_requested = Signal(int, str, object, str)
    _rank_requested = Signal(int, object)
    _use_recorded = Signal(int)
    _feedback_recorded = Signal(object)
    _warm_requested = Signal()
    _stats_requested = Signal(int)
    stats_ready = Signal(object)

    def __init__(self, library_factory: LibraryFactory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._request_id = 0
        self._rank_id = 0
        self._text = ""
        self._intent = ""
        self._transcript: Transcript | None = None
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self._on_debounce_timeout)
        self._worker = SearchWorker(library_factory)
        self._run_requested.connect(self._worker.run)
        self._rank_requested.connect(self._worker.rank)
        self._use_recorded.connect(self._worker.record_use)
        self._feedback_recorded.connect(self._worker.record_feedback)
        self._warm_requested.connect(self._worker.warm)
        self._stats_requested.connect(self._worker.feedback_stats)
        self._worker.stats.connect(self.stats_ready)
        self._worker.used.connect(self.use_recorded)
        self._worker.results.connect(self._on_worker_results)
        self._worker.ranked.connect(self._on_worker_ranked)
        self._worker.failed.connect(self.failed)
        self._thread = WorkerThread(self._worker, "canned-search", self)

    def set_query(self, text: str) -> None:
        self._text = text
        self._debounce.start()

    def set_intent(self, intent: str) -> None:
        """List only the responses filed under `intent` ("" lists as before)."""
        self._intent = intent
        self.refresh_now()

    @property
    def intent(self) -> str:
        return self._intent

    def set_transcript(self, transcript: Transcript) -> None:
        self._transcript = transcript
        self._debounce.start()
        self._rank_id += 1
        self._rank_requested.emit(self._rank_id, transcript)

    def warm(self) -> None:
        """Build the ranking index in the background (start-up)."""
        self._warm_requested.emit()

    def record_feedback(self, event: FeedbackEvent) -> None:
        """Write a feedback row (off the GUI thread)."""
        self._feedback_recorded.emit(event)

    def request_stats(self, days: int) -> None:
        """Sum up the local feedback off the GUI thread; `stats_ready` carries the Stats."""
        self._stats_requested.emit(days)

    def refresh_now(self) -> None:
        self._debounce.stop()
        self._on_debounce_timeout()

    @Slot(object)
    def record_use(self, response: CannedResponse) -> None:
        """Count a copy, insert or use (off the GUI thread)."""
        if response.id is not None:
            self._use_recorded.emit(response.id)

    @Slot()
    def _on_debounce_timeout(self) -> None:
        self._request_id += 1
        self._run_requested.emit(self._request_id, self._text, self._transcript, self._intent)

    @Slot(int, str, object)
    def _on_worker_results(self, request_id: int, mode: str, found: list[CannedResponse]) -> None:
        if request_id == self._request_id:
            self.results_ready.emit(mode, found)

    @Slot(int, object, object, object)
    def _on_worker_ranked(
        self,
        request_id: int,
        transcript: Transcript,
        understood: Understanding | None,
        reading: Reading | None,
    ) -> None:
        if request_id == self._rank_id:
            self.ranked.emit(transcript, understood, reading)

    def shutdown(self) -> None:
        self._thread.stop()


def _reading_key(repo: CannedRepository, transcript: Transcript) -> tuple[Transcript, str, str]:
    """What a thread's reading depends on: the thread, the library and the learned picks."""
    return transcript, index_cache.library_version(repo.db), index_cache.examples_version(repo.db)
