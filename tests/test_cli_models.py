"""`agent-assist models`: the picker's list on the command line, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from desktop import paths

from tests.engine.gguf_files import write_gguf


def agent_assist(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_CONFIG_HOME": str(home / ".config"),
    }
    for name in ("OLLAMA_MODELS", "HF_HOME", "HF_HUB_CACHE", "LLAMA_CACHE", "JAN_DATA_FOLDER"):
        env.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True, text=True, timeout=120, check=False, env=env,
    )  # fmt: skip


def test_models_json_lists_planted_and_bundled_models(tmp_path: Path, app_home: Path) -> None:
    home = tmp_path / "user"
    write_gguf(home / ".lmstudio/models/org/repo/chat.Q4_K_M.gguf", layers=4)
    write_gguf(home / ".cache/llama.cpp/mmproj-vision.gguf", arch="clip")
    extra = write_gguf(tmp_path / "mine" / "added.gguf")
    done = agent_assist("models", "--json", "--folder", str(extra.parent), home=home)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    by_name = {m["name"]: m for m in result["models"]}
    assert by_name["chat.Q4_K_M.gguf"]["source"] == "LM Studio"
    assert by_name["chat.Q4_K_M.gguf"]["quantization"] == "Q4_K_M"
    assert by_name["added.gguf"]["source"] == "Added"
    assert by_name["mmproj-vision.gguf"]["usable"] is False
    assert "projector" in by_name["mmproj-vision.gguf"]["problem"]
    default = by_name[paths.DEFAULT_MODEL_NAME]
    assert default["source"] == "Bundled" and default["parameters"] == 134_515_008
    assert result["recommended"] is not None
    assert result["memory"]["total_bytes"] > 0
    sources = {f["source"] for f in result["folders"]}
    assert {"Ollama", "LM Studio", "GPT4All", "Jan", "Hugging Face", "llama.cpp"} <= sources


def test_models_table_hides_unusable_unless_asked(tmp_path: Path) -> None:
    home = tmp_path / "user"
    write_gguf(home / ".cache/llama.cpp/mmproj-vision.gguf", arch="clip")
    plain = agent_assist("models", home=home)
    assert plain.returncode == 0, plain.stderr
    assert paths.DEFAULT_MODEL_NAME in plain.stdout
    assert "mmproj-vision" not in plain.stdout
    assert "Recommended: " in plain.stderr
    everything = agent_assist("models", "--all", home=home)
    assert "mmproj-vision" in everything.stdout and "projector" in everything.stdout


def test_speed_is_measured_once_then_listed_in_json(tmp_path: Path) -> None:
    home = tmp_path / "user"
    before = json.loads(agent_assist("models", "--json", home=home).stdout)
    assert all(m["speed"] is None for m in before["models"])  # nothing measured yet
    measured = agent_assist("models", "--speed", home=home)
    assert measured.returncode == 0, measured.stderr
    result = json.loads(measured.stdout)
    assert result["path"] == before["recommended"]
    assert result["prompt_tps"] > 0 and result["decode_tps"] > 0
    assert "tokens/s" in measured.stderr
    after = json.loads(agent_assist("models", "--json", home=home).stdout)
    by_path = {m["path"]: m for m in after["models"]}
    assert by_path[result["path"]]["speed"] == {
        k: result[k] for k in ("prompt_tps", "decode_tps", "measured_at")
    }
    again = json.loads(agent_assist("models", "--speed", result["path"], home=home).stdout)
    assert again["measured_at"] == result["measured_at"]  # read from the cache
    table = agent_assist("models", home=home).stdout.splitlines()
    assert "TOK/S" in table[0]
    row = next(line for line in table if line.startswith("*"))
    assert abs(float(row.split()[-1]) - result["decode_tps"]) <= 1  # TOK/S, the last column


def test_speed_of_a_file_that_is_not_a_model_fails_cleanly(tmp_path: Path) -> None:
    junk = tmp_path / "junk.gguf"
    junk.write_text("not a model")
    done = agent_assist("models", "--speed", str(junk), home=tmp_path / "user")
    assert done.returncode == 1
    assert "not a GGUF model" in done.stderr and "Traceback" not in done.stderr


def test_the_writing_check_runs_once_then_comes_from_the_cache(tmp_path: Path) -> None:
    home = tmp_path / "user"
    checked = agent_assist("models", "--writing", home=home)
    assert checked.returncode == 0, checked.stderr
    result = json.loads(checked.stdout)
    assert result["path"].endswith("SmolLM2-135M-Instruct.Q4_1.gguf")
    assert result["passed"] is False and result["drafts"] == 3  # the 135M adapts replies only
    assert "adapts saved replies only" in checked.stderr
    again = json.loads(agent_assist("models", "--writing", result["path"], home=home).stdout)
    assert again["measured_at"] == result["measured_at"]  # read from the cache
    junk = tmp_path / "junk.gguf"
    junk.write_text("not a model")
    failed = agent_assist("models", "--writing", str(junk), home=home)
    assert failed.returncode == 1
    assert "not a GGUF model" in failed.stderr and "Traceback" not in failed.stderr
