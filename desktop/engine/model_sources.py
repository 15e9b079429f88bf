"""Where other local-LLM apps keep their GGUF files, on Linux, macOS and Windows.

Everything here is read-only: the picker lists a file where it lies and llama.cpp loads it
from there; nothing is copied, moved or written next to another app's files. Folder
conventions come from each app's documentation and source (Ollama's envconfig and manifest
layout, LM Studio's model folder, GPT4All's data folder, Jan's data folder, huggingface_hub's
cache layout, llama.cpp's `LLAMA_CACHE`).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

OLLAMA_MODEL_LAYER = "application/vnd.ollama.image.model"
OLLAMA_DEFAULT_HOST = "registry.ollama.ai"
MAX_DEPTH = 6  # deep enough for HF's models--org--name/snapshots/<rev>/<subdir>/file.gguf
MAX_MANIFEST_BYTES = 1 << 20


@dataclass(frozen=True)
class Folder:
    """A folder to scan and the app it belongs to ("Ollama", "LM Studio", ... or "Added")."""

    source: str
    path: Path
    layout: str = "files"  # "files": *.gguf below it; "ollama": manifests + blobs


@dataclass(frozen=True)
class Candidate:
    """A file that may be a model: where it lies, the app it came from, the name to show."""

    source: str
    path: Path
    name: str


def _platform_dirs(home: Path, env: Mapping[str, str], platform: str) -> dict[str, Path]:
    """The per-user data, config and cache roots other apps use on this platform."""
    if platform == "win32":
        appdata = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
        local = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
        return {"data": local, "config": appdata, "cache": local, "roaming": appdata}
    if platform == "darwin":
        support = home / "Library" / "Application Support"
        return {"data": support, "config": support, "cache": home / "Library" / "Caches",
                "roaming": support}  # fmt: skip
    data = Path(env.get("XDG_DATA_HOME") or home / ".local" / "share")
    config = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    cache = Path(env.get("XDG_CACHE_HOME") or home / ".cache")
    return {"data": data, "config": config, "cache": cache, "roaming": config}


def known_folders(
    home: Path | None = None,
    env: Mapping[str, str] | None = None,
    platform: str | None = None,
) -> list[Folder]:
    """Every folder where an app keeps GGUFs by convention, existing or not, in scan order."""
    home = home or Path.home()
    env = os.environ if env is None else env
    platform = platform or sys.platform
    dirs = _platform_dirs(home, env, platform)
    folders: list[Folder] = []

    def add(source: str, path: str | Path | None, layout: str = "files") -> None:
        if path:
            folders.append(Folder(source, Path(path).expanduser(), layout))

    # Ollama: $OLLAMA_MODELS, the user's store, and the Linux service's store.
    add("Ollama", env.get("OLLAMA_MODELS"), "ollama")
    add("Ollama", home / ".ollama" / "models", "ollama")
    if platform.startswith("linux"):
        add("Ollama", "/usr/share/ollama/.ollama/models", "ollama")
        add("Ollama", "/var/lib/ollama/.ollama/models", "ollama")
    # LM Studio: ~/.lmstudio/models on every platform since 0.3; older builds used the cache.
    add("LM Studio", home / ".lmstudio" / "models")
    add("LM Studio", home / ".cache" / "lm-studio" / "models")
    # GPT4All: its Qt data folder (organisation nomic.ai), and the Python bindings' cache.
    add("GPT4All", dirs["data"] / "nomic.ai" / "GPT4All")
    add("GPT4All", home / ".cache" / "gpt4all")
    # Jan: $JAN_DATA_FOLDER or <config or roaming data>/Jan/data; llamacpp/models since 0.6.
    jan_roots = [Path(env["JAN_DATA_FOLDER"])] if env.get("JAN_DATA_FOLDER") else []
    jan_roots += [dirs["roaming"] / "Jan" / "data", home / "jan"]
    for root in jan_roots:
        add("Jan", root / "llamacpp" / "models")
        add("Jan", root / "models")
    # Hugging Face hub cache.
    add("Hugging Face", env.get("HF_HUB_CACHE"))
    add("Hugging Face", Path(env["HF_HOME"]) / "hub" if env.get("HF_HOME") else None)
    add("Hugging Face", dirs["cache"] / "huggingface" / "hub")
    add("Hugging Face", home / ".cache" / "huggingface" / "hub")
    # llama.cpp's download cache (llama-cli -hf ...).
    add("llama.cpp", env.get("LLAMA_CACHE"))
    add("llama.cpp", dirs["cache"] / "llama.cpp")
    add("llama.cpp", home / ".cache" / "llama.cpp")
    return _unique(folders)


def _unique(folders: list[Folder]) -> list[Folder]:
    seen: set[Path] = set()
    result = []
    for folder in folders:
        key = Path(os.path.normcase(os.path.abspath(folder.path)))
        if key not in seen:
            seen.add(key)
            result.append(folder)
    return result


def candidates(folder: Folder) -> Iterator[Candidate]:
    """The model files a folder holds; a missing or unreadable folder yields nothing."""
    if folder.layout == "ollama":
        yield from _ollama(folder)
        return
    for path in _walk(folder.path, 0):
        yield Candidate(folder.source, path, _display_name(folder, path))


def _walk(root: Path, depth: int) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue  # partial downloads (.incomplete, .part) and app state
        try:
            if entry.is_dir():
                if depth < MAX_DEPTH and entry.name != "blobs":  # HF blobs: via snapshots
                    yield from _walk(Path(entry.path), depth + 1)
            elif entry.name.lower().endswith(".gguf") and entry.is_file():
                yield Path(entry.path)
        except OSError:
            continue


def _display_name(folder: Folder, path: Path) -> str:
    if folder.source == "Hugging Face":
        # models--org--name/snapshots/<rev>/file.gguf -> org/name: file.gguf
        for part in path.parts:
            if part.startswith("models--"):
                return f"{part[8:].replace('--', '/')}: {path.name}"
    return path.name


def _ollama(folder: Folder) -> Iterator[Candidate]:
    """manifests/<host>/<namespace>/<model>/<tag> -> blobs/sha256-<digest> of the model layer."""
    manifests = folder.path / "manifests"
    blobs = folder.path / "blobs"
    for manifest in _files_at_depth(manifests, 4):
        host, namespace, model, tag = manifest.relative_to(manifests).parts
        try:
            if manifest.stat().st_size > MAX_MANIFEST_BYTES:
                continue
            data = json.loads(manifest.read_text(encoding="utf-8"))
            layers = data.get("layers", []) if isinstance(data, dict) else []
            digest = next(
                layer["digest"]
                for layer in layers
                if isinstance(layer, dict) and layer.get("mediaType") == OLLAMA_MODEL_LAYER
            )
        except (OSError, ValueError, StopIteration, KeyError, TypeError):
            continue  # not a model manifest (or one being written): nothing to show
        if not isinstance(digest, str) or ":" not in digest:
            continue
        blob = blobs / digest.replace(":", "-", 1)
        if host == OLLAMA_DEFAULT_HOST and namespace == "library":
            name = f"{model}:{tag}"
        elif host == OLLAMA_DEFAULT_HOST:
            name = f"{namespace}/{model}:{tag}"
        else:
            name = f"{host}/{namespace}/{model}:{tag}"
        yield Candidate(folder.source, blob, name)


def _files_at_depth(root: Path, depth: int) -> Iterator[Path]:
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError:
        return
    for entry in entries:
        path = Path(entry.path)
        try:
            if depth == 1 and entry.is_file():
                yield path
            elif depth > 1 and entry.is_dir():
                yield from _files_at_depth(path, depth - 1)
        except OSError:
            continue
