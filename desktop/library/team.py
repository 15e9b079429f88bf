"""Team libraries: canned responses shared from a file on a shared folder, kept read-only. No Qt.

A team keeps one library file (our JSON export, or any format the importers read) on a shared
folder; each agent subscribes to it. Its responses are stored in the same `canned` table as the
agent's own, so search and ranking treat them alike, but with `source = "team:<path>"`: triggers
(migration m007) refuse to edit or delete them outside a sync, so the app keeps them read-only
however they are reached. `poll` re-imports a file when its modification time or size changes;
the window calls it on a timer, the CLI through `agent-assist canned sync`.

A file that cannot be reached or read (the share is offline, a colleague is mid-save) keeps the
responses of the last good sync and records the error; the agent is never left without them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop.errors import AgentAssistError, InputError
from desktop.importers import parse_file
from desktop.library.service import free_shortcode
from desktop.store.canned import CONTENT_FIELDS, CannedRepository, CannedResponse
from desktop.store.db import write_transaction

logger = logging.getLogger(__name__)

PREFIX = "team:"


@dataclass(frozen=True)
class Subscription:
    path: Path
    mtime_ns: int
    size: int
    synced_at: float | None
    responses: int
    error: str


@dataclass
class SyncReport:
    path: Path
    changed: bool = False  # the file was read and the library brought up to date
    added: int = 0
    updated: int = 0
    removed: int = 0
    error: str = ""  # why the file could not be read; the last good responses stay
    warnings: list[str] = field(default_factory=list)


def source_for(path: Path) -> str:
    return PREFIX + str(path)


def is_team(response: CannedResponse) -> bool:
    """True for a response that comes from a team library (read-only in the app)."""
    return response.source.startswith(PREFIX)


def _resolve(path: Path) -> Path:
    return path.expanduser().resolve()


def subscriptions(repo: CannedRepository) -> list[Subscription]:
    rows = repo.db.query("SELECT * FROM team_subscription ORDER BY path")
    return [
        Subscription(
            Path(r["path"]), r["mtime_ns"], r["size"], r["synced_at"], r["responses"], r["error"]
        )
        for r in rows
    ]


def subscribe(repo: CannedRepository, path: Path) -> SyncReport:
    """Subscribe to a library file and import it now; a file that cannot be read is refused."""
    path = _resolve(path)
    if not path.is_file():
        raise InputError(f"{path} is not a file that can be read.")
    with write_transaction(repo.db):
        repo.db.execute("INSERT OR IGNORE INTO team_subscription (path) VALUES (?)", [str(path)])
    report = sync_one(repo, path, force=True)
    if report.error:
        unsubscribe(repo, path)
        raise InputError(f"Cannot subscribe to {path}: {report.error}")
    return report


def unsubscribe(repo: CannedRepository, path: Path) -> int:
    """Stop following a file and take its responses out; returns how many went."""
    path = _resolve(path)
    with write_transaction(repo.db), _team_writer(repo):
        cursor = repo.db.execute("DELETE FROM canned WHERE source = ?", [source_for(path)])
        known = repo.db.execute("DELETE FROM team_subscription WHERE path = ?", [str(path)])
    if not known.rowcount and not cursor.rowcount:
        raise InputError(f"Not subscribed to {path}.")
    return int(cursor.rowcount)


def poll(repo: CannedRepository, force: bool = False) -> list[SyncReport]:
    """Re-import every subscribed file that changed on disk (all of them with `force`).

    Cheap when nothing changed (one stat per file), so the window may call it every few
    seconds; returns a report for each file that was read or failed.
    """
    reports = []
    for subscription in subscriptions(repo):
        report = sync_one(repo, subscription.path, force, subscription)
        if report.changed or report.error:
            reports.append(report)
    return reports


def sync_one(
    repo: CannedRepository, path: Path, force: bool = False, known: Subscription | None = None
) -> SyncReport:
    report = SyncReport(path)
    try:
        stat = path.stat()
    except OSError as exc:
        return _failed(repo, report, f"cannot be reached ({exc.strerror or exc})")
    if known is None:
        known = next((s for s in subscriptions(repo) if s.path == path), None)
    if (
        not force
        and known is not None
        and (known.mtime_ns, known.size) == (stat.st_mtime_ns, stat.st_size)
    ):
        return report
    try:
        fmt, parsed = parse_file(path)
    except (AgentAssistError, OSError) as exc:
        # Possibly half-written by a colleague's save: the next poll reads it again.
        return _failed(repo, report, str(exc))
    report.warnings.extend(parsed.warnings)
    responses = _keyed(parsed.responses, source_for(path))
    with write_transaction(repo.db), _team_writer(repo):
        _replace_responses(repo, source_for(path), responses, report)
        repo.db.execute(
            "UPDATE team_subscription SET mtime_ns = ?, size = ?, synced_at = ?, "
            "responses = ?, error = '' WHERE path = ?",
            [stat.st_mtime_ns, stat.st_size, time.time(), len(responses), str(path)],
        )
    report.changed = True
    logger.info(
        "team library %s (%s): %d added, %d updated, %d removed",
        path,
        fmt,
        report.added,
        report.updated,
        report.removed,
    )
    return report


def _failed(repo: CannedRepository, report: SyncReport, error: str) -> SyncReport:
    report.error = error
    logger.warning("team library %s: %s", report.path, error)
    with write_transaction(repo.db):
        repo.db.execute(
            "UPDATE team_subscription SET error = ? WHERE path = ?", [error, str(report.path)]
        )
    return report


@contextmanager
def _team_writer(repo: CannedRepository) -> Iterator[None]:
    """Lift the read-only triggers for this transaction only (see migration m007).

    Must run inside a transaction: the marker row is deleted before it commits, so no other
    connection ever sees it, and a failure rolls it back with everything else.
    """
    assert repo.db.conn.in_transaction
    repo.db.execute("INSERT INTO team_sync_writer (id) VALUES (1)")
    try:
        yield
    finally:
        repo.db.execute("DELETE FROM team_sync_writer")


def _keyed(responses: list[CannedResponse], source: str) -> list[CannedResponse]:
    """The file's responses as team rows, each with a stable key so a re-import updates it.

    The key is the record's own id where the format has one, else its short code, else its
    title: an edited body keeps its usage statistics, and duplicate keys are numbered.
    """
    seen: dict[str, int] = {}
    keyed = []
    for response in responses:
        if not response.title.strip() or not response.body.strip():
            continue
        if response.source_id:
            key = f"{response.source}:{response.source_id}"
        elif response.shortcode:
            key = f"shortcode:{response.shortcode}"
        else:
            key = f"title:{response.title.strip().lower()}"
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            key = f"{key}#{seen[key]}"
        keyed.append(replace(response, source=source, source_id=key, id=None))
    return keyed


def _replace_responses(
    repo: CannedRepository, source: str, responses: list[CannedResponse], report: SyncReport
) -> None:
    existing = {
        r["source_id"]: CannedResponse.from_row(r)
        for r in repo.db.query("SELECT * FROM canned WHERE source = ?", [source])
    }
    wanted = {r.source_id for r in responses}
    for key, old in existing.items():
        if key not in wanted:
            repo.db.execute("DELETE FROM canned WHERE id = ?", [old.id])
            report.removed += 1
    for response in responses:
        known = existing.get(response.source_id)
        own = None if known is None else known.id
        response = free_shortcode(repo, response, own, report.warnings, "kept without it")
        if known is None:
            repo.add(replace(response, usage_count=0, last_used_at=None))
            report.added += 1
        elif any(getattr(known, name) != getattr(response, name) for name in CONTENT_FIELDS):
            # Usage statistics belong to this agent, not to the file.
            kept = replace(response, id=known.id, usage_count=known.usage_count)
            repo.update(replace(kept, last_used_at=known.last_used_at))
            report.updated += 1
