"""Import canned responses from a file into the library, and export the library. No Qt.

An application service beside suggest.py: it joins the importers (which only parse) to the
store (which only stores), so neither has to know about the other.

An import parses the whole file first (a malformed record fails before the database is touched),
then writes in one transaction. Re-importing matches existing responses on (source, source_id),
else short code, else identical title and body, so it updates rather than duplicates.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from desktop import paths
from desktop.errors import ImportFileError, InputError
from desktop.importers import native, parse_file
from desktop.store.canned import CONTENT_FIELDS, CannedRepository, CannedResponse, load_seed
from desktop.store.db import write_transaction

logger = logging.getLogger(__name__)

EXPORT_FORMATS = ("json", "csv")


@dataclass
class ImportReport:
    format: str = ""
    added: int = 0
    updated: int = 0
    skipped: int = 0
    unknown_placeholders: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    removed_samples: int = 0  # sample responses taken out first (replace_samples)


class _LibraryIndex:
    """Where each response of the library is, by source id, short code and text, in memory.

    An import matches every record three ways; a query per record per way made imports slow,
    and the short-code query scanned the table (issue 22: 16,000 rows took 48 s, 82,832 did
    not finish). The index is read once per import and kept current as rows are written.
    """

    def __init__(self, repo: CannedRepository) -> None:
        self.by_source: dict[tuple[str, str], int] = {}
        self.by_code: dict[str, tuple[int, str]] = {}
        self.by_text: dict[tuple[str, str], int] = {}
        rows = repo.db.execute(
            "SELECT id, title, body, shortcode, source, source_id FROM canned ORDER BY id"
        )
        last = 0
        for row_id, title, body, shortcode, source, source_id in rows:
            self.record(
                int(row_id),
                CannedResponse(
                    title, body, shortcode or "", source=source or "", source_id=source_id or ""
                ),
            )
            last = int(row_id)
        self.next_id = last + 1

    def record(self, row_id: int, response: CannedResponse) -> None:
        if response.source_id:
            self.by_source[(response.source, response.source_id)] = row_id
        if response.shortcode:
            self.by_code[response.shortcode] = (row_id, response.title)
        self.by_text.setdefault((response.title, response.body), row_id)

    def forget(self, response: CannedResponse) -> None:
        """Drop what points at `response` (about to be stored with other fields)."""
        key = (response.source, response.source_id)
        if self.by_source.get(key) == response.id:
            del self.by_source[key]
        if self.by_code.get(response.shortcode, (None, ""))[0] == response.id:
            del self.by_code[response.shortcode]
        if self.by_text.get((response.title, response.body)) == response.id:
            del self.by_text[(response.title, response.body)]

    def find(self, response: CannedResponse) -> int | None:
        """The id an import record updates: same source id, else short code, else text."""
        if response.source_id:
            found = self.by_source.get((response.source, response.source_id))
            if found is not None:
                return found
        if response.shortcode and response.shortcode in self.by_code:
            return self.by_code[response.shortcode][0]
        return self.by_text.get((response.title, response.body))

    def free_code(
        self, response: CannedResponse, own_id: int | None, warnings: list[str]
    ) -> CannedResponse:
        """free_shortcode, answered from memory."""
        holder = self.by_code.get(response.shortcode) if response.shortcode else None
        if holder is None or holder[0] == own_id:
            return response
        warnings.append(
            f"Short code {response.shortcode!r} of {response.title!r} is already used by "
            f"{holder[1]!r}; imported without it."
        )
        return replace(response, shortcode="")


# The unique indexes on short code and source id are partial (WHERE ... <> ''). SQLite uses a
# partial index only when the query's own WHERE repeats its condition: with a bound parameter
# alone it cannot know the value is not '', and scans the table (issue 22).
BY_SOURCE = "SELECT * FROM canned WHERE source = ? AND source_id = ? AND source_id <> ''"
BY_SHORTCODE = "SELECT {columns} FROM canned WHERE shortcode = ? AND shortcode <> ''"
BATCH = 2000  # new responses written together: one insert statement's overhead per batch


def _same_content(a: CannedResponse, b: CannedResponse) -> bool:
    """Equal in what an import may change; usage statistics stay with the library."""
    return all(getattr(a, name) == getattr(b, name) for name in CONTENT_FIELDS)


def free_shortcode(
    repo: CannedRepository,
    response: CannedResponse,
    own_id: int | None,
    warnings: list[str],
    outcome: str = "imported without it",
) -> CannedResponse:
    """Drop a short code another response already uses, rather than fail the whole import.

    Also what a team-library sync does: the agent's own short code wins over the team's.
    """
    if not response.shortcode:
        return response
    by_code = BY_SHORTCODE.format(columns="id, title")
    rows = list(repo.db.query(by_code, [response.shortcode]))
    if rows and rows[0]["id"] != own_id:
        warnings.append(
            f"Short code {response.shortcode!r} of {response.title!r} is already used by "
            f"{rows[0]['title']!r}; {outcome}."
        )
        return replace(response, shortcode="")
    return response


class _Writer:
    """Stores an import's records: new ones in batches, matches one by one."""

    def __init__(self, repo: CannedRepository, report: ImportReport) -> None:
        self.repo = repo
        self.report = report
        self.index = _LibraryIndex(repo)
        self.pending: list[CannedResponse] = []
        self.first_pending = self.index.next_id

    def store(self, response: CannedResponse) -> None:
        found = self.index.find(response)
        if found is None:
            response = self.index.free_code(response, None, self.report.warnings)
            self.index.record(self.index.next_id, response)
            self.index.next_id += 1
            self.pending.append(response)
            self.report.added += 1
            if len(self.pending) >= BATCH:
                self.flush()
            return
        if found >= self.first_pending:
            self.flush()  # a record matching one written earlier in this same file
            found = self.index.find(response)
            assert found is not None
        existing = self.repo.get(found)
        assert existing is not None
        merged = replace(
            self.index.free_code(response, existing.id, self.report.warnings),
            id=existing.id,
            usage_count=max(existing.usage_count, response.usage_count),
            last_used_at=max(existing.last_used_at or "", response.last_used_at or "") or None,
        )
        if _same_content(merged, existing):
            self.report.skipped += 1
            return
        self.repo.update(merged)
        self.index.forget(existing)
        self.index.record(found, merged)
        self.report.updated += 1

    def flush(self) -> None:
        if not self.pending:
            return
        self.repo.add_many(self.pending)
        last = self.repo.db.execute("SELECT max(id) FROM canned").fetchone()[0]
        if last != self.first_pending + len(self.pending) - 1:
            # SQLite gave other ids than max + 1 onward (it may, past the largest rowid):
            # read the index again rather than trust it.
            logger.warning("import: unexpected row ids after a batch; re-reading the index")
            self.index = _LibraryIndex(self.repo)
        self.pending = []
        self.first_pending = self.index.next_id


def import_file(
    repo: CannedRepository, path: Path, fmt: str = "auto", replace_samples: bool = False
) -> ImportReport:
    """Import `path` all or nothing; raises ImportFileError naming the bad record or line.

    With `replace_samples`, the sample responses still as shipped are removed first, in the
    same transaction: a team's own library is not mixed with the samples, and a failed import
    leaves the samples where they were.
    """
    fmt, parsed = parse_file(path, fmt)
    report = ImportReport(
        format=fmt,
        skipped=parsed.skipped,
        unknown_placeholders=list(parsed.unknown_placeholders),
        warnings=list(parsed.warnings),
    )
    if not parsed.responses and not parsed.skipped:
        raise ImportFileError(f"{path.name}: no canned responses found.")
    with write_transaction(repo.db):  # another instance may be writing too: wait, then write
        if replace_samples:
            report.removed_samples = len(_remove_samples(repo))
        writer = _Writer(repo, report)
        for index, response in enumerate(parsed.responses):
            if not response.title.strip() or not response.body.strip():
                raise ImportFileError(f"{path.name}, record {index + 1}: empty title or body.")
            if response.source.startswith("team:"):
                report.skipped += 1  # a team library's response: its subscription keeps it
                continue
            # Own-format records keep their recorded source; others are tagged with the format.
            if not response.source and fmt not in ("json", "csv"):
                response = replace(response, source=fmt)
            writer.store(response)
        writer.flush()
    logger.info(
        "imported %s as %s: %d added, %d updated, %d skipped",
        path,
        fmt,
        report.added,
        report.updated,
        report.skipped,
    )
    return report


def seed_path() -> Path:
    """The sample library shipped with the app, seeded into a new library."""
    return paths.resource_dir() / "seed" / "canned_responses.json"


def untouched_samples(
    responses: Iterable[CannedResponse], seed: Path | None = None
) -> list[CannedResponse]:
    """Those of `responses` that are shipped samples still as shipped (use counts aside).

    A sample the agent edited, or switched off, is the agent's own now and stays.
    """
    shipped = {(r.source_id, r.title): r for r in load_seed(seed or seed_path())}
    found = []
    for response in responses:
        original = shipped.get((response.source_id, response.title))
        if original is not None and _same_content(original, response):
            found.append(response)  # _same_content covers source == "seed"
    return found


def only_samples(responses: Iterable[CannedResponse], seed: Path | None = None) -> int:
    """How many samples `responses` (a whole library) holds when it holds nothing else, or 0."""
    listed = list(responses)
    samples = untouched_samples(listed, seed)
    return len(samples) if listed and len(samples) == len(listed) else 0


def remove_samples(repo: CannedRepository, seed: Path | None = None) -> list[CannedResponse]:
    """Delete the untouched sample responses in one transaction; returns them (for an undo)."""
    with write_transaction(repo.db):
        return _remove_samples(repo, seed)


def _remove_samples(repo: CannedRepository, seed: Path | None = None) -> list[CannedResponse]:
    rows = repo.db.query("SELECT * FROM canned WHERE source = 'seed'")
    samples = untouched_samples((CannedResponse.from_row(r) for r in rows), seed)
    gone = repo.delete_many(r.id for r in samples if r.id is not None)
    logger.info("removed %d sample responses", len(gone))
    return gone


def export(repo: CannedRepository, path: Path, fmt: str = "json") -> int:
    """Write the whole library to `path` (replaced atomically); returns the number written."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"Cannot export as {fmt!r}; use one of: {', '.join(EXPORT_FORMATS)}.")
    responses = repo.all()
    text = native.dump_json(responses) if fmt == "json" else native.dump_csv(responses)
    target = path.resolve()
    tmp = ""
    try:
        # Write beside the target and rename, so a failed export never leaves half a file.
        handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
        os.replace(tmp, target)
    except OSError as exc:
        if tmp:
            Path(tmp).unlink(missing_ok=True)
        raise InputError(f"Cannot write {path}: {exc.strerror}.") from exc
    return len(responses)
