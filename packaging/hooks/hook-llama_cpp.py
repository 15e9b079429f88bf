"""PyInstaller hook for llama-cpp-python: it loads llama.cpp through ctypes at import time.

Module analysis cannot see ctypes loads, so the shared libraries in llama_cpp/lib are
collected explicitly, into llama_cpp/lib: llama_cpp/llama_cpp.py and _ggml.py look for them
next to their own files (`Path(__file__).parent / "lib"`, by the unversioned name).
"""

from __future__ import annotations

from pathlib import Path

from PyInstaller.utils.hooks import collect_data_files, collect_dynamic_libs, get_package_paths

# The unversioned names ctypes opens (libllama.so, libggml.so, ...). Their DT_NEEDED names
# (libggml-base.so.0, ...) are then found and collected by PyInstaller's own dependency
# analysis. libmtmd is left out: only the multimodal (image) chat handlers load it, and this
# app never uses them.
binaries = [(src, dest) for src, dest in collect_dynamic_libs("llama_cpp") if "libmtmd" not in src]

# A GGML_BACKEND_DL build (packaging/bootstrap.py) keeps llama.cpp's CPU code in one library
# per CPU family, installed by the wheel into site-packages/bin. They go into llama_cpp/lib,
# where desktop/engine/llama/backend.py looks in the packaged app, and the best one for the user's CPU
# is loaded at start.
_package = Path(get_package_paths("llama_cpp")[1])
binaries += [
    (str(path), "llama_cpp/lib")
    for pattern in ("*ggml-cpu*.so", "*ggml-cpu*.dylib", "*ggml-cpu*.dll")
    for path in sorted((_package.parent / "bin").glob(pattern))
]

# Non-Python files only: never lib/, whose versioned copies (libllama.so.0.5.0, ...) would
# otherwise come along as "data" (a wheel cannot hold symlinks, so each library is there
# three times as a real file), and not the server package, which the spec excludes.
datas = [
    (src, dest)
    for src, dest in collect_data_files("llama_cpp")
    if not dest.replace("\\", "/").startswith(("llama_cpp/lib", "llama_cpp/server"))
]
