"""The model catalog on fake homes laid out like each app's, and on this machine's real folders."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import llama_cpp
import pytest
from desktop import paths
from desktop.engine import catalog, model_facts
from desktop.engine.catalog import Catalog, all_folders, recommend, remember_model, scan
from desktop.engine.machine_memory import Memory, memory
from desktop.engine.model_sources import Folder, known_folders
from desktop.settings import Settings

from tests.engine.gguf_files import write_gguf

GIB = 1024**3
PLENTY = Memory(64 * GIB, 48 * GIB)
LIBLLAMA = Path(str(llama_cpp.__file__)).parent / "lib"


def plant_ollama(
    models: Path,
    model: str,
    tag: str,
    host: str = "registry.ollama.ai",
    namespace: str = "library",
    **gguf: Any,
) -> Path:
    """An Ollama store entry: the blob, and a manifest naming it (with a projector layer too)."""
    digest = f"{abs(hash((model, tag))):064x}"[:64]
    blob = write_gguf(models / "blobs" / f"sha256-{digest}", **gguf)
    projector = write_gguf(models / "blobs" / f"sha256-{'e' * 64}", arch="clip")
    manifest = models / "manifests" / host / namespace / model / tag
    manifest.parent.mkdir(parents=True, exist_ok=True)
    manifest.write_text(
        json.dumps(
            {
                "schemaVersion": 2,
                "config": {
                    "mediaType": "application/vnd.docker.container.image.v1+json",
                    "digest": "sha256:" + "c" * 64,
                },
                "layers": [
                    {
                        "mediaType": "application/vnd.ollama.image.projector",
                        "digest": "sha256:" + projector.name[7:],
                    },
                    {
                        "mediaType": "application/vnd.ollama.image.model",
                        "digest": f"sha256:{digest}",
                    },
                    {
                        "mediaType": "application/vnd.ollama.image.template",
                        "digest": "sha256:" + "d" * 64,
                    },
                ],
            }
        )
    )
    return blob


def plant_linux_home(home: Path) -> dict[str, Path]:
    """One model (or more) where each app keeps them on Linux."""
    planted = {
        "ollama": plant_ollama(
            home / ".ollama" / "models", "llama3.2", "3b", name="Llama 3.2", layers=4
        ),
        "ollama-hf": plant_ollama(
            home / ".ollama" / "models", "qwen", "q4", host="hf.co", namespace="Qwen", arch="qwen2"
        ),
        "lmstudio": write_gguf(
            home / ".lmstudio/models/lmstudio-community/Phi/phi-4.Q4_K_M.gguf", arch="phi3"
        ),
        "lmstudio-old": write_gguf(home / ".cache/lm-studio/models/a/b/old.Q5_K_M.gguf"),
        "gpt4all": write_gguf(home / ".local/share/nomic.ai/GPT4All/mistral.Q4_0.gguf"),
        "jan": write_gguf(
            home / ".config/Jan/data/llamacpp/models/gemma/model.gguf", arch="gemma3"
        ),
        "llamacpp": write_gguf(home / ".cache/llama.cpp/bartowski_x_smollm3.gguf", arch="smollm3"),
    }
    hub = home / ".cache/huggingface/hub/models--TheBloke--Tiny-GGUF"
    blob = write_gguf(hub / "blobs" / ("f" * 40), name="hf")
    snapshot = hub / "snapshots" / ("a" * 40)
    snapshot.mkdir(parents=True)
    (snapshot / "tiny.Q8_0.gguf").symlink_to(Path("../../blobs") / ("f" * 40))
    planted["hf"] = blob
    return planted


@pytest.fixture
def fake_home(tmp_path: Path) -> tuple[Path, dict[str, Path]]:
    home = tmp_path / "user"
    return home, plant_linux_home(home)


def scan_home(
    home: Path,
    env: dict[str, str] | None = None,
    platform: str = "linux",
    machine: Memory = PLENTY,
    **kwargs: object,
) -> Catalog:
    folders = known_folders(home, env or {}, platform)
    return scan(folders, machine=machine, cache_path=home / "cache.json", **kwargs)  # type: ignore[arg-type]


def test_finds_every_apps_models_in_a_linux_home(fake_home: tuple[Path, dict[str, Path]]) -> None:
    home, planted = fake_home
    found = scan_home(home)
    by_source = {(e.source, e.name) for e in found.entries}
    assert by_source == {
        ("Ollama", "llama3.2:3b"),
        ("Ollama", "hf.co/Qwen/qwen:q4"),
        ("LM Studio", "phi-4.Q4_K_M.gguf"),
        ("LM Studio", "old.Q5_K_M.gguf"),
        ("GPT4All", "mistral.Q4_0.gguf"),
        ("Jan", "model.gguf"),
        ("llama.cpp", "bartowski_x_smollm3.gguf"),
        ("Hugging Face", "TheBloke/Tiny-GGUF: tiny.Q8_0.gguf"),
    }
    ollama = next(e for e in found.entries if e.name == "llama3.2:3b")
    assert Path(ollama.path) == planted["ollama"]  # the blob itself, read where it lies
    assert ollama.facts.architecture == "llama"
    assert ollama.facts.quantization == "Q4_K_M"
    assert ollama.facts.trained_context == 8192
    assert ollama.facts.chat_template
    assert ollama.facts.parameters == 64 * 1000 + 4 * (64 * 64 + 64 * 256)
    assert all(e.usable and e.fits for e in found.entries)
    # The projector layer and the HF blobs folder are not offered on their own.
    assert not any("e" * 64 in e.path for e in found.entries)


def test_macos_and_windows_conventions(tmp_path: Path) -> None:
    mac = tmp_path / "mac"
    write_gguf(mac / "Library/Application Support/nomic.ai/GPT4All/a.gguf")
    write_gguf(mac / "Library/Application Support/Jan/data/llamacpp/models/b/model.gguf")
    write_gguf(mac / "Library/Caches/llama.cpp/c.gguf")
    write_gguf(mac / ".lmstudio/models/x/d.gguf")
    assert {e.source for e in scan_home(mac, platform="darwin").entries} == {
        "GPT4All",
        "Jan",
        "llama.cpp",
        "LM Studio",
    }

    win = tmp_path / "win"
    env = {"LOCALAPPDATA": str(win / "AppData/Local"), "APPDATA": str(win / "AppData/Roaming")}
    write_gguf(win / "AppData/Local/nomic.ai/GPT4All/a.gguf")
    write_gguf(win / "AppData/Roaming/Jan/data/llamacpp/models/b/model.gguf")
    write_gguf(win / "AppData/Local/llama.cpp/c.gguf")
    plant_ollama(win / ".ollama/models", "phi3", "mini")
    assert {e.source for e in scan_home(win, env, platform="win32").entries} == {
        "GPT4All",
        "Jan",
        "llama.cpp",
        "Ollama",
    }


def test_environment_variables_move_the_folders(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {
        "OLLAMA_MODELS": str(tmp_path / "ollama-store"),
        "HF_HUB_CACHE": str(tmp_path / "hub"),
        "LLAMA_CACHE": str(tmp_path / "llama-cache"),
        "JAN_DATA_FOLDER": str(tmp_path / "jan-data"),
    }
    plant_ollama(tmp_path / "ollama-store", "m", "latest")
    write_gguf(tmp_path / "hub/models--o--n/snapshots/r/x.gguf")
    write_gguf(tmp_path / "llama-cache/y.gguf")
    write_gguf(tmp_path / "jan-data/llamacpp/models/z/model.gguf")
    names = {e.name for e in scan_home(home, env).entries}
    assert names == {"m:latest", "o/n: x.gguf", "y.gguf", "model.gguf"}


def test_unusable_files_are_listed_with_the_reason(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    write_gguf(folder / "good.gguf")
    write_gguf(folder / "mmproj-model-f16.gguf", arch="clip")
    write_gguf(folder / "future.gguf", arch="llama9")
    write_gguf(folder / "embed.gguf", arch="nomic-bert")
    (folder / "page.gguf").write_text("<html>not found</html>")
    write_gguf(folder / "big-00001-of-00002.gguf")
    write_gguf(folder / "big-00002-of-00002.gguf")
    write_gguf(folder / "half-00001-of-00002.gguf")
    (folder / "notes.txt").write_text("not a model")
    found = scan([Folder("Added", folder)], machine=PLENTY, cache_path=tmp_path / "c.json")
    reasons = {e.name: e.reason for e in found.entries}
    assert reasons["good.gguf"] == ""
    assert "projector" in reasons["mmproj-model-f16.gguf"]
    assert "'llama9' is not supported" in reasons["future.gguf"]
    assert "embedding model" in reasons["embed.gguf"]
    assert "no GGUF signature" in reasons["page.gguf"]
    assert reasons["big-00001-of-00002.gguf"] == ""
    assert "choose part 1" in reasons["big-00002-of-00002.gguf"]
    assert "part 2 of 2 missing" in reasons["half-00001-of-00002.gguf"]
    assert "notes.txt" not in reasons
    first = next(e for e in found.entries if e.name == "big-00001-of-00002.gguf")
    part = (folder / "big-00001-of-00002.gguf").stat().st_size
    assert first.size_bytes == part + (folder / "big-00002-of-00002.gguf").stat().st_size
    assert [e.name for e in found.usable] == ["big-00001-of-00002.gguf", "good.gguf"]


def test_memory_estimate_and_recommendation(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    write_gguf(folder / "small.gguf", layers=2, padding=1 * GIB)
    write_gguf(folder / "medium.gguf", layers=8, padding=4 * GIB)
    write_gguf(folder / "large.gguf", layers=32, padding=20 * GIB)
    write_gguf(folder / "no-template.gguf", layers=40, padding=2 * GIB, template=False)
    machine = Memory(16 * GIB, 8 * GIB)
    found = scan([Folder("Added", folder)], machine=machine, cache_path=tmp_path / "c.json")
    fits = {e.name: e.fits for e in found.entries}
    assert fits == {
        "small.gguf": True,
        "medium.gguf": True,
        "large.gguf": False,
        "no-template.gguf": True,
    }
    best = recommend(found)
    assert best is not None and best.name == "medium.gguf"  # biggest that fits, with a template
    large = next(e for e in found.entries if e.name == "large.gguf")
    assert large.memory_bytes > large.size_bytes + model_facts.OVERHEAD_BYTES  # + KV cache
    assert (
        recommend(
            scan(
                [Folder("Added", folder)],
                machine=Memory(2 * GIB, 1 * GIB),
                cache_path=tmp_path / "c.json",
            )
        )
        is None
    )


def test_kv_cache_estimate_matches_llama_cpp(default_model: Path) -> None:
    """SmolLM2-135M: 30 layers x 3 KV heads x 64 dims x (K + V) x F16 = 23,040 bytes a token."""
    from desktop.engine.gguf_header import read_header

    header = read_header(default_model)
    assert model_facts.kv_cache_bytes(header, 4096) == 30 * 3 * 64 * 2 * 2 * 4096  # 90 MiB


def test_second_scan_uses_the_cache_and_notices_changes(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    path = write_gguf(folder / "a.gguf", layers=2)
    cache = tmp_path / "cache.json"
    first = scan([Folder("Added", folder)], machine=PLENTY, cache_path=cache)
    stored = json.loads(cache.read_text())
    assert list(stored["entries"]) == [os.path.realpath(path)]
    again = scan([Folder("Added", folder)], machine=PLENTY, cache_path=cache)
    assert again.entries == first.entries
    write_gguf(path, layers=6)  # rewritten: new size and mtime
    changed = scan([Folder("Added", folder)], machine=PLENTY, cache_path=cache)
    assert changed.entries[0].facts.parameters > first.entries[0].facts.parameters
    path.unlink()
    scan([Folder("Added", folder)], machine=PLENTY, cache_path=cache)
    assert json.loads(cache.read_text())["entries"] == {}


def test_progress_and_cancel(tmp_path: Path) -> None:
    folder = tmp_path / "models"
    for i in range(10):
        write_gguf(folder / f"m{i}.gguf")
    steps: list[tuple[int, int]] = []
    cancel = threading.Event()

    def progress(done: int, total: int) -> None:
        steps.append((done, total))
        if done == 4:
            cancel.set()

    found = scan(
        [Folder("Added", folder)],
        machine=PLENTY,
        cache_path=tmp_path / "c.json",
        progress=progress,
        cancel=cancel,
    )
    assert steps == [(i, 10) for i in range(1, 5)]
    assert len(found.entries) == 4


def test_same_file_through_two_folders_is_listed_once(tmp_path: Path) -> None:
    real = write_gguf(tmp_path / "store" / "m.gguf")
    (tmp_path / "links").mkdir()
    (tmp_path / "links" / "alias.gguf").symlink_to(real)
    folders = [Folder("LM Studio", tmp_path / "store"), Folder("Added", tmp_path / "links")]
    found = scan(folders, machine=PLENTY, cache_path=tmp_path / "c.json")
    assert [(e.source, e.name) for e in found.entries] == [("LM Studio", "m.gguf")]


def test_scanning_fifty_models_is_fast(tmp_path: Path) -> None:
    home = tmp_path / "home"
    per_app = [
        lambda i: plant_ollama(home / ".ollama/models", f"model{i}", "q4", vocab=32_000),
        lambda i: write_gguf(home / f".lmstudio/models/org/m{i}/m{i}.gguf", vocab=32_000),
        lambda i: write_gguf(home / f".local/share/nomic.ai/GPT4All/m{i}.gguf", vocab=32_000),
        lambda i: write_gguf(
            home / f".cache/huggingface/hub/models--o--m{i}/snapshots/r/m.gguf", vocab=32_000
        ),
        lambda i: write_gguf(home / f".cache/llama.cpp/m{i}.gguf", vocab=32_000),
    ]
    for i in range(50):
        per_app[i % 5](i)
    cold = scan_home(home)
    warm = scan_home(home)
    assert len(cold.entries) == len(warm.entries) == 50
    print(
        f"\n50 models: cold scan {cold.seconds * 1000:.0f} ms, cached {warm.seconds * 1000:.0f} ms"
    )
    assert cold.seconds < 5.0  # 32k-word vocabularies skipped, not decoded
    assert warm.seconds < 1.0


def test_real_locations_on_this_machine() -> None:
    """Every known folder is looked at without error; the bundled default model is found."""
    started = time.perf_counter()
    found = scan(all_folders())
    assert time.perf_counter() - started < 10
    bundled = [e for e in found.entries if Path(e.path) == paths.default_model_path()]
    assert len(bundled) == 1 and bundled[0].usable
    assert bundled[0].facts.parameters == 134_515_008
    assert {f.source for f in found.folders} >= {
        "Ollama",
        "LM Studio",
        "GPT4All",
        "Jan",
        "Hugging Face",
        "llama.cpp",
        "Bundled",
    }
    assert (paths.cache_dir() / catalog.CACHE_FILE).is_file()
    assert memory().total_bytes > 0


def test_architecture_list_matches_the_installed_llama_cpp() -> None:
    library = next(LIBLLAMA.glob("libllama.so*"), None) or next(LIBLLAMA.glob("*llama*"))
    data = library.read_bytes()
    # Only the terminating NUL is required: the linker stores "qwen2" inside "rwkv6qwen2\0".
    missing = [a for a in model_facts.LLAMA_ARCHITECTURES if a.encode() + b"\0" not in data]
    assert missing == []
    assert b"llama9\0" not in data  # the check can fail


def test_recent_models_are_remembered_newest_first() -> None:
    settings = Settings()
    for name in ["a", "b", "c", "a"]:
        settings = remember_model(settings, f"/m/{name}.gguf")
    assert settings.model_path == "/m/a.gguf"
    assert settings.recent_models == ("/m/a.gguf", "/m/c.gguf", "/m/b.gguf")
    for i in range(20):
        settings = remember_model(settings, f"/m/{i}.gguf")
    assert len(settings.recent_models) == catalog.RECENT_LIMIT
