"""The command registry: every command reaches its code, and the code loads only when it runs."""

import argparse
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

from desktop.app import build_parser
from desktop.cli import registry
from desktop.drafting.offered import Mode as CheckMode
from desktop.drafting.options import DraftMode, Length, Tone
from desktop.importers import format_names
from desktop.library import service as library_service

ROOT = Path(__file__).resolve().parents[1]
HEAVY = {"numpy", "sqlite_utils", "yaml", "PySide6", "llama_cpp"}


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[tuple[str, object]]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                yield from _commands(sub, f"{prefix} {name}".strip())
    if prefix and "handler" in parser._defaults:
        yield prefix, parser._defaults["handler"]


def test_every_command_reaches_a_function_of_its_module() -> None:
    found = dict(_commands(build_parser()))
    assert {"suggest", "eval", "canned list", "canned subscribe", "bench", "api"} <= set(found)
    for name, handler in found.items():
        assert isinstance(handler, registry.Handler), name
        assert callable(handler.load()), name
        assert handler.load().__module__ == f"desktop.cli.{handler.module}", name


def test_a_handler_runs_its_command() -> None:
    args = build_parser().parse_args(["stats", "--days", "0"])
    assert registry.run(args) == 1  # the command ran and refused the period with one line


def test_the_registrys_choices_are_the_codes() -> None:
    """The registry spells the choices out (importing them would load numpy): kept equal here."""
    assert tuple(DraftMode) == registry.DRAFT_MODES
    assert tuple(Tone) == registry.TONES
    assert tuple(Length) == registry.LENGTHS
    assert tuple(CheckMode) == registry.CHECK_MODES
    assert tuple(format_names()) == registry.IMPORT_FORMATS
    assert registry.EXPORT_FORMATS == library_service.EXPORT_FORMATS


def _loaded_by(argv: list[str]) -> set[str]:
    code = (
        "import sys\nfrom desktop.app import main\n"
        f"try:\n    main({argv!r})\nexcept SystemExit:\n    pass\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return set(done.stdout.splitlines()[-1].split())


def test_help_loads_none_of_the_commands_dependencies() -> None:
    assert _loaded_by(["--help"]) & HEAVY == set()


def test_the_check_can_see_a_heavy_module() -> None:
    """A command that ran (and refused its input) loaded its code: the probe above can fail."""
    assert "numpy" in _loaded_by(["bench-retrieval", "--size", "0"])
