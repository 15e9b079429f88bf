"""Loading a local model: progress, cancel, per-model settings, refusals before llama.cpp."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from desktop.engine.loading import check_before_loading, load_local
from desktop.engine.machine_memory import Memory
from desktop.errors import LoadCancelledError, ModelError
from desktop.settings import Settings

from tests.engine.gguf_files import write_gguf

GIB = 1024**3


def test_progress_is_reported_up_to_done(default_model: Path) -> None:
    seen: list[float] = []
    engine = load_local(Settings(context_tokens=512), progress=seen.append)
    engine.close()
    assert seen[-1] == 1.0
    assert seen == sorted(seen)
    assert len(seen) > 2


def test_cancel_aborts_the_load(default_model: Path) -> None:
    cancel = threading.Event()

    def progress(fraction: float) -> None:
        if fraction > 0.2:
            cancel.set()

    with pytest.raises(LoadCancelledError, match="cancelled"):
        load_local(Settings(context_tokens=512), progress=progress, cancel=cancel)
    # Nothing is left half-loaded: the next load works.
    load_local(Settings(context_tokens=512)).close()


def test_per_model_settings_apply_to_that_model_only(default_model: Path) -> None:
    settings = Settings(
        context_tokens=2048,
        model_overrides={str(default_model): {"context_tokens": 768, "batch_tokens": "x"}},
    )
    assert settings.for_model(str(default_model)).context_tokens == 768
    assert settings.for_model(str(default_model)).batch_tokens == 512  # wrong type ignored
    assert settings.for_model("/other.gguf").context_tokens == 2048
    engine = load_local(settings.replace(model_path=str(default_model)))
    try:
        assert engine.info.context_tokens == 768
    finally:
        engine.close()


def test_load_settings_reach_llama_cpp(default_model: Path) -> None:
    engine = load_local(
        Settings(context_tokens=512, batch_tokens=128, threads=1, threads_batch=2, gpu_layers=-1)
    )
    try:
        llm = engine._llm  # type: ignore[attr-defined]
        assert llm.n_batch == 128
        assert llm.context_params.n_threads == 1
        assert llm.context_params.n_threads_batch == 2
    finally:
        engine.close()


def test_too_large_for_memory_is_refused_before_loading(tmp_path: Path) -> None:
    big = write_gguf(tmp_path / "big.gguf", layers=32, padding=6 * GIB)
    with pytest.raises(ModelError, match=r"needs about 6\.\d GiB .* has 2\.0 GiB free"):
        check_before_loading(big, 4096, Memory(8 * GIB, 2 * GIB))
    check_before_loading(big, 4096, Memory(64 * GIB, 32 * GIB))  # fits: no error


@pytest.mark.parametrize(
    ("arch", "reason"),
    [("clip", "vision projector"), ("llama9", "not supported"), ("bert", "embedding model")],
)
def test_unusable_architectures_are_refused_with_the_reason(
    tmp_path: Path, arch: str, reason: str
) -> None:
    path = write_gguf(tmp_path / "m.gguf", arch=arch)
    with pytest.raises(ModelError, match=reason):
        load_local(Settings(model_path=str(path)))


def test_model_and_server_settings_round_trip(tmp_path: Path) -> None:
    from desktop import settings as settings_module

    saved = Settings(
        recent_models=("/m/a.gguf", "/m/b.gguf"),
        model_folders=("/data/models",),
        model_overrides={"/m/a.gguf": {"context_tokens": 8192, "gpu_layers": -1}},
        server_url="https://llm.team.example:8443",
        server_model="qwen2.5-7b-instruct",
    )
    path = tmp_path / "settings.json"
    settings_module.save(saved, path)
    assert settings_module.load(path) == saved
    assert "api_key" not in path.read_text()  # the key lives in the OS keyring only
