"""Which llama.cpp CPU code this process runs: the variant this machine was shown to run.

A GGML_BACKEND_DL build of llama.cpp keeps its CPU code in one library per CPU family; the one
loaded is chosen by `cpu_variants` (probed in a child process, remembered per machine) before
any model loads, so an illegal instruction kills a probe and never the app.
"""

from __future__ import annotations

import ctypes
import functools
import logging
import os
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import llama_cpp

from desktop import native_loading, paths
from desktop.engine import cpu_variants
from desktop.errors import ModelError

logger = logging.getLogger(__name__)

# The name under which libllama loaded ggml, per platform: ctypes then gets that same copy
# (the wheel ships libggml.so and libggml.so.0 as two files, each with its own registry).
_GGML_NAMES = {"linux": "libggml.so.0", "darwin": "libggml.0.dylib", "win32": "ggml.dll"}


@dataclass(frozen=True)
class CpuBackend:
    """The llama.cpp CPU code loaded into this process, and why it was chosen."""

    variant: str
    reason: str
    notice: str = ""
    guard: cpu_variants.RuntimeGuard | None = None


def _backend_dirs() -> list[Path]:
    """Where a GGML_BACKEND_DL build keeps its libggml-cpu-<family> libraries.

    The wheel's top-level bin/ (so site-packages/bin) in development, llama_cpp/lib in the
    packaged app.
    """
    package = Path(llama_cpp.__file__).resolve().parent
    return [package / "lib", package.parent / "bin"]


def _ggml() -> ctypes.CDLL | None:
    name = _GGML_NAMES.get("linux" if sys.platform.startswith("linux") else sys.platform)
    try:
        ggml = ctypes.CDLL(name or "ggml")
    except OSError:
        return None  # no separate ggml library: the CPU code is built in
    ggml.ggml_backend_reg_count.restype = ctypes.c_size_t
    ggml.ggml_backend_load.argtypes = [ctypes.c_char_p]
    ggml.ggml_backend_load.restype = ctypes.c_void_p
    return ggml


def _probe(variant: cpu_variants.Variant, model: Path) -> cpu_variants.ProbeResult:
    return cpu_variants.run_probe(cpu_variants.probe_command(variant.path, model))


_backend_lock = threading.Lock()
_backend: CpuBackend | None = None


def load_cpu_backend(probe_model: Path, forced: str = "") -> CpuBackend:
    """Load llama.cpp's CPU code once per process: the variant this machine was shown to run.

    `probe_model` is the GGUF a probe decodes (the small default model where it exists).
    `forced` (or $AGENT_ASSIST_CPU_VARIANT, which wins) names a variant to use unprobed.
    Raises ModelError when no variant can run, instead of dying from an illegal instruction.
    """
    global _backend
    with _backend_lock:
        if _backend is not None:
            return _backend
        with native_loading.LOADING:
            ggml = _ggml()
        if ggml is None or ggml.ggml_backend_reg_count() > 0:
            _backend = CpuBackend("built-in", "llama.cpp was built with its CPU code inside")
            return _backend
        # llama-cpp-python prints llama.cpp's log to stderr unless its logger is quiet; the
        # CLI's output stays clean, and what was chosen goes to our log instead.
        logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)
        variants = cpu_variants.discover(_backend_dirs())
        state_file = cpu_variants.StateFile(paths.cache_dir() / cpu_variants.STATE_FILE)
        choice = cpu_variants.choose(
            variants,
            cpu_variants.probe_machine(),
            state_file,
            build=llama_cpp.__version__,
            probe=functools.partial(_probe, model=probe_model),
            forced=os.environ.get(cpu_variants.OVERRIDE_ENV) or forced or None,
        )
        with native_loading.LOADING:  # a dlopen: see desktop/native_loading.py
            loaded = ggml.ggml_backend_load(str(choice.variant.path).encode())
        if not loaded:
            raise ModelError(
                f"llama.cpp refused its {choice.variant.name} CPU code on this machine. "
                f"Unset {cpu_variants.OVERRIDE_ENV} (or the cpu_variant setting) to choose "
                "automatically."
            )
        features = llama_cpp.llama_print_system_info().decode(errors="replace").strip()
        logger.info(
            "llama.cpp CPU variant %s (%s); %s", choice.variant.name, choice.reason, features
        )
        guard = (
            cpu_variants.RuntimeGuard(state_file, choice.key, choice.variant.name)
            if choice.key
            else None
        )
        _backend = CpuBackend(choice.variant.name, choice.reason, choice.notice, guard)
        return _backend


def run_cpu_probe(argv: Sequence[str]) -> int:
    """Body of a probe child (`--cpu-probe LIBRARY MODEL`): load one variant, decode for real.

    Exit 0: it ran. EXIT_UNSUPPORTED: llama.cpp's cpuid check refused it. A crash kills only
    this child, which is the point.
    """
    library, model = (Path(a) for a in argv[:2])
    ggml = _ggml()
    if ggml is None:
        return 0
    logging.getLogger("llama-cpp-python").setLevel(logging.ERROR)
    if not ggml.ggml_backend_load(str(library).encode()):
        return cpu_variants.EXIT_UNSUPPORTED
    llm = llama_cpp.Llama(model_path=str(model), n_ctx=256, verbose=False)
    # A batch of prompt tokens and then single-token decodes: the two matmul paths a draft uses.
    tokens = llm.tokenize(b"Hello, I would like to check the status of my order, please.")
    llm.eval(tokens)
    llm.eval([llm.sample()])
    llm.close()
    print(llama_cpp.llama_print_system_info().decode(errors="replace").strip())  # noqa: T201
    return 0
