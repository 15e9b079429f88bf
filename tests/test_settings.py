import json
from pathlib import Path

from desktop import settings
from desktop.settings import Settings


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    saved = Settings(model_path="/models/x.gguf", max_tokens=99, agent_name="Sam")
    settings.save(saved, path)
    assert settings.load(path) == saved


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert settings.load(tmp_path / "none.json") == Settings()


def test_broken_file_is_kept_aside(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text("{ not json")
    assert settings.load(path) == Settings()
    assert not path.exists()
    assert [p.name.startswith("settings.json.broken-") for p in tmp_path.iterdir()] == [True]


def test_unknown_keys_and_wrong_types_are_ignored(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps({"max_tokens": "lots", "from_the_future": 1, "temperature": 0.2}))
    loaded = settings.load(path)
    assert loaded.max_tokens == Settings().max_tokens
    assert loaded.temperature == 0.2


def test_default_model_resolves_to_the_bundled_file() -> None:
    assert Settings().resolved_model_path().name == "SmolLM2-135M-Instruct.Q4_1.gguf"
