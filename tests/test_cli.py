"""`agent-assist suggest` end to end, in a subprocess, on the real model and a real database."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

CONVERSATION = (
    "Customer: Hi, my parcel was supposed to arrive on Monday.\n"
    "Agent: Sorry about that! Could you share the order number?\n"
    "Customer: It's 48213. Where is my package? The tracking has not moved.\n"
)


def agent_assist(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture
def conversation_file(tmp_path: Path) -> Path:
    path = tmp_path / "conversation.txt"
    path.write_text(CONVERSATION, encoding="utf-8")
    return path


@pytest.mark.model
def test_suggest_streams_a_reply(conversation_file: Path) -> None:
    result = agent_assist("suggest", str(conversation_file), "--max-tokens", "40", "--seed", "1")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip()) > 10
    assert "tok/s" in result.stderr and "grounded on:" in result.stderr


@pytest.mark.model
def test_suggest_json_from_stdin(app_home: Path) -> None:
    result = agent_assist("suggest", "-", "--json", "--max-tokens", "32", stdin=CONVERSATION)
    assert result.returncode == 0, result.stderr
    payload = json.loads(result.stdout)
    assert payload["text"].strip()
    assert 0 < payload["completion_tokens"] <= 32
    assert payload["prompt_tokens"] > 50
    assert 0 < payload["first_token_s"] <= payload["total_s"]
    assert payload["canned"], "the seeded library should ground a parcel question"
    assert {"id", "title"} <= set(payload["canned"][0])
    assert (app_home / "data" / "canned.db").is_file()  # the data folder honours the override


@pytest.mark.model
def test_suggest_with_a_model_that_is_not_gguf(conversation_file: Path, tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.gguf"
    bogus.write_text("not a model")
    result = agent_assist("suggest", str(conversation_file), "--model", str(bogus))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ") and "not a GGUF" in result.stderr
    assert "Traceback" not in result.stderr


def test_suggest_rejects_binary_input(tmp_path: Path) -> None:
    blob = tmp_path / "image.png"
    blob.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    result = agent_assist("suggest", str(blob))
    assert result.returncode == 1
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_suggest_rejects_an_empty_conversation() -> None:
    result = agent_assist("suggest", "-", stdin="   \n")
    assert result.returncode == 1
    assert "empty" in result.stderr


def test_xdg_folders_are_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AGENT_ASSIST_HOME")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    code = "from desktop import paths; print(paths.database_path()); print(paths.settings_path())"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert out == [
        str(tmp_path / "xdg-data" / "agent-assist" / "canned.db"),
        str(tmp_path / "xdg-config" / "agent-assist" / "settings.json"),
    ]


def test_suggest_rejects_text_that_is_not_utf8(tmp_path: Path) -> None:
    latin1 = tmp_path / "chat.txt"
    latin1.write_bytes("Customer: où est ma commande, déjà payée?".encode("latin-1"))
    result = agent_assist("suggest", str(latin1))
    assert result.returncode == 1
    assert "chat.txt is not UTF-8 text" in result.stderr
