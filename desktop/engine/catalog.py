"""The models on this machine: every GGUF the known apps keep, described from its header.

`scan()` is plain blocking code with a progress callback and a cancel event, so the window
runs it on a worker thread and the CLI calls it directly. Header facts are cached by
(path, size, mtime) in the user cache folder: a second scan only stats the files.
"""

from __future__ import annotations

import json
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from desktop import paths
from desktop.engine import model_facts
from desktop.engine.gguf_header import GGUFError, read_header
from desktop.engine.machine_memory import Memory, memory
from desktop.engine.model_sources import Candidate, Folder, candidates, known_folders
from desktop.settings import Settings

logger = logging.getLogger(__name__)

CACHE_FILE = "model-catalog.json"
CACHE_VERSION = 1
HEADROOM = 0.8  # a model "fits" when it needs at most 80% of the memory free now
_SPLIT = re.compile(r"-(\d{5})-of-(\d{5})\.gguf$", re.IGNORECASE)


@dataclass(frozen=True)
class HeaderFacts:
    """What the header says, cached per file: independent of the context size chosen."""

    architecture: str = ""
    parameters: int = 0
    quantization: str = ""
    trained_context: int = 0
    chat_template: bool = False
    kv_bytes_per_token: int = 0
    title: str = ""  # general.name
    problem: str = ""  # why it cannot be used for drafting; "" when it can


@dataclass(frozen=True)
class ModelEntry:
    """One file in the picker."""

    path: str
    name: str
    source: str
    size_bytes: int
    facts: HeaderFacts
    memory_bytes: int  # weights + KV cache at the chosen context + runtime overhead
    fits: bool

    @property
    def usable(self) -> bool:
        return not self.facts.problem

    @property
    def reason(self) -> str:
        """Why the picker greys this entry out ("" when it is offered)."""
        return self.facts.problem

    def as_json(self) -> dict[str, object]:
        data = asdict(self)
        data.update(data.pop("facts"))
        data["usable"] = self.usable
        data["parameters_label"] = model_facts.format_parameters(self.facts.parameters)
        return data


@dataclass(frozen=True)
class Catalog:
    entries: tuple[ModelEntry, ...]
    memory: Memory
    context_tokens: int
    seconds: float
    folders: tuple[Folder, ...]

    @property
    def usable(self) -> list[ModelEntry]:
        return [e for e in self.entries if e.usable]


def app_folders(extra: Iterable[str] = ()) -> list[Folder]:
    """The app's own models folder, the bundled default's, and folders the agent added."""
    folders = [
        Folder("Agent Assist", paths.data_dir() / "models"),
        Folder("Bundled", paths.default_model_path().parent),
    ]
    folders += [Folder("Added", Path(p).expanduser()) for p in extra if p]
    return folders


def all_folders(extra: Iterable[str] = ()) -> list[Folder]:
    return app_folders(extra) + known_folders()


class _Cache:
    """Header facts keyed by path, valid while the file's size and mtime are unchanged."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._entries: dict[str, dict[str, object]] = {}
        self._dirty = False
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(raw, dict) and raw.get("version") == CACHE_VERSION:
                self._entries = raw.get("entries", {})
        except (OSError, ValueError):
            pass  # no cache yet, or a damaged one: rebuilt by this scan

    def get(self, key: str, size: int, mtime_ns: int) -> HeaderFacts | None:
        hit = self._entries.get(key)
        if not isinstance(hit, dict) or hit.get("size") != size or hit.get("mtime") != mtime_ns:
            return None
        try:
            return HeaderFacts(**hit["facts"])  # type: ignore[arg-type]
        except TypeError:
            return None

    def put(self, key: str, size: int, mtime_ns: int, facts: HeaderFacts) -> None:
        self._entries[key] = {"size": size, "mtime": mtime_ns, "facts": asdict(facts)}
        self._dirty = True

    def save(self, keep: set[str] | None) -> None:
        """Write if anything changed; drop files no longer found unless `keep` is None."""
        stale = set(self._entries) - keep if keep is not None else set()
        if not self._dirty and not stale:
            return
        for key in stale:
            del self._entries[key]
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(self.path.name + ".tmp")
            tmp.write_text(
                json.dumps({"version": CACHE_VERSION, "entries": self._entries}), encoding="utf-8"
            )
            os.replace(tmp, self.path)
        except OSError as exc:
            logger.warning("model catalog cache not written (%s): next scan reads headers", exc)


def describe(path: Path) -> HeaderFacts:
    """Header facts of one file; a file that is not a readable GGUF gets `problem` set."""
    try:
        header = read_header(path)
    except GGUFError as exc:
        return HeaderFacts(problem=str(exc))
    except OSError as exc:
        return HeaderFacts(problem=f"cannot be read: {exc.strerror or exc}")
    return HeaderFacts(
        architecture=header.architecture,
        parameters=model_facts.parameter_count(header),
        quantization=model_facts.quantization(header),
        trained_context=header.arch_int("context_length") or 0,
        chat_template=isinstance(header.get("tokenizer.chat_template"), str),
        kv_bytes_per_token=model_facts.kv_cache_bytes(header, 1),
        title=header.get_str("general.name") or "",
        problem=model_facts.unsupported_reason(header, path.name),
    )


def _split_size(path: Path, size: int) -> tuple[int, str]:
    """Total size of a split model from its first part; a later part is not offered."""
    match = _SPLIT.search(path.name)
    if not match:
        return size, ""
    part, count = int(match.group(1)), int(match.group(2))
    if part != 1:
        return size, f"part {part} of {count} of a split model: choose part 1"
    total = size
    for index in range(2, count + 1):
        sibling = path.with_name(_SPLIT.sub(f"-{index:05d}-of-{count:05d}.gguf", path.name))
        try:
            total += sibling.stat().st_size
        except OSError:
            return size, f"a split model with part {index} of {count} missing"
    return total, ""


def scan(
    folders: Sequence[Folder] | None = None,
    context_tokens: int = 4096,
    progress: Callable[[int, int], None] | None = None,
    cancel: threading.Event | None = None,
    cache_path: Path | None = None,
    machine: Memory | None = None,
) -> Catalog:
    """List and describe every model file in `folders` (default: all known ones).

    Blocking (header reads, ~1 ms per cached file, ~20 ms per new one): call it off the GUI
    thread. `progress(done, total)` is called after each file; a set `cancel` ends the scan
    early with what was found so far. The same file reached twice (a symlink, a shared
    folder) is listed once, under the first source that found it.
    """
    started = time.perf_counter()
    folders = list(all_folders() if folders is None else folders)
    machine = machine or memory()
    cache = _Cache(cache_path or paths.cache_dir() / CACHE_FILE)
    found: list[Candidate] = []
    seen: set[str] = set()
    for folder in folders:
        for candidate in candidates(folder):
            try:
                real = os.path.realpath(candidate.path)
            except OSError:
                continue
            if real not in seen:
                seen.add(real)
                found.append(candidate)
        if cancel is not None and cancel.is_set():
            break
    entries: list[ModelEntry] = []
    for done, candidate in enumerate(found, 1):
        if cancel is not None and cancel.is_set():
            break
        entry = _entry(candidate, cache, context_tokens, machine)
        if entry is not None:
            entries.append(entry)
        if progress is not None:
            progress(done, len(found))
    cache.save(None if cancel is not None and cancel.is_set() else seen)
    return Catalog(
        tuple(entries), machine, context_tokens, time.perf_counter() - started, tuple(folders)
    )


def _entry(
    candidate: Candidate, cache: _Cache, context_tokens: int, machine: Memory
) -> ModelEntry | None:
    try:
        stat = candidate.path.stat()
    except OSError:
        return None  # an Ollama manifest whose blob was pruned, a dangling HF symlink
    key = os.path.realpath(candidate.path)
    facts = cache.get(key, stat.st_size, stat.st_mtime_ns)
    if facts is None:
        facts = describe(candidate.path)
        cache.put(key, stat.st_size, stat.st_mtime_ns, facts)
    size, split_problem = _split_size(candidate.path, stat.st_size)
    if split_problem and not facts.problem:
        facts = replace(facts, problem=split_problem)
    context = (
        min(context_tokens, facts.trained_context) if facts.trained_context else context_tokens
    )
    need = size + facts.kv_bytes_per_token * context + model_facts.OVERHEAD_BYTES
    fits = machine.available_bytes == 0 or need <= machine.available_bytes * HEADROOM
    return ModelEntry(
        path=str(candidate.path),
        name=candidate.name,
        source=candidate.source,
        size_bytes=size,
        facts=facts,
        memory_bytes=need,
        fits=fits,
    )


def recommend(catalog: Catalog) -> ModelEntry | None:
    """The best model this machine runs with room to spare.

    The most parameters among usable models that fit (quality grows with size far more than
    with quantization), models with a chat template first, then the larger file (the finer
    quantization) of two equal models.
    """
    choices = [e for e in catalog.usable if e.fits]
    if not choices:
        return None
    return max(choices, key=lambda e: (e.facts.chat_template, e.facts.parameters, e.size_bytes))


RECENT_LIMIT = 8


def remember_model(settings: Settings, model_path: str) -> Settings:
    """`model_path` chosen: it becomes the model to load and heads the recent-models list."""
    recent = (model_path, *(p for p in settings.recent_models if p != model_path))
    return settings.replace(model_path=model_path, recent_models=recent[:RECENT_LIMIT])
