"""A local GGUF model through llama-cpp-python: the only package that imports it.

engine.py (LlamaEngine), backend.py (which CPU code llama.cpp runs), shims.py (what
llama-cpp-python lacks, through its C bindings), raw.py (the benchmark's raw loop).
"""

from desktop.engine.llama.backend import CpuBackend, load_cpu_backend, run_cpu_probe
from desktop.engine.llama.engine import LlamaEngine
from desktop.engine.llama.raw import raw_timings
from desktop.engine.model_file import check_gguf
from desktop.engine.timings import RawTimings, StreamStats

__all__ = [
    "CpuBackend",
    "LlamaEngine",
    "RawTimings",
    "StreamStats",
    "check_gguf",
    "load_cpu_backend",
    "raw_timings",
    "run_cpu_probe",
]
