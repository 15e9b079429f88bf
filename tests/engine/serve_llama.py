"""Run llama-cpp-python's OpenAI-compatible server (`python -m llama_cpp.server`) for tests.

The app's llama.cpp build keeps its CPU code in per-CPU-family libraries that a process must
load before any model (the app does it in `load_cpu_backend`); the stock server entry point
does not, so this wrapper loads the same variant first, then hands over to the server's own
`__main__` with the remaining arguments.

Usage: python tests/engine/serve_llama.py --model M.gguf --host 127.0.0.1 --port N [...]
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from desktop.engine.llama import load_cpu_backend


def main() -> None:
    model = Path(sys.argv[sys.argv.index("--model") + 1])
    load_cpu_backend(model)
    sys.argv = ["llama_cpp.server", *sys.argv[1:]]
    runpy.run_module("llama_cpp.server", run_name="__main__")


if __name__ == "__main__":
    main()
