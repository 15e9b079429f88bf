"""`agent-assist learn mine`, run as the agent runs it, on files written here (issue 23)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from desktop.store.examples import ExampleStore
from desktop.store.library import open_library

EVAL = Path(__file__).resolve().parents[2] / "resources" / "eval"


def _run(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], capture_output=True, text=True, check=check
    )


def _history(path: Path) -> Path:
    rows = []
    for first, order in (("Jane", "48213"), ("Omar", "51907"), ("Priya", "60442")):
        rows.append(
            {
                "conversation": [
                    {"role": "customer", "text": f"Can I change the size on order {order}?"}
                ],
                "reply": f"Hi {first}, I have changed the size on order {order} to a medium. "
                "The new item ships tomorrow and the old one needs no return.",
            }
        )
    path.write_text("\n".join(json.dumps(r) for r in rows), encoding="utf-8")
    return path


def test_mine_proposes_and_accept_adds_with_examples(tmp_path: Path) -> None:
    history = _history(tmp_path / "history.jsonl")
    shown = _run("learn", "mine", str(history), "--no-library")
    assert "1. " in shown.stdout and "(would have answered 3)" in shown.stdout
    assert "{{customer.first_name}}" in shown.stdout and "{{order.id}}" in shown.stdout

    done = json.loads(_run("learn", "mine", str(history), "--accept", "1", "--json").stdout)
    assert done["examples_learned"] == 3 and len(done["accepted"]) == 1
    library = open_library()
    try:
        added = library.repo.get(done["accepted"][0]["id"])
        assert added is not None and added.source == "mined"
        assert "Jane" not in added.body and "48213" not in added.body
        assert ExampleStore(library.repo.db).counts()[added.id or 0] == (3, 0)
    finally:
        library.close()
    # Now the library covers those replies: nothing more to propose.
    again = json.loads(_run("learn", "mine", str(history), "--json").stdout)
    assert again["covered"] == 3 and again["proposals"] == []


def test_the_dev_figures_come_from_the_command() -> None:
    done = _run("learn", "mine", str(EVAL / "dev_cases.jsonl"), "--no-library", "--json")
    figures = json.loads(done.stdout)
    assert figures["purity"] >= 0.88 and figures["intents_covered_by_proposals"] >= 0.89
    assert figures["values_left"] == []


def test_a_malformed_file_is_one_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "history.jsonl"
    broken.write_text('{"conversation": "hi", "reply": "hello"}\n{"conversation": \n', "utf-8")
    done = _run("learn", "mine", str(broken), "--no-library", check=False)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.startswith("error: history.jsonl, line 2: not valid JSON Lines")
    assert len(done.stderr.splitlines()) == 1
    wrong = _run("learn", "mine", str(_history(broken)), "--accept", "x", check=False)
    assert wrong.returncode == 1 and "--accept takes proposal numbers" in wrong.stderr
