"""`agent-assist learn import|stats|forget` and `eval --learn-from`, run as the agent runs them,
on real files written here and the real data folder (issue 23)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest
from desktop.store.library import open_library

EVAL = Path(__file__).resolve().parents[1] / "resources" / "eval"
PUBLIC_FORMATS = Path(__file__).resolve().parents[1] / "tests" / "data" / "public_formats"


def _run(
    *args: str, check: bool = True, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        input=stdin,
        capture_output=True,
        text=True,
        check=check,
    )


def _titles() -> list[str]:
    library = open_library()  # seeds the data folder as the app does
    try:
        return [r.title for r in library.repo.all()]
    finally:
        library.close()


def test_learn_import_csv_then_stats_and_forget(app_home: Path, tmp_path: Path) -> None:
    titles = _titles()
    rows = tmp_path / "tickets.csv"
    with rows.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["conversation", "canned"])
        writer.writerow(["Customer: where is my order?\nAgent: checking", titles[0]])
        writer.writerow(["I want my money back for the broken kettle", titles[1].upper()])
        writer.writerow(["hello", "A response nobody wrote"])
    done = _run("learn", "import", str(rows), "--json")
    assert json.loads(done.stdout) == {
        "rows": 3,
        "learned": 2,
        "unknown": ["A response nobody wrote"],
    }
    stats = json.loads(_run("learn", "stats", "--json").stdout)
    assert stats["examples"] == 2 and stats["by_source"] == {"import": {"picks": 2, "against": 0}}

    refused = _run("learn", "forget", check=False)
    assert refused.returncode == 1 and refused.stderr.startswith("error: Say what to forget")
    assert _run("learn", "forget", "--canned", titles[0]).stdout == "forgot 1 examples\n"
    assert "1 examples of 1 canned responses" in _run("learn", "stats").stdout


def test_a_failed_import_keeps_nothing(app_home: Path, tmp_path: Path) -> None:
    _titles()
    bad = tmp_path / "tickets.csv"
    bad.write_text("subject,body\nhello,there\n", encoding="utf-8")
    done = _run("learn", "import", str(bad), check=False)
    assert done.returncode == 1 and "must name a conversation column" in done.stderr
    unknown = tmp_path / "tickets.jsonl"
    unknown.write_text(json.dumps({"conversation": "hi", "canned": "nope"}) + "\n", "utf-8")
    done = _run("learn", "import", str(unknown), check=False)
    assert done.returncode == 1 and "names a canned response" in done.stderr
    assert json.loads(_run("learn", "stats", "--json").stdout)["examples"] == 0


def test_eval_learn_from_reports_before_and_after(tmp_path: Path) -> None:
    library = json.loads((EVAL / "canned.json").read_text(encoding="utf-8"))
    first: dict[str, str] = {}
    for response in library:
        first.setdefault(response["intent"], response["title"])
    cases = [json.loads(line) for line in (EVAL / "dev_cases.jsonl").read_text().splitlines()]
    picks, rest = tmp_path / "picks.jsonl", tmp_path / "rest.jsonl"
    # Three cases of each intent are picks; the other seven are ranked.
    with picks.open("w") as p, rest.open("w") as r:
        for number, case in enumerate(cases):
            if number % 10 < 3:
                pick = {
                    "conversation": case["conversation"],
                    "canned": first[case["expected_intent"]],
                }
                p.write(json.dumps(pick) + "\n")
            else:
                r.write(json.dumps(case) + "\n")
    result = json.loads(_run("eval", str(rest), "--learn-from", str(picks), "--json").stdout)
    learned = result["learned"]
    assert learned["examples"] == 81 and learned["unknown"] == []
    assert learned["before"] == {"top1": result["top1"], "top3": result["top3"]}
    assert learned["top1"] > result["top1"]  # measured: 85.7% -> 87.3% on these 189
    text = _run("eval", str(rest), "--learn-from", str(picks)).stdout
    assert "after learning 81 picks: top-1" in text


@pytest.mark.model
def test_suggest_json_shows_what_the_ranking_learned(app_home: Path, tmp_path: Path) -> None:
    conversation = "Customer: It's 48213. Where is my package? The tracking has not moved."
    first = _run("suggest", "-", "--json", "--max-tokens", "8", check=False, stdin=conversation)
    assert first.returncode == 0, first.stderr
    grounded = json.loads(first.stdout)["canned"][0]
    assert (grounded["examples"], grounded["learned_score"]) == (0, None)
    picks = tmp_path / "picks.jsonl"
    pick = {
        "conversation": "where is my package, tracking has not moved",
        "canned": grounded["title"],
    }
    picks.write_text(json.dumps(pick) + "\n", encoding="utf-8")
    _run("learn", "import", str(picks))
    again = _run("suggest", "-", "--json", "--max-tokens", "8", check=False, stdin=conversation)
    learned = {c["id"]: c for c in json.loads(again.stdout)["canned"]}[grounded["id"]]
    assert learned["examples"] == 1 and learned["learned_score"] > 0.85


def _audit(audit_id: int, author: int, *events: dict[str, object]) -> dict[str, object]:
    """One ticket audit in the documented JSON format (Ticket Audits API)."""
    return {
        "id": audit_id,
        "ticket_id": 47,
        "author_id": author,
        "created_at": f"2024-03-0{audit_id}T10:00:00Z",
        "via": {"channel": "web"},
        "metadata": {},
        "events": list(events),
    }


def test_learn_import_zendesk_tickets_with_audits(app_home: Path, tmp_path: Path) -> None:
    """Macros applied on tickets become examples of the imported macros, found by macro id
    even after a rename; a macro the library lacks is reported."""
    macro = PUBLIC_FORMATS / "zendesk" / "go-zendesk-macro.json"
    _run("canned", "import", str(macro), "--format", "zendesk")
    customer, agent = 35436, 1200
    comment = {"type": "Comment", "public": True, "attachments": []}
    ticket = {
        "id": 47,
        "requester_id": customer,
        "subject": "Forum link",
        "audits": [
            _audit(1, customer, {**comment, "id": 11, "author_id": customer,
                                 "body": "Is this a known issue? Where can I read about it?"}),
            _audit(2, agent,
                   {"id": 21, "type": "AgentMacroReference", "macro_id": 360111062754,
                    "macro_title": "Close and redirect (renamed)", "macro_deleted": False},
                   {**comment, "id": 22, "author_id": agent, "body": "Thanks for your request."},
                   {"id": 23, "type": "Change", "field_name": "status", "value": "solved"}),
            _audit(3, agent,
                   {"id": 31, "type": "AgentMacroReference", "macro_id": 99,
                    "macro_title": "Refund policy", "macro_deleted": True}),
        ],
    }  # fmt: skip
    export = tmp_path / "tickets.json"
    export.write_text(json.dumps({"tickets": [ticket]}), encoding="utf-8")
    done = _run("learn", "import", str(export), "--json")
    assert json.loads(done.stdout) == {"rows": 2, "learned": 1, "unknown": ["Refund policy"]}
    library = open_library()
    try:
        (text, canned), *_ = library.repo.db.execute(
            "SELECT example.text, canned.source_id FROM example JOIN canned "
            "ON canned.id = example.canned_id"
        ).fetchall()
    finally:
        library.close()
    assert canned == "360111062754"
    assert text == "Is this a known issue? Where can I read about it?"  # before the macro only
