"""Team learning (issue 23), opt-in: picks of team responses shared beside the team library.

With `share_examples` on, each agent writes the examples it made by answering with a *team*
response to its own sidecar file next to the library, `<library>.examples.<agent id>.jsonl`
(one file per agent, so two agents never write the same file), and learns the other agents'
sidecars on sync. A row is the response's stable key in the team file (`source_id` as
`team._keyed` makes it, the same for everyone reading that file), the customer's side
(redacted again here, whatever wrote it) and the polarity. Never shared: drafts, replies,
the agent's own responses' examples, ticket-history imports, and what came from the team.

Examples learned from a sidecar carry `source = "team:<sidecar path>"`, so a re-sync replaces
exactly what that file taught (in one transaction), and a sidecar that vanished takes its
examples with it. A sidecar that cannot be read or parsed is skipped with a warning and what
it taught before stays, as a team library's last good responses do. No Qt.
"""

from __future__ import annotations

import json
import logging
import secrets
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from desktop.atomic_file import write_atomically
from desktop.library import team
from desktop.store import storage
from desktop.store.canned import CannedRepository
from desktop.store.examples import AGAINST, PICK, ExampleStore
from desktop.store.feedback import redact
from desktop.store.learning import MAX_TEXT_CHARS, Answered, learn_many
from desktop.transcript import Transcript, Turn

logger = logging.getLogger(__name__)

MAX_ROWS = 50_000  # a sidecar larger than this is not a colleague's picks: refused
_AGENT_KEY = "agent_id"
_STAMP = "team_examples:"  # meta key prefix: a sidecar's stamp when it was last learned
_PENDING = "#pending"  # the source of a sidecar's examples while they are being learned


@dataclass
class ExamplesReport:
    library: Path
    exported: int = 0  # rows in this agent's sidecar (0 when nothing was written)
    learned: int = 0  # examples learned from colleagues' sidecars that changed
    removed: int = 0  # examples dropped because their sidecar changed or vanished
    errors: list[str] = field(default_factory=list)  # sidecars skipped, a sidecar not written


def agent_id(db: Database) -> str:
    """This data folder's random id, made once and kept in its database."""
    with storage.writing(db):
        db.execute(
            "INSERT OR IGNORE INTO meta(key, value) VALUES (?, ?)",
            [_AGENT_KEY, secrets.token_hex(8)],
        )
    return str(db.execute("SELECT value FROM meta WHERE key = ?", [_AGENT_KEY]).fetchone()[0])


def sidecar_path(library: Path, agent: str) -> Path:
    return library.with_name(f"{library.name}.examples.{agent}.jsonl")


def sync_examples(repo: CannedRepository, share: bool) -> list[ExamplesReport]:
    """Export this agent's team picks and learn the colleagues' for every subscribed library.

    With `share` off nothing is read or written, and a sidecar this agent wrote before is
    taken back (removed), so turning sharing off stops sharing.
    """
    agent = agent_id(repo.db)
    reports = []
    for subscription in team.subscriptions(repo):
        report = ExamplesReport(subscription.path)
        if share:
            _export(repo.db, subscription.path, agent, report)
            _import(repo.db, subscription.path, agent, report)
        else:
            _withdraw(subscription.path, agent, report)
        reports.append(report)
    return reports


def export_rows(db: Database, library: Path) -> list[dict[str, Any]]:
    """This agent's own picks (and passed-over drafts) of the library's team responses."""
    rows = db.execute(
        "SELECT c.source_id, e.text, e.polarity, e.created_at FROM example e "
        "JOIN canned c ON c.id = e.canned_id "
        "WHERE e.source = 'app' AND c.source = ? ORDER BY e.id",
        [team.source_for(library)],
    ).fetchall()
    return [
        {"key": key, "text": redact(text), "polarity": int(polarity), "created_at": created}
        for key, text, polarity, created in rows
        if key and text
    ]


def _export(db: Database, library: Path, agent: str, report: ExamplesReport) -> None:
    rows = export_rows(db, library)
    path = sidecar_path(library, agent)
    text = "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    try:
        if not rows and not path.exists():
            return
        # Rewritten only when it changed: a new mtime makes every colleague read it again.
        if path.exists() and path.read_text(encoding="utf-8") == text:
            report.exported = len(rows)
            return
        write_atomically(path, text)
    except OSError as exc:
        _error(report, f"{path}: not written ({exc.strerror or exc})")
        return
    report.exported = len(rows)


def _withdraw(library: Path, agent: str, report: ExamplesReport) -> None:
    path = sidecar_path(library, agent)
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        _error(report, f"{path}: sharing is off but it could not be removed ({exc})")


def _import(db: Database, library: Path, agent: str, report: ExamplesReport) -> None:
    prefix = f"{library.name}.examples."
    own = sidecar_path(library, agent)
    try:
        found = sorted(
            p
            for p in library.parent.iterdir()
            if p.name.startswith(prefix) and p.name.endswith(".jsonl") and p != own
        )
    except OSError as exc:
        _error(report, f"{library.parent}: cannot be listed ({exc.strerror or exc})")
        return
    keys = {
        str(key): int(canned_id)
        for canned_id, key in db.execute(
            "SELECT id, source_id FROM canned WHERE source = ?", [team.source_for(library)]
        ).fetchall()
    }
    # New keys, or the same ones under new ids (unsubscribed and subscribed again), make
    # every sidecar be read again: its rows may now find their responses.
    version = f"{zlib.crc32(json.dumps(sorted(keys.items())).encode()):08x}"
    for path in found:
        _learn_file(db, path, keys, version, report)
    _drop_vanished(db, library, set(found), report)


def _learn_file(
    db: Database, path: Path, keys: dict[str, int], version: str, report: ExamplesReport
) -> None:
    try:
        stat = path.stat()
        stamp = f"{stat.st_mtime_ns}:{stat.st_size}:{version}"
        if _stamp(db, path) == stamp:
            return
        rows = _read(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _error(report, f"{path}: skipped ({exc}); what it taught before is kept")
        return
    answered = [
        Answered(
            keys[row["key"]],
            Transcript(tuple(Turn("customer", line) for line in row["text"].splitlines() if line)),
            row["polarity"],
            created_at=row["created_at"],
        )
        for row in rows
        if row["key"] in keys
    ]
    source = team.source_for(path)
    pending = source + _PENDING
    store = ExampleStore(db)
    store.forget(source=pending)  # left by a sync that stopped half-way
    # Learned aside first (learning reads the ranking's index and writes on its own), then
    # swapped in one transaction: a failure leaves what the file taught before.
    learned = learn_many(db, answered, source=pending)
    with storage.writing(db):
        report.removed += store.forget(source=source)
        db.execute("UPDATE example SET source = ? WHERE source = ?", [source, pending])
        db.execute(
            "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", [_STAMP + str(path), stamp]
        )
    report.learned += learned


def _read(path: Path) -> list[dict[str, Any]]:
    """A sidecar's rows, checked; any bad line refuses the whole file (ValueError)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            if number > MAX_ROWS:
                raise ValueError(f"more than {MAX_ROWS} rows")
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"line {number} is not JSON ({exc.msg})") from None
            if not (
                isinstance(row, dict)
                and isinstance(row.get("key"), str)
                and isinstance(row.get("text"), str)
                and row["text"].strip()
                and row.get("polarity") in (PICK, AGAINST)
            ):
                raise ValueError(f"line {number} is not a shared example")
            created = row.get("created_at")
            rows.append(
                {
                    "key": row["key"],
                    "text": redact(row["text"])[-MAX_TEXT_CHARS:],
                    "polarity": int(row["polarity"]),
                    "created_at": float(created)
                    if isinstance(created, int | float)
                    else time.time(),
                }
            )
    return rows


def _drop_vanished(db: Database, library: Path, found: set[Path], report: ExamplesReport) -> None:
    """Forget what the sidecars of colleagues who left (their file is gone) taught."""
    prefix = team.source_for(library.with_name(f"{library.name}.examples."))
    sources = [
        str(s)
        for (s,) in db.execute(
            "SELECT DISTINCT source FROM example WHERE substr(source, 1, ?) = ?",
            [len(prefix), prefix],
        ).fetchall()
    ]
    known = {team.source_for(p) for p in found}
    for source in sources:
        if source not in known:
            with storage.writing(db):
                report.removed += ExampleStore(db).forget(source=source)
                db.execute("DELETE FROM meta WHERE key = ?", [_STAMP + source[len(team.PREFIX) :]])


def _stamp(db: Database, path: Path) -> str:
    row = db.execute("SELECT value FROM meta WHERE key = ?", [_STAMP + str(path)]).fetchone()
    return str(row[0]) if row else ""


def _error(report: ExamplesReport, message: str) -> None:
    logger.warning("team examples for %s: %s", report.library, message)
    report.errors.append(message)


def from_team(by_source: dict[str, Any]) -> dict[str, int]:
    """`ExampleStore.stats()['by_source']` summed over the team's sidecars."""
    picks = against = 0
    for source, counts in by_source.items():
        if source.startswith(team.PREFIX):
            picks += int(counts["picks"])
            against += int(counts["against"])
    return {"picks": picks, "against": against}
