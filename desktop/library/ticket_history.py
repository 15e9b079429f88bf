"""Learn from a ticket history file (issue 23). No Qt.

Every past ticket answered with a known canned response becomes an example the ranking learns
from; the window's Library > Learn from past tickets runs this on a worker thread. All or
nothing: the file is read and every vector made before the one transaction that writes them,
so a bad file, a cancelled import or a failed write leaves the examples as they were.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from desktop.errors import InputError
from desktop.importers.picks import Pick, read_picks
from desktop.store.canned import CannedRepository
from desktop.store.examples import ExampleStore
from desktop.store.learning import Answered, learn_many, resolve_canned, space_of

Progress = Callable[[int, int], object]  # (conversations done, all of them)


@dataclass(frozen=True)
class LearnReport:
    """What one import taught the ranking."""

    file_name: str
    rows: int  # conversations with a canned response in the file
    learned: int  # examples kept
    unknown: tuple[str, ...]  # names that match no canned response, sorted
    unknown_rows: int  # the conversations that name one of them
    per_response: tuple[tuple[str, int], ...]  # (title, examples learned now), most first

    @property
    def skipped(self) -> int:
        """Conversations naming a known response that taught nothing (no customer's words)."""
        return self.rows - self.unknown_rows - self.learned


def learn_from_file(
    repo: CannedRepository, path: Path, progress: Progress | None = None
) -> LearnReport:
    """Keep each conversation of `path` naming a known response as an example of it.

    Raises InputError (ImportFileError for a file that cannot be read) when nothing can be
    learned; nothing is written then.
    """
    picks = read_picks(path)
    db = repo.db
    if not space_of(db):
        raise InputError(
            "The ranking's meaning model is not installed, so it cannot learn from examples."
        )
    ids = resolve_canned(db, [n for p in picks for n in (p.ref, p.canned) if n])
    known = [(p, _known(p, ids)) for p in picks]
    answered = [Answered(found, p.transcript) for p, found in known if found is not None]
    unknown = tuple(sorted({p.canned for p, found in known if found is None}))
    if not answered:
        raise InputError(
            f"None of the {len(picks)} conversations of {path.name} names a canned response "
            f"of the library (by title, short code or id)."
        )
    store = ExampleStore(db)
    before = store.counts()
    kept = learn_many(db, answered, source="import", progress=progress)
    if not kept:
        raise InputError(f"No conversation of {path.name} has the customer's words to learn from.")
    unknown_rows = len(picks) - len(answered)
    return LearnReport(
        path.name, len(picks), kept, unknown, unknown_rows, _per_response(repo, before, store)
    )


def _known(pick: Pick, ids: dict[str, int]) -> int | None:
    """The response a pick names: by its record reference first, else by its name."""
    return ids.get(pick.ref) if pick.ref in ids else ids.get(pick.canned)


def _per_response(
    repo: CannedRepository, before: dict[int, tuple[int, int]], store: ExampleStore
) -> tuple[tuple[str, int], ...]:
    """Examples added per response: the picks counted after the import less those before."""
    added = {
        canned_id: picks - before.get(canned_id, (0, 0))[0]
        for canned_id, (picks, _) in store.counts().items()
    }
    titles = {r.id: r.title for r in repo.get_many([i for i, n in added.items() if n > 0])}
    rows = [(titles.get(i, f"#{i}"), n) for i, n in added.items() if n > 0]
    return tuple(sorted(rows, key=lambda row: (-row[1], row[0].casefold())))
