"""Headless library commands: `agent-assist canned import|export|list|backups|backup|restore`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from desktop import paths
from desktop.errors import StoreError
from desktop.importers import format_names
from desktop.library_service import EXPORT_FORMATS, export, import_file
from desktop.store import backup
from desktop.store.library import open_library


def _out(line: str) -> None:
    sys.stdout.write(line + "\n")


def _err(line: str) -> None:
    sys.stderr.write(line + "\n")


def add_commands(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    canned = subparsers.add_parser("canned", help="import, export or list canned responses")
    commands = canned.add_subparsers(title="canned commands", metavar="COMMAND", required=True)

    importer = commands.add_parser("import", help="add responses from another tool's export")
    importer.add_argument("file", type=Path, help="file to import")
    importer.add_argument(
        "--format",
        default="auto",
        choices=["auto", *format_names()],
        help="the file's format (default: detect it from the file)",
    )
    importer.set_defaults(handler=import_command)

    exporter = commands.add_parser("export", help="write the whole library to a file")
    exporter.add_argument("file", type=Path, help="file to write (replaced if it exists)")
    exporter.add_argument(
        "--format", choices=EXPORT_FORMATS, help="json or csv (default: from the file name)"
    )
    exporter.set_defaults(handler=export_command)

    lister = commands.add_parser("list", help="print the library, one response per line")
    lister.set_defaults(handler=list_command)

    backups = commands.add_parser("backups", help="list the library's automatic backups")
    backups.set_defaults(handler=backups_command)

    backup_now = commands.add_parser("backup", help="back up the library now")
    backup_now.set_defaults(handler=backup_command)

    restorer = commands.add_parser(
        "restore", help="replace the library with a backup (the current one is kept aside)"
    )
    restorer.add_argument("file", help="a backup's file name (see `canned backups`) or path")
    restorer.set_defaults(handler=restore_command)


def import_command(args: argparse.Namespace) -> int:
    library = open_library()
    try:
        report = import_file(library.repo, args.file, args.format)
    finally:
        library.close()
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
