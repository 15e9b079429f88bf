"""Choosing llama.cpp's CPU variant: never die from an illegal instruction (issue: VM crash).

The selection logic runs against real child processes that kill themselves with SIGILL, the
way a variant with instructions the hypervisor withholds dies; the real probe runs over the
variants shipped in the virtual environment.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from desktop.engine import cpu_variants
from desktop.engine.cpu_variants import (
    Choice,
    Machine,
    Outcome,
    ProbeResult,
    StateFile,
    Variant,
    choose,
    discover,
)
from desktop.errors import ModelError

ROOT = Path(__file__).resolve().parents[2]
ALL_FLAGS = frozenset(f for features in cpu_variants.VARIANT_FEATURES.values() for f in features)
EVERYTHING = Machine("Test CPU", ALL_FLAGS, xstate=(1 << 19) - 1, amx_permitted=True)
NAMES = ("sapphirerapids", "zen4", "icelake", "haswell", "sse42", "x64")

pytestmark = pytest.mark.skipif(os.name != "posix", reason="signals as on Linux/macOS")


@pytest.fixture
def variants(tmp_path: Path) -> list[Variant]:
    folder = tmp_path / "lib"
    folder.mkdir()
    for name in NAMES:
        (folder / f"libggml-cpu-{name}.so").write_bytes(name.encode())
    return discover([folder])


@pytest.fixture
def state_file(tmp_path: Path) -> StateFile:
    return StateFile(tmp_path / "cache" / "cpu-variant.json")


def _child(code: str) -> list[str]:
    return [sys.executable, "-c", code]


SIGILL_CHILD = _child("import os, signal; os.kill(os.getpid(), signal.SIGILL)")
OK_CHILD = _child("print('decoded')")


class RecordingProbe:
    """Runs a real child per probe: the variants named in `crash` die from SIGILL."""

    def __init__(self, crash: set[str] = frozenset(), hang: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.crash = crash
        self.hang = hang
        self.calls: list[str] = []

    def __call__(self, variant: Variant) -> ProbeResult:
        self.calls.append(variant.name)
        if variant.name in self.hang:
            return cpu_variants.run_probe(_child("import time; time.sleep(30)"), timeout=0.5)
        return cpu_variants.run_probe(SIGILL_CHILD if variant.name in self.crash else OK_CHILD)


def test_discover_orders_variants_like_llama_cpp_scores_them(variants: list[Variant]) -> None:
    assert [v.name for v in variants] == list(NAMES)
    assert variants[0].score > variants[1].score > variants[-1].score


def test_a_child_killed_by_sigill_is_classified_as_a_crash() -> None:
    result = cpu_variants.run_probe(SIGILL_CHILD)
    assert result.outcome is Outcome.CRASHED
    assert "SIGILL" in result.detail
    assert cpu_variants.run_probe(OK_CHILD).outcome is Outcome.OK
    assert cpu_variants.run_probe(_child("raise SystemExit(3)")).outcome is Outcome.UNSUPPORTED
    failing = cpu_variants.run_probe(_child("raise SystemExit('no module named x')"))
    assert failing.outcome is Outcome.INCONCLUSIVE


def test_crashing_best_variant_falls_back_and_is_remembered(
    variants: list[Variant], state_file: StateFile
) -> None:
    probe = RecordingProbe(crash={"sapphirerapids"})
    choice = choose(variants, EVERYTHING, state_file, "build-1", probe)
    assert choice.variant.name == "zen4"
    assert probe.calls == ["sapphirerapids", "zen4"]
    assert "sapphirerapids" in choice.reason and "SIGILL" in choice.reason
    saved = json.loads(state_file.path.read_text())
    assert saved["chosen"] == "zen4"
    assert "SIGILL" in saved["failed"]["sapphirerapids"]

    # The next start reads the remembered choice: no child at all.
    again = RecordingProbe()
    remembered = choose(variants, EVERYTHING, state_file, "build-1", again)
    assert remembered.variant.name == "zen4"
    assert remembered.reason.endswith("remembered for this machine")
    assert again.calls == []


def test_a_crashed_variant_is_never_probed_again(
    variants: list[Variant], state_file: StateFile
) -> None:
    choose(variants, EVERYTHING, state_file, "b", RecordingProbe(crash={"sapphirerapids"}))
    # Even when the remembered choice is gone (e.g. it crashed later), the crashed one stays out.
    raw = json.loads(state_file.path.read_text())
    raw["chosen"] = None
    state_file.path.write_text(json.dumps(raw))
    probe = RecordingProbe()
    assert choose(variants, EVERYTHING, state_file, "b", probe).variant.name == "zen4"
    assert "sapphirerapids" not in probe.calls


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda m, b: (Machine("Other CPU", m.flags, m.xstate, True), b), id="cpu"),
        pytest.param(lambda m, b: (m, "build-2"), id="llama-build"),
    ],
)
def test_a_new_cpu_or_llama_build_probes_again(
    variants: list[Variant],
    state_file: StateFile,
    change: Callable[[Machine, str], tuple[Machine, str]],
) -> None:
    choose(variants, EVERYTHING, state_file, "build-1", RecordingProbe(crash={"sapphirerapids"}))
    machine, build = change(EVERYTHING, "build-1")
    probe = RecordingProbe()
    assert choose(variants, machine, state_file, build, probe).variant.name == "sapphirerapids"
    assert probe.calls == ["sapphirerapids"]


def test_the_override_wins_without_probing(variants: list[Variant], state_file: StateFile) -> None:
    probe = RecordingProbe()
    choice = choose(variants, EVERYTHING, state_file, "b", probe, forced="sse42")
    assert choice.variant.name == "sse42"
    assert "forced" in choice.reason
    assert probe.calls == []
    with pytest.raises(ModelError, match=r"'avx9000'.*Available: sapphirerapids, zen4"):
        choose(variants, EVERYTHING, state_file, "b", probe, forced="avx9000")


def test_every_variant_failing_is_one_clear_error(
    variants: list[Variant], state_file: StateFile
) -> None:
    probe = RecordingProbe(crash=set(NAMES), hang=set())
    with pytest.raises(ModelError) as caught:
        choose(variants, EVERYTHING, state_file, "b", probe)
    message = str(caught.value)
    assert message.startswith("None of llama.cpp's CPU variants can run on this machine")
    assert "x64 (test decode killed by SIGILL)" in message
    assert cpu_variants.OVERRIDE_ENV in message


def test_a_hanging_probe_counts_as_a_crash(variants: list[Variant], state_file: StateFile) -> None:
    probe = RecordingProbe(hang={"sapphirerapids"})
    assert choose(variants, EVERYTHING, state_file, "b", probe).variant.name == "zen4"
    assert "hung" in json.loads(state_file.path.read_text())["failed"]["sapphirerapids"]


def test_an_inconclusive_probe_uses_cpu_flags_and_is_not_remembered(
    variants: list[Variant], state_file: StateFile
) -> None:
    def broken(variant: Variant) -> ProbeResult:
        return ProbeResult(Outcome.INCONCLUSIVE, "exit status 1: ImportError")

    choice = choose(variants, EVERYTHING, state_file, "b", broken)
    assert choice.variant.name == "sapphirerapids"
    assert "could not run" in choice.reason
    assert not state_file.path.exists() or json.loads(state_file.path.read_text())["chosen"] is None


@pytest.mark.parametrize(
    ("machine", "first"),
    [
        pytest.param(Machine("vm", ALL_FLAGS, (1 << 17) - 1, None), "zen4", id="no-amx-xstate"),
        pytest.param(Machine("vm", ALL_FLAGS, (1 << 19) - 1, False), "zen4", id="amx-refused"),
        pytest.param(Machine("vm", ALL_FLAGS, 0b111, None), "haswell", id="no-avx512-xstate"),
        pytest.param(Machine("old", frozenset({"sse4_2"}), None, None), "sse42", id="old-cpu"),
    ],
)
def test_what_the_os_does_not_enable_is_skipped_without_a_probe(
    variants: list[Variant], state_file: StateFile, machine: Machine, first: str
) -> None:
    probe = RecordingProbe()
    choice = choose(variants, machine, state_file, "b", probe)
    assert probe.calls == [first]
    assert choice.variant.name == first


def test_probe_machine_reads_this_machine() -> None:
    machine = cpu_variants.probe_machine()
    assert machine.model
    if sys.platform.startswith("linux"):
        assert machine.flags is not None
        if os.uname().machine == "x86_64":
            assert machine.flags and "sse2" in machine.flags
            assert machine.xstate is not None and machine.xstate & 0b11 == 0b11  # x87 + SSE


def _guard_then_die(state: Path, key: str) -> None:
    code = textwrap.dedent(
        f"""
        import os, signal
        from pathlib import Path
        from desktop.engine.cpu_variants import RuntimeGuard, StateFile
        guard = RuntimeGuard(StateFile(Path({str(state)!r})), {key!r}, "zen4")
        with guard.loading():
            os.kill(os.getpid(), signal.SIGILL)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], check=False, cwd=ROOT)
    assert done.returncode == -signal.SIGILL


def test_a_crash_at_run_time_falls_back_on_the_next_start(
    variants: list[Variant], state_file: StateFile
) -> None:
    first: Choice = choose(variants, EVERYTHING, state_file, "b", RecordingProbe())
    assert first.variant.name == "sapphirerapids"
    # Suppose it passed the probe but a real model's kernels crash the app while loading.
    raw = json.loads(state_file.path.read_text())
    raw["chosen"] = "zen4"
    state_file.path.write_text(json.dumps(raw))
    _guard_then_die(state_file.path, first.key)

    probe = RecordingProbe()
    second = choose(variants, EVERYTHING, state_file, "b", probe)
    assert second.variant.name == "sapphirerapids"
    assert "zen4" in second.notice and "crashed" in second.notice
    saved = json.loads(state_file.path.read_text())
    assert "zen4" in saved["failed"] and saved["pending"] is None
    # The notice is said once; the next start is quiet.
    assert choose(variants, EVERYTHING, state_file, "b", probe).notice == ""


def test_a_clean_or_failed_load_leaves_no_marker(
    variants: list[Variant], state_file: StateFile
) -> None:
    choice = choose(variants, EVERYTHING, state_file, "b", RecordingProbe())
    guard = cpu_variants.RuntimeGuard(state_file, choice.key, choice.variant.name)
    seen: list[object] = []

    def failing_load() -> None:
        with guard.loading():
            seen.append(json.loads(state_file.path.read_text())["pending"]["pid"])
            raise ValueError("bad file")

    with pytest.raises(ValueError, match="bad file"):
        failing_load()
    assert seen == [os.getpid()]
    assert json.loads(state_file.path.read_text())["pending"] is None
    assert choose(variants, EVERYTHING, state_file, "b", RecordingProbe()).notice == ""


def test_an_unreadable_state_file_means_probe_again(
    variants: list[Variant], state_file: StateFile
) -> None:
    state_file.path.parent.mkdir(parents=True)
    state_file.path.write_bytes(b"\x00garbage")
    probe = RecordingProbe()
    assert choose(variants, EVERYTHING, state_file, "b", probe).variant.name == "sapphirerapids"
    assert probe.calls == ["sapphirerapids"]


# --- the real thing: llama.cpp's shipped variants, a real model, a real crashing library ---


def _shipped() -> list[Variant]:
    import llama_cpp

    package = Path(llama_cpp.__file__).resolve().parent
    return discover([package / "lib", package.parent / "bin"])


@pytest.mark.skipif(os.uname().machine != "x86_64", reason="CPU variants are an x86-64 build")
def test_real_probe_over_the_shipped_variants(default_model: Path) -> None:
    shipped = {v.name: v for v in _shipped()}
    assert {"x64", "sse42", "haswell"} <= set(shipped)
    machine = cpu_variants.probe_machine()
    baseline = cpu_variants.run_probe(
        cpu_variants.probe_command(shipped["x64"].path, default_model)
    )
    assert baseline.outcome is Outcome.OK, baseline.detail
    best = next(v for v in shipped.values() if machine.disallows(v) is None)
    result = cpu_variants.run_probe(cpu_variants.probe_command(best.path, default_model))
    assert result.outcome is Outcome.OK, result.detail
    # A variant this CPU lacks is refused by llama.cpp's own cpuid check, without a crash.
    lacking = [v for v in shipped.values() if machine.disallows(v)]
    if lacking:
        refused = cpu_variants.run_probe(cpu_variants.probe_command(lacking[0].path, default_model))
        assert refused.outcome is Outcome.UNSUPPORTED, refused.detail


TRAP_LIBRARY = """
int ggml_backend_score(void) { return 1 << 20; }   /* claims to be the best for this CPU */
void *ggml_backend_init(void) { __builtin_trap(); return 0; }  /* ud2: SIGILL, like AMX on a VM */
"""


@pytest.fixture
def trap_folder(tmp_path: Path) -> Path:
    """A backend folder like the wheel's, whose best-scoring variant dies from SIGILL."""
    compiler = shutil.which("cc") or shutil.which("gcc")
    if compiler is None:
        pytest.skip("needs a C compiler to build the trapping library")
    folder = tmp_path / "backends"
    folder.mkdir()
    source = tmp_path / "trap.c"
    source.write_text(TRAP_LIBRARY)
    lib = folder / "libggml-cpu-sapphirerapids.so"
    subprocess.run([compiler, "-shared", "-fPIC", "-o", lib, source], check=True)
    for variant in _shipped():
        if variant.name in ("x64", "haswell"):
            shutil.copy(variant.path, folder / variant.path.name)
    return folder


ENGINE_IN_CHILD = """
import sys
from pathlib import Path
from desktop.engine import cpu_variants, llama
from desktop.engine.llama import backend
folder = Path(sys.argv[1])
backend._backend_dirs = lambda: [folder]
# Unknown flags: the probe, not the OS check, has to find out that the best variant dies.
cpu_variants.probe_machine = lambda: cpu_variants.Machine("VM", None, None, None)
engine = llama.LlamaEngine(Path(sys.argv[2]), context_tokens=512)
print(engine.info.cpu_variant)
print(engine.info.cpu_variant_reason)
"""


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or os.uname().machine != "x86_64",
    reason="the trapping library is a Linux x86-64 shared object",
)
def test_the_engine_survives_a_best_variant_that_dies(
    trap_folder: Path, default_model: Path, app_home: Path
) -> None:
    # llama.cpp on its own picks the trapping library and the process dies.
    bare = subprocess.run(
        [
            sys.executable,
            "-c",
            "import ctypes, sys, llama_cpp; g = ctypes.CDLL('libggml.so.0');"
            "g.ggml_backend_load_all_from_path(sys.argv[1].encode())",
            str(trap_folder),
        ],
        check=False,
        capture_output=True,
    )
    assert bare.returncode == -signal.SIGILL

    env = {**os.environ, "AGENT_ASSIST_HOME": str(app_home)}
    run = [sys.executable, "-c", ENGINE_IN_CHILD, str(trap_folder), str(default_model)]
    done = subprocess.run(run, check=False, capture_output=True, text=True, env=env, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    variant, reason = done.stdout.strip().splitlines()[-2:]
    assert variant == "haswell" or variant == "x64"
    assert "sapphirerapids (test decode killed by SIGILL)" in reason
    state = json.loads((app_home / "cache" / "cpu-variant.json").read_text())
    assert "sapphirerapids" in state["failed"]

    # Second start: remembered, no probe, same variant.
    again = subprocess.run(run, check=False, capture_output=True, text=True, env=env, cwd=ROOT)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().splitlines()[-2] == variant
    assert "remembered for this machine" in again.stdout
