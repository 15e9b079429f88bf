"""Team libraries kept current while the window is open, off the GUI thread.

Every SYNC_SECONDS (and once at start) a worker thread of its own polls the subscribed team
library files (desktop.library.team: one stat per file when nothing changed) and, after them,
the team's shared examples (desktop.library.team_examples: this agent's picks written when
Settings shares them, colleagues' learned). A changed library ranks the shown conversation
again; a file that cannot be read is said once in the status bar, not every poll, and the
responses of the last good sync stay.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer, Signal, Slot

from desktop.library import team as team_library
from desktop.library import team_examples
from desktop.store.library import LibraryFactory
from desktop.ui.background import LibraryWorker, Reporter, WorkerThread

SYNC_SECONDS = 30
THREAD_NAME = "team-sync"


class TeamSyncWorker(LibraryWorker):
    """One sync on the worker's own library connection.

    Signals:
        synced(bool, object): whether a team library or the examples changed; the problems
            (list of one-line messages) of this sync.
    """

    synced = Signal(bool, object)

    @Slot(bool)
    def sync(self, share: bool) -> None:
        problems: list[str] = []
        changed = False
        with Reporter(problems.append, "Team library sync failed: "):
            repo = self.library().repo
            if team_library.subscriptions(repo):
                reports = team_library.poll(repo)
                shared = team_examples.sync_examples(repo, share)
                changed = any(r.changed for r in reports) or any(
                    s.learned or s.removed for s in shared
                )
                problems += [f"{r.path.name}: {r.error}" for r in reports if r.error]
                problems += [error for s in shared for error in s.errors]
        self.synced.emit(changed, problems)


class TeamSync(QObject):
    """GUI-side handle: a timer, one sync at a time, news as signals.

    Signals:
        changed(): a team library (or what the team taught) changed: rank again.
        message(str): a problem with a team file, said once until it changes.
    """

    changed = Signal()
    message = Signal(str)
    _sync_requested = Signal(bool)

    def __init__(
        self,
        library_factory: LibraryFactory,
        share_examples: Callable[[], bool],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._share_examples = share_examples
        self._worker = TeamSyncWorker(library_factory)
        self._sync_requested.connect(self._worker.sync)
        self._worker.synced.connect(self._on_worker_synced)
        self._thread = WorkerThread(self._worker, THREAD_NAME, self)
        self._busy = False
        self._said = ""
        self.syncs = 0  # finished syncs (the tests wait on it)
        self._timer = QTimer(self)
        self._timer.setInterval(SYNC_SECONDS * 1000)
        self._timer.timeout.connect(self.sync_now)

    def start(self) -> None:
        self._timer.start()
        self.sync_now()

    @Slot()
    def sync_now(self) -> None:
        if not self._busy:  # a slow share: the next tick waits for this one
            self._busy = True
            self._sync_requested.emit(self._share_examples())

    @Slot(bool, object)
    def _on_worker_synced(self, changed: bool, problems: list[str]) -> None:
        self._busy = False
        self.syncs += 1
        said = " ".join(problems)
        if said and said != self._said:
            self.message.emit(f"Team library: {said}")
        self._said = said
        if changed:
            self.changed.emit()

    def shutdown(self) -> None:
        self._timer.stop()
        self._thread.stop()
