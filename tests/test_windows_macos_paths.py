"""The Windows and macOS code paths, run on Linux against the platform APIs' documented
behaviour: the login entry (HKCU Run value through winreg; a LaunchAgent plist), the user
folders on macOS, and the choice of llama.cpp's CPU variant from a Windows or macOS build.
"""

from __future__ import annotations

import importlib
import plistlib
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType, TracebackType

import platformdirs
import platformdirs.macos
import pytest
from desktop import APP_ID, APP_NAME, paths
from desktop.engine import cpu_variants
from desktop.engine.cpu_variants import Machine, Outcome, ProbeResult, StateFile, Variant
from desktop.system import autostart

FROZEN_EXE = r"C:\Users\Sam Lee\AppData\Local\Programs\Agent Assist\agent-assist.exe"


# --- Windows: the Run value, through an in-memory registry that keeps winreg's contract ------
class FakeWinreg(ModuleType):
    """winreg as documented: OpenKey and QueryValueEx raise FileNotFoundError (an OSError) for
    a missing key or value, CreateKey opens or creates, DeleteValue of a missing value raises
    FileNotFoundError, and handles are context managers."""

    HKEY_CURRENT_USER = 0x80000001
    KEY_SET_VALUE = 0x0002
    REG_SZ = 1

    def __init__(self) -> None:
        super().__init__("winreg")
        self.keys: dict[tuple[int, str], dict[str, tuple[object, int]]] = {}

    class _Handle:
        def __init__(self, values: dict[str, tuple[object, int]]) -> None:
            self.values = values

        def __enter__(self) -> FakeWinreg._Handle:
            return self

        def __exit__(
            self,
            kind: type[BaseException] | None,
            exc: BaseException | None,
            tb: TracebackType | None,
        ) -> None:
            return None

    def OpenKey(self, root: int, sub: str, reserved: int = 0, access: int = 0) -> _Handle:  # noqa: N802
        if (root, sub.lower()) not in self.keys:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return self._Handle(self.keys[(root, sub.lower())])

    def CreateKey(self, root: int, sub: str) -> _Handle:  # noqa: N802
        return self._Handle(self.keys.setdefault((root, sub.lower()), {}))

    def QueryValueEx(self, key: _Handle, name: str) -> tuple[object, int]:  # noqa: N802
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        return key.values[name]

    def SetValueEx(self, key: _Handle, name: str, reserved: int, kind: int, value: object) -> None:  # noqa: N802
        key.values[name] = (value, kind)

    def DeleteValue(self, key: _Handle, name: str) -> None:  # noqa: N802
        if name not in key.values:
            raise FileNotFoundError(2, "The system cannot find the file specified")
        del key.values[name]


@pytest.fixture
def windows_autostart(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[ModuleType, FakeWinreg]]:
    """desktop.system.autostart as imported on Windows, as the frozen app."""
    registry = FakeWinreg()
    monkeypatch.setitem(sys.modules, "winreg", registry)
    monkeypatch.setattr(sys, "platform", "win32")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", FROZEN_EXE)
    module = importlib.reload(autostart)
    yield module, registry
    monkeypatch.undo()
    importlib.reload(autostart)  # back to this platform's functions


def test_windows_start_at_login_is_one_run_value(
    windows_autostart: tuple[ModuleType, FakeWinreg],
) -> None:
    module, registry = windows_autostart
    assert not module.is_enabled()  # no Run key at all yet: not an error
    where = module.enable()
    assert where == rf"HKCU\Software\Microsoft\Windows\CurrentVersion\Run\{APP_NAME}"
    run = registry.keys[(registry.HKEY_CURRENT_USER, module.RUN_KEY.lower())]
    value, kind = run[APP_NAME]
    assert kind == registry.REG_SZ
    # One command line that Windows splits back into the exe (with its spaces) and the flag.
    assert value == f'"{FROZEN_EXE}" --minimized'
    assert module.is_enabled()
    module.apply(False)
    assert APP_NAME not in run and not module.is_enabled()
    module.disable()  # already gone: nothing to do, no error


# --- macOS: the LaunchAgent, and where the data goes ------------------------------------------
def test_macos_start_at_login_is_a_launch_agent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    exe = "/Applications/Agent Assist.app/Contents/MacOS/agent-assist"
    monkeypatch.setattr(sys, "executable", exe)
    target = tmp_path / "Library" / "LaunchAgents" / f"com.{APP_ID}.login.plist"
    assert autostart.enable() == str(target)
    agent = plistlib.loads(target.read_bytes())
    assert agent == {
        "Label": f"com.{APP_ID}.login",
        "ProgramArguments": [exe, "--minimized"],
        "RunAtLoad": True,
    }
    assert autostart.is_enabled()
    autostart.disable()
    assert not target.exists()
    assert not (tmp_path / ".config").exists()  # nothing written the Linux way


def test_macos_user_folders_follow_apples_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AGENT_ASSIST_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.macos.MacOS)
    support = tmp_path / "Library" / "Application Support" / APP_ID
    assert paths.data_dir() == support  # no author folder: appauthor=False
    assert paths.database_path() == support / "canned.db"
    assert paths.cache_dir() == tmp_path / "Library" / "Caches" / APP_ID


def test_a_frozen_bundle_reads_resources_from_its_own_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PyInstaller's onedir layout on every OS: sys._MEIPASS is the _internal folder."""
    internal = tmp_path / "Agent Assist" / "_internal"
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "_MEIPASS", str(internal), raising=False)
    assert paths.resource_dir() == internal / "resources"
    monkeypatch.delenv("AGENT_ASSIST_HOME", raising=False)
    monkeypatch.setattr(paths, "data_dir", lambda: tmp_path / "nothing-here")
    assert paths.default_model_path() == internal / "models" / paths.DEFAULT_MODEL_NAME


# --- llama.cpp's CPU variants in a Windows or macOS build -------------------------------------
def _shipped(tmp_path: Path, names: list[str]) -> list[Variant]:
    folder = tmp_path / "lib"
    folder.mkdir()
    for name in names:
        (folder / name).write_bytes(name.encode())
    return cpu_variants.discover([folder])


UNKNOWN_CPU = Machine("Apple M1", flags=None, xstate=None, amx_permitted=None)  # no /proc


def test_apple_variants_are_probed_newest_first_and_the_refused_one_skipped(
    tmp_path: Path,
) -> None:
    # GGML_BACKEND_DL modules keep the .so suffix on macOS (CMake's module suffix there).
    variants = _shipped(
        tmp_path,
        ["libggml-cpu-apple_m1.so", "libggml-cpu-apple_m4.so", "libggml-cpu-apple_m2_m3.so"],
    )
    assert [v.name for v in variants] == ["apple_m4", "apple_m2_m3", "apple_m1"]
    calls: list[str] = []

    def probe(variant: Variant) -> ProbeResult:
        calls.append(variant.name)
        # An M1 has no SME or i8mm: llama.cpp's own check refuses the newer variants (exit 3).
        code = 3 if variant.name != "apple_m1" else 0
        return cpu_variants.run_probe([sys.executable, "-c", f"raise SystemExit({code})"])

    choice = cpu_variants.choose(
        variants, UNKNOWN_CPU, StateFile(tmp_path / "state.json"), "0.3", probe
    )
    assert choice.variant.name == "apple_m1"
    assert calls == ["apple_m4", "apple_m2_m3", "apple_m1"]


def test_linux_arm_variants_rank_by_generation(tmp_path: Path) -> None:
    names = ["armv8.0_1", "armv9.2_2", "armv8.2_3", "armv8.6_1", "armv8.2_1"]
    variants = _shipped(tmp_path, [f"libggml-cpu-{n}.so" for n in names])
    assert [v.name for v in variants] == [
        "armv9.2_2",
        "armv8.6_1",
        "armv8.2_3",
        "armv8.2_1",
        "armv8.0_1",
    ]


def test_windows_dlls_are_found_and_probed_without_cpu_flags(tmp_path: Path) -> None:
    """Windows has no /proc/cpuinfo: nothing is ruled out up front, the probes decide."""
    variants = _shipped(
        tmp_path, ["ggml-cpu-x64.dll", "ggml-cpu-haswell.dll", "ggml-cpu-skylakex.dll", "ggml.dll"]
    )
    assert [v.name for v in variants] == ["skylakex", "haswell", "x64"]
    windows_cpu = Machine("Intel64 Family 6", flags=None, xstate=None, amx_permitted=None)
    assert all(windows_cpu.disallows(v) is None for v in variants)
    seen: list[str] = []

    def probe(variant: Variant) -> ProbeResult:
        seen.append(variant.name)
        # What a probe child killed by STATUS_ILLEGAL_INSTRUCTION looks like to run_probe.
        if variant.name == "skylakex":
            return ProbeResult(Outcome.CRASHED, "illegal instruction")
        return ProbeResult(Outcome.OK)

    state = StateFile(tmp_path / "state.json")
    choice = cpu_variants.choose(variants, windows_cpu, state, "0.3", probe)
    assert choice.variant.name == "haswell" and seen == ["skylakex", "haswell"]
    # Remembered: the next start reads the file, and skylakex is never probed again.
    again = cpu_variants.choose(variants, windows_cpu, state, "0.3", probe)
    assert again.variant.name == "haswell" and seen == ["skylakex", "haswell"]


def test_windows_illegal_instruction_exit_code_is_named() -> None:
    """A child killed by STATUS_ILLEGAL_INSTRUCTION exits with 0xC000001D on Windows."""
    assert cpu_variants._describe_exit(0xC000001D) == "illegal instruction"
