"""Headless library commands: `agent-assist canned import|export|list|remove-samples|...`.

Also backups, backup and restore.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import paths
from desktop.errors import StoreError
from desktop.library.service import export, import_file, remove_samples
from desktop.store import backup
from desktop.store.library import open_library


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def import_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        report = import_file(library.repo, args.file, args.format, args.replace_samples)
    finally:
        library.close()
    if args.replace_samples:
        _out(f"Removed {_samples(report.removed_samples)}.")
    _out(
        f"Imported {args.file.name} as {report.format}: {report.added} added, "
        f"{report.updated} updated, {report.skipped} skipped."
    )
    for warning in dict.fromkeys(report.warnings):  # five identical skips read as one
        _err(f"warning: {warning}")
    if report.unknown_placeholders:
        tokens = ", ".join(report.unknown_placeholders)
        _err(f"warning: unknown placeholders kept as text: {tokens}")
    return 0


def _samples(count: int) -> str:
    return f"{count} sample response{'' if count == 1 else 's'}"


def remove_samples_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        gone = remove_samples(library.repo)
    finally:
        library.close()
    if gone:
        _out(f"Removed {_samples(len(gone))}; the library now holds only your own responses.")
    else:
        _out("No sample responses to remove (edited ones are kept as your own).")
    return 0


def export_command(args: argparse.Namespace) -> int:
    fmt = args.format or ("csv" if args.file.suffix.lower() == ".csv" else "json")
    library = open_library()
    try:
        count = export(library.repo, args.file, fmt)
    finally:
        library.close()
    _out(f"Exported {count} responses to {args.file} ({fmt}).")
    return 0


def list_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        responses = library.repo.all()
    finally:
        library.close()
    for response in responses:
        state = "" if response.active else "\t(inactive)"
        _out(f"{response.id}\t{response.shortcode or '-'}\t{response.title}{state}")
    return 0


def backups_command(args: argparse.Namespace) -> int:
    db_path = paths.database_path()
    found = backup.list_backups(db_path)
    if not found:
        _out(f"No backups yet in {backup.backups_dir(db_path)}.")
        return 0
    for copy in found:
        _out(f"{copy.path.name}\t{copy.label}")
    _out(f"({len(found)} in {backup.backups_dir(db_path)})")
    return 0


def backup_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        made = backup.backup_now(library.repo.db.conn, library.path)
    finally:
        library.close()
    _out(f"Backed up the library to {made}.")
    return 0


def _backup_path(name: str) -> Path:
    """A bare name means a file in the backups folder; anything else is a path."""
    given = Path(name)
    inside = backup.backups_dir(paths.database_path()) / given.name
    if given.name == name and not given.exists() and inside.exists():
        return inside
    if not given.exists():
        raise StoreError(f"No backup named {name}; `agent-assist canned backups` lists them.")
    return given


def restore_command(args: argparse.Namespace) -> int:
    source = _backup_path(args.file)
    db_path = paths.database_path()
    kept = backup.restore(source, db_path)
    library = open_library(db_path, seed=False)
    try:
        count = library.repo.count()
    finally:
        library.close()
    _out(f"Restored {count} responses from {source.name}. The library as it was is kept as {kept}.")
    return 0
