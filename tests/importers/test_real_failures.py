"""The real export files that failed (issue 13), each imported end to end into a real library."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from desktop.errors import ImportFileError
from desktop.importers import detect, parse_file
from desktop.library.service import import_file
from desktop.store.canned import CannedRepository

FRESHDESK: list[dict[str, Any]] = [
    {
        "id": 158000444786 + i,
        "title": f"Refund policy {i}",
        "folder_id": 158000542246,
        "short_code": None,
        "content": f"Hi {{{{ticket.requester.firstname}}}}, refunds take {i + 3} days.",
        "content_html": f"<div>Hi, refunds take {i + 3} days.</div>",
        "attachments": [],
        "group_ids": [],
        "visibility": 1,
    }
    for i in range(3)
]


def test_freshdesk_in_an_airbyte_json_lines_envelope(
    tmp_path: Path, repo: CannedRepository
) -> None:
    path = tmp_path / "canned_responses.jsonl"
    lines = [
        {"stream": "canned_responses", "data": record, "emitted_at": 1764547200000}
        for record in FRESHDESK
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")

    assert detect(path) == "freshdesk"
    report = import_file(repo, path)

    assert (report.format, report.added) == ("freshdesk", 3)
    bodies = sorted(r.body for r in repo.all())
    assert bodies[0] == "Hi {{customer.first_name}}, refunds take 3 days."


def test_singer_records_are_unwrapped_and_other_messages_ignored(
    tmp_path: Path, repo: CannedRepository
) -> None:
    path = tmp_path / "tap-freshdesk.json"  # .json, yet one message a line
    messages = [
        {"type": "SCHEMA", "stream": "canned_responses", "schema": {}, "key_properties": ["id"]},
        *({"type": "RECORD", "stream": "canned_responses", "record": r} for r in FRESHDESK),
        {"type": "STATE", "value": {"bookmarks": {}}},
    ]
    path.write_text("\n".join(json.dumps(m) for m in messages), encoding="utf-8")

    report = import_file(repo, path)

    assert (report.format, report.added) == ("freshdesk", 3)


def test_a_broken_json_lines_record_names_its_line(tmp_path: Path, repo: CannedRepository) -> None:
    path = tmp_path / "export.jsonl"
    good = json.dumps({"stream": "canned_responses", "data": FRESHDESK[0]})
    path.write_text(f"{good}\n{good}\n{{'stream': oops}}\n", encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"export\.jsonl, line 3: not valid JSON Lines"):
        import_file(repo, path)
    assert repo.count() == 0


def test_a_single_zammad_text_module_object_is_recognised(
    tmp_path: Path, repo: CannedRepository
) -> None:
    path = tmp_path / "text_module.json"
    module = {
        "id": 7,
        "name": "Shipping delay",
        "keywords": "shipping delay",
        "content": "<div>Dear #{ticket.customer.firstname}, your parcel is delayed.</div>",
        "note": "",
        "active": True,
        "foreign_id": None,
        "user_id": None,
        "group_ids": [1, 2],
        "updated_by_id": 3,
        "created_by_id": 3,
    }
    path.write_text(json.dumps(module), encoding="utf-8")

    assert detect(path) == "zammad"
    report = import_file(repo, path)

    assert report.added == 1
    (response,) = repo.all()
    assert response.body == "Dear {{customer.first_name}}, your parcel is delayed."
    assert response.tags == ("shipping", "delay")


def test_espanso_matches_that_are_only_a_variable_are_skipped_with_a_line(
    tmp_path: Path, repo: CannedRepository
) -> None:
    path = tmp_path / "base.yml"
    path.write_text(
        "global_vars:\n"
        "  - name: mydate\n"
        "    type: date\n"
        "    params: {format: '%d/%m/%Y'}\n"
        "matches:\n"
        "  - trigger: ':date'\n"
        "    replace: '{{mydate}}'\n"
        "  - trigger: ':ip'\n"
        "    replace: '{{output}}'\n"
        "    vars:\n"
        "      - name: output\n"
        "        type: shell\n"
        "        params: {cmd: 'curl https://api.ipify.org'}\n"
        "  - trigger: ':paste'\n"
        "    replace: 'You wrote: {{clip}}'\n"
        "    vars: [{name: clip, type: clipboard}]\n"
        "  - trigger: ':orphan'\n"
        "    replace: '{{defined_elsewhere}}'\n"
        "  - trigger: ':thanks'\n"
        "    replace: 'Thanks for your patience!'\n",
        encoding="utf-8",
    )

    fmt, parsed = parse_file(path)
    report = import_file(repo, path)

    assert fmt == "espanso"
    assert [r.body for r in repo.all()] == ["Thanks for your patience!"]
    assert report.added == 1 and report.skipped == 4
    assert parsed.warnings == [
        "Espanso match ':date' inserts a date variable ({{mydate}}) computed when it is typed; "
        "skipped.",
        "Espanso match ':ip' inserts a shell variable ({{output}}) computed when it is typed; "
        "skipped.",
        "Espanso match ':paste' inserts a clipboard variable ({{clip}}) computed when it is "
        "typed; skipped.",
        "Espanso match ':orphan' is only the variable {{defined_elsewhere}}, whose value exists "
        "only in Espanso; skipped.",
    ]
