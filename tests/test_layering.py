"""The core never imports Qt, so the CLI stays light and the engine stays testable."""

import subprocess
import sys


def test_core_and_cli_do_not_import_qt() -> None:
    code = (
        "import sys, desktop.engine.llama, desktop.store.db, desktop.suggest, desktop.cli; "
        "assert not [m for m in sys.modules if m.startswith('PySide6')], 'Qt imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_ui_does_not_import_llama_cpp_directly() -> None:
    from pathlib import Path

    ui = Path(__file__).resolve().parents[1] / "desktop" / "ui"
    offenders = [p for p in ui.rglob("*.py") if "import llama_cpp" in p.read_text()]
    assert offenders == []
