"""One-way layers: lower layers never import higher ones, the core never loads Qt or llama_cpp.

Layers, lowest first (see README, "How it is built"); a module imports its own layer and the
ranks below it, never a layer beside it on the same rank:

1. base: pure modules (errors, paths, settings, textfile, transcript, threads/, placeholders, ...)
2. system/ (the OS), engine/ (the model) and store/ (SQLite), side by side
3. importers/: other tools' files into the store's types
4. reading/: language, mood, intents
5. drafting/: the pipeline, checks and the draft session (prewarm warms its caches)
6. library/, autosave/, evaluation/ (eval, draft eval, bench) and api/, side by side
7. cli/: the headless commands
8. qt: ui/ and the entry points app.py and __main__

Every module has a layer: one that matches none fails the test, so a new package gets its
place in the order. As no two layers may import each other, an import cycle between packages
cannot pass; and the modules' import-time imports must not form a cycle either.

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
    "desktop.atomic_file",
    "desktop.errors",
    "desktop.native_loading",
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
}

# Packages and root modules (a name and what is below it) -> their layer.
LAYER_PREFIXES = {
    "desktop.threads": "base",
    "desktop.system": "system",
    "desktop.engine": "engine",
    "desktop.store": "store",
    "desktop.importers": "importers",
    "desktop.reading": "reading",
    "desktop.drafting": "drafting",
    "desktop.prewarm": "drafting",
    "desktop.library": "library",
    "desktop.autosave": "autosave",
    "desktop.evaluation": "evaluation",
    "desktop.api": "api",
    "desktop.cli": "cli",
    "desktop.ui": "qt",
    "desktop.app": "qt",
    "desktop.__main__": "qt",
}
# Lowest first; layers on one rank sit side by side and never import each other.
RANKS = (
    ("base",),
    ("system", "engine", "store"),
    ("importers",),
    ("reading",),
    ("drafting",),
    ("library", "autosave", "evaluation", "api"),
    ("cli",),
    ("qt",),
)
RANK = {layer: rank for rank, layers in enumerate(RANKS) for layer in layers}
# Layer -> the layers its modules may import from: its own and every lower rank's.
ALLOWED = {
    layer: {layer} | {lower for lower, r in RANK.items() if r < RANK[layer]} for layer in RANK
}
LLAMA_PACKAGE = "desktop.engine.llama"  # the only package that may import llama_cpp


def layer_of(module: str) -> str | None:
    """The module's layer; None when it has none (a failure: no catch-all bucket)."""
    if module in BASE_MODULES:
        return "base"
    for prefix, layer in LAYER_PREFIXES.items():
        if module == prefix or module.startswith(prefix + "."):
            return layer
    return None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


ALL_MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
CORE_MODULES = sorted(m for m in ALL_MODULES if layer_of(m) != "qt")


def test_every_module_has_a_layer() -> None:
    assert [m for m in ALL_MODULES if layer_of(m) is None] == []


def test_no_two_layers_may_import_each_other() -> None:
    """What makes a cycle between packages fail: the allowed imports are one-way."""
    both_ways = [(a, b) for a in ALLOWED for b in ALLOWED[a] if a != b and a in ALLOWED[b]]
    assert both_ways == []
    assert "store" not in ALLOWED["engine"] and "engine" not in ALLOWED["store"]


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
            base = _resolve(node, package)
            found.add(base)
            # `from desktop import cli` imports the module desktop.cli.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return frozenset(found)


def _resolve(node: ast.ImportFrom, package: str) -> str:
    """The module `from ... import` names; a relative one resolved against `package`."""
    base = node.module or ""
    if node.level:
        anchor = package.split(".")
        anchor = anchor[: len(anchor) - node.level + 1]
        base = ".".join([*anchor, *([base] if base else [])])
    return base


def internal_imports(module: str) -> set[str]:
    """The desktop modules `module` imports (names that are not modules are dropped)."""
    return {name for name in imports_of(module) if name in ALL_MODULES and name != module}


def test_every_layer_imports_only_its_own_and_lower_layers() -> None:
    leaks = [
        f"{module} ({layer_of(module)}) imports {target} ({layer_of(target)})"
        for module in ALL_MODULES
        for target in sorted(internal_imports(module))
        if layer_of(target) not in ALLOWED.get(layer_of(module) or "", set())
    ]
    assert leaks == []


@cache
def import_time_imports(module: str) -> frozenset[str]:
    """The desktop modules `module` imports as it loads: its body's imports, not those inside
    functions (a lazy import is how a light path stays light) nor under TYPE_CHECKING."""
    path = ALL_MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                visit(node.orelse)
            elif isinstance(node, ast.If):
                visit(node.body)
                visit(node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body)
                for handler in node.handlers:
                    visit(handler.body)
                visit(node.orelse)
                visit(node.finalbody)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = _resolve(node, package)
                named = {f"{base}.{alias.name}" for alias in node.names}
                found.update(named)
                # `from package import module` loads the package first, but that runs before
                # the importing module does: only a name taken from the package is an edge.
                if not named <= ALL_MODULES.keys():
                    found.add(base)

    visit(ast.parse(path.read_text(encoding="utf-8"), str(path)).body)
    return frozenset(name for name in found if name in ALL_MODULES and name != module)


def import_cycles(graph: dict[str, frozenset[str]]) -> list[list[str]]:
    """Each cycle found by a depth-first walk, as the modules along it."""
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def walk(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(graph.get(module, frozenset())):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target) :], target])
            elif target not in state:
                walk(target)
        path.pop()
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            walk(module)
    return cycles


def test_no_module_imports_itself_back_as_it_loads() -> None:
    assert import_cycles({m: import_time_imports(m) for m in ALL_MODULES}) == []


def test_the_cycle_check_can_fail() -> None:
    graph = {"a": frozenset({"b"}), "b": frozenset({"c"}), "c": frozenset({"a"}), "d": frozenset()}
    assert import_cycles(graph) == [["a", "b", "c", "a"]]
    assert "desktop.store.canned" in import_time_imports("desktop.importers.base")


def _names(module: str, top: str) -> bool:
    return any(name == top or name.startswith(top + ".") for name in imports_of(module))


def test_only_the_qt_layer_imports_qt() -> None:
    assert [m for m in CORE_MODULES if _names(m, "PySide6")] == []


def _in_llama(module: str) -> bool:
    return module == LLAMA_PACKAGE or module.startswith(LLAMA_PACKAGE + ".")


def test_only_the_llama_engine_imports_llama_cpp() -> None:
    importers = [m for m in ALL_MODULES if _names(m, "llama_cpp")]
    assert importers != [] and all(_in_llama(m) for m in importers), importers


def test_the_static_check_sees_every_import_form() -> None:
    """The checks above are only as good as the parser: it must see each import spelling."""
    imports = imports_of("desktop.cli.suggest")
    assert "desktop.store.library" in imports  # from desktop.store.library import open_library
    assert "desktop.settings" in imports  # from desktop import settings as settings_module
    assert "llama_cpp" in imports_of("desktop.engine.llama.engine")
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
    if not _in_llama(module):
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
