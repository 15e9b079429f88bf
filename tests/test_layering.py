"""One-way layers: lower layers never import higher ones, the core never loads Qt or llama_cpp.

Layers, lowest first (see README, "How it is built"):

1. base: pure modules (errors, paths, settings, textfile, transcript, placeholders, ...)
2. engine/ and store/, side by side: each imports base only, never the other
3. importers/: base and the store's types
4. application services (suggest, drafting/, library_service, evaluation, cli*): no Qt
5. Qt: ui/ and the entry points app.py and __main__

Two checks back each other up. The static one reads every module's imports with `ast`
(`import x`, `from x import y`, relative and function-level imports alike), so a lazy import
that breaks the layering is caught too. The dynamic one imports each core module in a fresh
interpreter and looks at `sys.modules`, so an indirect import (a base module that pulls in the
engine, which pulls in llama_cpp) is caught however it happens.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "desktop"

BASE_MODULES = {
    "desktop",
    "desktop.errors",
    "desktop.paths",
    "desktop.settings",
    "desktop.textfile",
    "desktop.transcript",
    "desktop.threads",
    "desktop.threads.agreement",
    "desktop.threads.chat",
    "desktop.threads.dates",
    "desktop.threads.emails",
    "desktop.threads.helpdesk",
    "desktop.threads.labels",
    "desktop.threads.model",
    "desktop.threads.noise",
    "desktop.threads.reader",
    "desktop.threads.speakers",
    "desktop.placeholders",
    "desktop.system.display_check",
}
# Qt composition roots outside ui/: the window's entry points.
QT_ROOTS = {"desktop.app", "desktop.__main__"}
# Layer -> the layers its modules may import from.
ALLOWED = {
    "base": {"base"},
    "engine": {"base", "engine"},
    "store": {"base", "store"},
    "importers": {"base", "store", "importers"},
    "service": {"base", "engine", "store", "importers", "service"},
    "qt": {"base", "engine", "store", "importers", "service", "qt"},
}
LLAMA_MODULE = "desktop.engine.llama"  # the only module that may import llama_cpp


def layer_of(module: str) -> str:
    if module in BASE_MODULES:
        return "base"
    if module in QT_ROOTS or module == "desktop.ui" or module.startswith("desktop.ui."):
        return "qt"
    for package in ("engine", "store", "importers"):
        if module == f"desktop.{package}" or module.startswith(f"desktop.{package}."):
            return package
    return "service"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


ALL_MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
CORE_MODULES = sorted(m for m in ALL_MODULES if layer_of(m) != "qt")


@cache
def imports_of(module: str) -> frozenset[str]:
    """Every module `module` names in an import statement anywhere in its source."""
    path = ALL_MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against this module's package
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            found.add(base)
            # `from desktop import cli` imports the module desktop.cli.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(found)


def internal_imports(module: str) -> set[str]:
    """The desktop modules `module` imports (names that are not modules are dropped)."""
    return {name for name in imports_of(module) if name in ALL_MODULES and name != module}


def test_every_layer_imports_only_its_own_and_lower_layers() -> None:
    leaks = [
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module in ALL_MODULES
        for target in sorted(internal_imports(module))
        if layer_of(target) not in ALLOWED[layer_of(module)]
    ]
    assert leaks == []


def _names(module: str, top: str) -> bool:
    return any(name == top or name.startswith(top + ".") for name in imports_of(module))


def test_only_the_qt_layer_imports_qt() -> None:
    assert [m for m in CORE_MODULES if _names(m, "PySide6")] == []


def test_only_the_llama_engine_imports_llama_cpp() -> None:
    assert [m for m in ALL_MODULES if _names(m, "llama_cpp")] == [LLAMA_MODULE]


def test_the_static_check_sees_every_import_form() -> None:
    """The checks above are only as good as the parser: it must see each import spelling."""
    imports = imports_of("desktop.cli.suggest")
    assert "desktop.store.library" in imports  # from desktop.store.library import open_library
    assert "desktop.settings" in imports  # from desktop import settings as settings_module
    assert "llama_cpp" in imports_of(LLAMA_MODULE)
    assert "desktop.engine.llama" in imports_of("desktop.engine.loading")  # a lazy import
    assert layer_of("desktop.ui.main_window") == "qt"
    assert "desktop.drafting.prompts" in CORE_MODULES
    assert "desktop.ui.launch" not in CORE_MODULES


_PROBE = """
import importlib, sys
importlib.import_module(sys.argv[1])
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & {"PySide6", "llama_cpp"})))
"""


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_loads_neither_qt_nor_llama(module: str) -> None:
    """Dynamic: importing a core module in a fresh interpreter leaves Qt (and llama_cpp) out."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, module],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    loaded = set(done.stdout.split())
    assert "PySide6" not in loaded
    if module != LLAMA_MODULE:
        assert "llama_cpp" not in loaded
    else:
        assert "llama_cpp" in loaded  # the probe would see it: the check above can fail


def test_canned_list_loads_neither_qt_nor_llama() -> None:
    """The whole path of a light command, from the entry point: `agent-assist canned list`."""
    code = (
        "import sys; from desktop.app import main; rc = main(['canned', 'list']); "
        "print(rc, *sorted({m.split('.')[0] for m in sys.modules} & {'PySide6', 'llama_cpp'}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.splitlines()[-1] == "0", done.stdout + done.stderr
