"""Choose the llama.cpp CPU variant this machine has been *shown* to run. No llama_cpp here.

llama.cpp (built with GGML_BACKEND_DL and GGML_CPU_ALL_VARIANTS) ships its CPU code once per
CPU family and picks one by scoring cpuid alone. cpuid can promise what the OS or hypervisor
does not allow: on a virtual machine that lists `amx_tile` but withholds AMX tile state, the
Sapphire Rapids variant dies with SIGILL on its first `tilezero`. So the choice here is:

1. ask the OS which instruction-set state it enables (Linux: /proc/cpuinfo flags, the XSAVE
   features from `arch_prctl(ARCH_GET_XCOMP_SUPP)`, AMX permission through
   `arch_prctl(ARCH_REQ_XCOMP_PERM)`) and drop variants it does not;
2. probe the rest best-first, each in a child process that loads that one variant and runs a
   real decode of a model through it (a crash kills only the child);
3. remember the first survivor for this machine (CPU model, flags, OS features, llama.cpp
   build) in the user's cache folder, so later starts cost one small file read.

A variant that crashed, in a probe or at run time (see `RuntimeGuard`), is never tried again on
that machine. `AGENT_ASSIST_CPU_VARIANT=<name>` (or the `cpu_variant` setting) forces one.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import logging
import os
import platform
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from desktop.errors import ModelError

logger = logging.getLogger(__name__)

OVERRIDE_ENV = "AGENT_ASSIST_CPU_VARIANT"
STATE_FILE = "cpu-variant.json"
PROBE_FLAG = "--cpu-probe"
# A probe child's exit status when llama.cpp's own cpuid score rejects the variant.
EXIT_UNSUPPORTED = 3
PROBE_TIMEOUT_S = 120.0
_WINDOWS_ILLEGAL_INSTRUCTION = 0xC000001D  # STATUS_ILLEGAL_INSTRUCTION

_AVX512 = ("avx512f", "avx512cd", "avx512vl", "avx512dq", "avx512bw")
_HASWELL = ("sse4_2", "avx", "f16c", "fma", "avx2", "bmi2")
# What each x86 variant was compiled for, as /proc/cpuinfo names the flags; copied from
# GGML_CPU_ALL_VARIANTS in llama.cpp's ggml/src/CMakeLists.txt.
VARIANT_FEATURES: dict[str, tuple[str, ...]] = {
    "x64": (),
    "sse42": ("sse4_2",),
    "sandybridge": ("sse4_2", "avx"),
    "ivybridge": ("sse4_2", "avx", "f16c"),
    "piledriver": ("sse4_2", "avx", "f16c", "fma"),
    "haswell": _HASWELL,
    "skylakex": (*_HASWELL, *_AVX512),
    "cannonlake": (*_HASWELL, *_AVX512, "avx512vbmi"),
    "cascadelake": (*_HASWELL, *_AVX512, "avx512_vnni"),
    "icelake": (*_HASWELL, *_AVX512, "avx512vbmi", "avx512_vnni"),
    "cooperlake": (*_HASWELL, *_AVX512, "avx512_vnni", "avx512_bf16"),
    "zen4": (*_HASWELL, *_AVX512, "avx512vbmi", "avx512_vnni", "avx512_bf16"),
    "alderlake": (*_HASWELL, "avx_vnni"),
    "sapphirerapids": (
        *_HASWELL, *_AVX512, "avx512vbmi", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_int8",
    ),
}  # fmt: skip
# llama.cpp's own score (ggml-cpu/arch/x86/cpu-feats.cpp): one bit per feature group, so the
# ordering here matches what llama.cpp would have picked.
_SCORE_BITS = {
    "fma": 1, "f16c": 2, "sse4_2": 4, "bmi2": 8, "avx": 16, "avx2": 32, "avx_vnni": 64,
    "avx512f": 128, "avx512vbmi": 256, "avx512_bf16": 512, "avx512_vnni": 1024, "amx_int8": 2048,
}  # fmt: skip
# XSAVE state components the OS must enable for a feature's registers (Intel SDM vol. 1, 13.1).
_XSTATE_YMM = 1 << 2
_XSTATE_AVX512 = (1 << 5) | (1 << 6) | (1 << 7)
_XSTATE_AMX = (1 << 17) | (1 << 18)
_XFEATURE_XTILEDATA = 18
_SYS_ARCH_PRCTL = 158  # x86-64
_ARCH_GET_XCOMP_SUPP = 0x1021
_ARCH_REQ_XCOMP_PERM = 0x1023
# ARM variants carry no x86 flags. llama.cpp names them by generation (ggml/src/CMakeLists.txt:
# apple_m1 < apple_m2_m3 < apple_m4 on macOS, armv8.0_1 ... armv9.2_2 on Linux and Android), and
# a newer generation is a superset of the older, so it ranks higher; the probe decides if it runs.
_APPLE_ORDER = ("apple_m1", "apple_m2_m3", "apple_m4")
_ARM_GENERATION = re.compile(r"^(?:android_)?armv(?P<major>\d+)\.(?P<minor>\d+)_(?P<step>\d+)$")
_LIBRARY = re.compile(r"^(?:lib)?ggml-cpu-(?P<name>[\w.]+?)\.(?:so|dll|dylib)$")


@dataclass(frozen=True)
class Variant:
    name: str
    path: Path

    @property
    def features(self) -> tuple[str, ...] | None:
        """Flags it was compiled for; None for a variant this table does not know."""
        return VARIANT_FEATURES.get(self.name)

    @property
    def score(self) -> int:
        features = self.features
        if features is None:
            return _arm_rank(self.name)
        return 1 + sum(_SCORE_BITS.get(f, 0) for f in set(features))


def _arm_rank(name: str) -> int:
    """Rank of an ARM variant by its generation; 0 for a name this module does not know."""
    if name in _APPLE_ORDER:
        return 1 + _APPLE_ORDER.index(name)
    match = _ARM_GENERATION.match(name)
    if match is None:
        return 0
    return 1 + int(match["major"]) * 100 + int(match["minor"]) * 10 + int(match["step"])


def discover(folders: Iterable[Path]) -> list[Variant]:
    """The CPU variants shipped in the first folder that has any, best-scoring first."""
    for folder in folders:
        found: dict[str, Variant] = {}
        for path in sorted(folder.glob("*ggml-cpu-*")):
            match = _LIBRARY.match(path.name)
            if match and path.is_file():
                found.setdefault(match["name"], Variant(match["name"], path))
        if found:
            return sorted(found.values(), key=lambda v: (-v.score, v.name))
    return []


@dataclass(frozen=True)
class Machine:
    """What this CPU and OS let a process run; `flags` is None where the OS does not tell."""

    model: str
    flags: frozenset[str] | None
    xstate: int | None  # XSAVE features the OS enables; None where it cannot be asked
    amx_permitted: bool | None

    def disallows(self, variant: Variant) -> str | None:
        """Why the OS or CPU rules this variant out, or None when it may run."""
        needed = variant.features
        if needed is None or self.flags is None:
            return None  # unknown: the probe decides
        missing = [f for f in needed if f not in self.flags]
        if missing:
            return f"the CPU lacks {', '.join(missing)}"
        if self.xstate is not None:
            if "avx" in needed and self.xstate & _XSTATE_YMM != _XSTATE_YMM:
                return "the OS does not enable AVX register state"
            if "avx512f" in needed and self.xstate & _XSTATE_AVX512 != _XSTATE_AVX512:
                return "the OS does not enable AVX-512 register state"
            if "amx_tile" in needed and self.xstate & _XSTATE_AMX != _XSTATE_AMX:
                return "the OS does not enable AMX tile state"
        if "amx_tile" in needed and self.amx_permitted is False:
            return "the OS refuses AMX tile data to this process"
        return None

    def key(self, variants: Sequence[Variant], build: str) -> str:
        """Identifies this machine and llama.cpp build: a new CPU or build probes again."""
        parts = [
            platform.machine(),
            self.model,
            " ".join(sorted(self.flags or ())),
            str(self.xstate),
            str(self.amx_permitted),
            build,
            *(f"{v.name}:{v.path.stat().st_size}" for v in variants),
        ]
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def _cpuinfo() -> tuple[str, frozenset[str] | None]:
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return platform.processor() or platform.machine(), None
    model = re.search(r"^model name\s*:\s*(.+)$", text, re.MULTILINE)
    flags = re.search(r"^flags\s*:\s*(.+)$", text, re.MULTILINE)
    return (
        model[1].strip() if model else platform.machine(),
        frozenset(flags[1].split()) if flags else None,
    )


def _arch_prctl(code: int, arg: object) -> int | None:
    """The raw syscall (glibc has no wrapper); None where it cannot even be attempted."""
    if not sys.platform.startswith("linux") or platform.machine() not in ("x86_64", "AMD64"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.syscall(_SYS_ARCH_PRCTL, code, arg))
    except (OSError, AttributeError):
        return None


def probe_machine() -> Machine:
    """Read what the CPU claims and what the OS enables (Linux); cheap, no child process."""
    model, flags = _cpuinfo()
    mask = ctypes.c_uint64(0)
    xstate = mask.value if _arch_prctl(_ARCH_GET_XCOMP_SUPP, ctypes.byref(mask)) == 0 else None
    amx: bool | None = None
    if flags is not None and "amx_tile" in flags:
        # Asking grants AMX to this process; llama.cpp asks the same before its first tile op.
        amx = _arch_prctl(_ARCH_REQ_XCOMP_PERM, _XFEATURE_XTILEDATA) == 0
    return Machine(model, flags, xstate, amx)


class Outcome(Enum):
    OK = "ok"
    UNSUPPORTED = "unsupported"  # llama.cpp's cpuid check refused it: no crash, just no
    CRASHED = "crashed"  # killed by a signal (SIGILL, SIGSEGV...) or timed out
    INCONCLUSIVE = "inconclusive"  # the probe itself failed (e.g. could not start): says nothing


@dataclass(frozen=True)
class ProbeResult:
    outcome: Outcome
    detail: str = ""
    seconds: float = 0.0


Probe = Callable[[Variant], ProbeResult]


def probe_command(library: Path, model: Path) -> list[str]:
    """The command that runs one probe: the app itself, in a hidden mode (frozen or not)."""
    if getattr(sys, "frozen", False):
        return [sys.executable, PROBE_FLAG, str(library), str(model)]
    return [sys.executable, "-m", "desktop", PROBE_FLAG, str(library), str(model)]


def _describe_exit(code: int) -> str:
    if code < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-code).name}"
        return f"killed by signal {-code}"
    if code == _WINDOWS_ILLEGAL_INSTRUCTION:
        return "illegal instruction"
    return f"exit status {code}"


def run_probe(command: Sequence[str], timeout: float = PROBE_TIMEOUT_S) -> ProbeResult:
    """Run one probe child and classify how it ended."""
    started = time.perf_counter()
    try:
        done = subprocess.run(
            list(command),
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
            creationflags=getattr(subprocess, "CREATE_NO_WINDOW", 0),
        )
    except subprocess.TimeoutExpired:
        return ProbeResult(Outcome.CRASHED, f"hung for {timeout:.0f} s", timeout)
    except OSError as exc:
        return ProbeResult(Outcome.INCONCLUSIVE, f"could not start: {exc}")
    seconds = time.perf_counter() - started
    if done.returncode == 0:
        return ProbeResult(Outcome.OK, done.stdout.strip()[-200:], seconds)
    if done.returncode == EXIT_UNSUPPORTED:
        return ProbeResult(Outcome.UNSUPPORTED, "llama.cpp reports it unsupported", seconds)
    # 132/139: a shell in between reports SIGILL/SIGSEGV as 128 + signal.
    crashed = done.returncode < 0 or done.returncode in (_WINDOWS_ILLEGAL_INSTRUCTION, 132, 139)
    last_line = (done.stderr.strip().splitlines() or [""])[-1][:200]
    detail = _describe_exit(done.returncode) + (f": {last_line}" if last_line else "")
    return ProbeResult(Outcome.CRASHED if crashed else Outcome.INCONCLUSIVE, detail, seconds)


@dataclass
class State:
    """What is remembered for one machine key (JSON in the user's cache folder)."""

    key: str
    chosen: str | None = None
    reason: str = ""
    failed: dict[str, str] = field(default_factory=dict)  # variant -> why it is never tried
    pending: dict[str, object] | None = None  # a model load in flight: {variant, pid, since}


class StateFile:
    """The remembered choice; a missing or unreadable file just means 'probe again'."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self, key: str) -> State:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return State(key)
        if not isinstance(raw, dict) or raw.get("key") != key:
            return State(key)  # another CPU or llama.cpp build: start over
        failed = raw.get("failed")
        pending = raw.get("pending")
        return State(
            key,
            raw.get("chosen") if isinstance(raw.get("chosen"), str) else None,
            str(raw.get("reason", "")),
            {str(k): str(v) for k, v in failed.items()} if isinstance(failed, dict) else {},
            pending if isinstance(pending, dict) else None,
        )

    def save(self, state: State) -> None:
        data = {
            "key": state.key,
            "chosen": state.chosen,
            "reason": state.reason,
            "failed": state.failed,
            "pending": state.pending,
        }
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError as exc:  # a read-only cache only costs a probe on the next start
            logger.warning("cannot remember the CPU variant in %s: %s", self.path, exc)


@dataclass(frozen=True)
class Choice:
    variant: Variant
    reason: str  # for the log, --self-test and the About box
    notice: str = ""  # for the status bar: set when a crash made us fall back
    probe_seconds: float = 0.0
    key: str = ""  # the machine key its state is remembered under ("" when forced)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    if os.name != "posix":
        return False  # os.kill would terminate it on Windows; a stale marker is the safe guess
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _absorb_crash(state: State) -> str:
    """A model load that never finished in a dead process: its variant crashed. Returns a notice."""
    pending = state.pending
    if not pending:
        return ""
    pid = pending.get("pid")
    if isinstance(pid, int) and _pid_alive(pid):
        return ""  # another instance is loading right now
    state.pending = None
    name = str(pending.get("variant", ""))
    if not name:
        return ""
    state.failed[name] = "the app stopped while loading a model with it"
    if state.chosen == name:
        state.chosen = None
    return f"llama.cpp's {name} CPU code crashed last time; using another variant"


def choose(
    variants: Sequence[Variant],
    machine: Machine,
    state_file: StateFile,
    build: str,
    probe: Probe,
    forced: str | None = None,
) -> Choice:
    """The variant to load in this process; see the module docstring for the order of checks."""
    if not variants:
        raise ModelError(
            "llama.cpp's CPU libraries (ggml-cpu-*) are missing next to its other libraries. "
            "Reinstall Agent Assist (or run `make setup` again)."
        )
    by_name = {v.name: v for v in variants}
    if forced:
        if forced not in by_name:
            raise ModelError(
                f"{OVERRIDE_ENV} / the cpu_variant setting names '{forced}', which this build does "
                f"not have. Available: {', '.join(by_name)}."
            )
        return Choice(by_name[forced], f"{forced}: forced by {OVERRIDE_ENV} or the settings")

    key = machine.key(variants, build)
    state = state_file.load(key)
    notice = _absorb_crash(state)
    if state.chosen in by_name and state.chosen not in state.failed:
        if notice:
            state_file.save(state)
        reason = f"{state.reason}; remembered for this machine"
        return Choice(by_name[state.chosen], reason, notice, key=key)

    started = time.perf_counter()
    skipped: list[str] = []
    inconclusive: list[tuple[Variant, str]] = []
    for variant in variants:
        if variant.name in state.failed:
            skipped.append(f"{variant.name} ({state.failed[variant.name]})")
            continue
        why_not = machine.disallows(variant)
        if why_not:
            skipped.append(f"{variant.name} ({why_not})")
            continue
        result = probe(variant)
        logger.info("CPU probe %s: %s %s", variant.name, result.outcome.value, result.detail)
        if result.outcome is Outcome.OK:
            state.chosen = variant.name
            state.reason = f"{variant.name}: the best variant that ran a test decode here" + (
                f"; skipped {'; '.join(skipped)}" if skipped else ""
            )
            state_file.save(state)
            return Choice(variant, state.reason, notice, time.perf_counter() - started, key)
        if result.outcome is Outcome.CRASHED:
            state.failed[variant.name] = f"test decode {result.detail}"
            state_file.save(state)  # at once: a crash here is never repeated
            skipped.append(f"{variant.name} (test decode {result.detail})")
        elif result.outcome is Outcome.UNSUPPORTED:
            skipped.append(f"{variant.name} ({result.detail})")
        else:
            inconclusive.append((variant, result.detail))
    if inconclusive:
        # The probe could not run at all (not a CPU problem): take the best variant the OS
        # allows, as llama.cpp would, without remembering it, so the next start probes again.
        variant, detail = inconclusive[0]
        reason = f"{variant.name}: chosen from CPU flags; the test decode could not run ({detail})"
        return Choice(variant, reason, notice, time.perf_counter() - started, key)
    raise ModelError(
        "None of llama.cpp's CPU variants can run on this machine: "
        + "; ".join(skipped)
        + f". Set {OVERRIDE_ENV} to one of {', '.join(by_name)} to force one."
    )


class RuntimeGuard:
    """Marks a model load in flight, so that if it kills the process the next start knows.

    The window is short (load plus a one-token warm-up); a clean finish or an ordinary error
    clears it. Only a process that dies inside it leaves the marker behind.
    """

    def __init__(self, state_file: StateFile, key: str, variant: str) -> None:
        self._file = state_file
        self._key = key
        self._variant = variant

    @contextlib.contextmanager
    def loading(self) -> Iterator[None]:
        state = self._file.load(self._key)
        state.pending = {"variant": self._variant, "pid": os.getpid(), "since": time.time()}
        self._file.save(state)
        try:
            yield
        finally:
            state = self._file.load(self._key)
            state.pending = None
            self._file.save(state)
