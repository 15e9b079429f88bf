"""Importing into the library (atomic, no duplicates) and lossless JSON/CSV export."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import pytest
from desktop.errors import ImportFileError, InputError
from desktop.library import service
from desktop.library.service import (
    export,
    import_file,
    only_samples,
    remove_samples,
    seed_path,
)
from desktop.store.canned import CannedRepository, CannedResponse, seed_if_new

ROOT = Path(__file__).resolve().parents[1]
SHARED_FORMATS = ROOT / "tests" / "data" / "public_formats"
DATA = ROOT / "tests" / "data" / "formats"

TRICKY = CannedResponse(
    title='=HYPERLINK("http://evil")',
    body="Line one,\nline \"two\"; 'three'\r\n\ttabbed — ünïcode 🎉",
    shortcode="-minus",
    category="+plus",
    tags=("a,b", "[c]", "@d"),
    language="de",
    notes="'quoted",
    active=False,
    body_html="<p>Line one</p>",
    source="zendesk",
    source_id="42",
    usage_count=7,
    last_used_at="2026-01-02T03:04:05+00:00",
)


def _content(responses: list[CannedResponse]) -> list[CannedResponse]:
    return sorted((r.__class__(**{**r.__dict__, "id": None}) for r in responses), key=repr)


def test_import_reports_and_reimport_creates_no_duplicates(repo: CannedRepository) -> None:
    path = SHARED_FORMATS / "zendesk" / "zenpy-macros-list.json"
    first = import_file(repo, path)
    assert (first.format, first.added, first.updated, first.skipped) == ("zendesk", 2, 0, 5)
    again = import_file(repo, path, "zendesk")
    assert (again.added, again.updated, again.skipped) == (0, 0, 7)
    assert repo.count() == 2
    assert {r.source for r in repo.all()} == {"zendesk"}


def test_reimport_of_changed_file_updates_in_place(repo: CannedRepository, tmp_path: Path) -> None:
    path = tmp_path / "canned.json"
    path.write_text(json.dumps([{"id": 1, "short_code": "hi", "content": "Hello!"}]))
    import_file(repo, path)
    (stored,) = repo.all()
    repo.record_use(stored.id or 0)
    path.write_text(json.dumps([{"id": 1, "short_code": "hi", "content": "Hello again!"}]))
    report = import_file(repo, path)
    assert (report.added, report.updated) == (0, 1)
    (updated,) = repo.all()
    assert (updated.id, updated.body, updated.usage_count) == (stored.id, "Hello again!", 1)


def test_matches_on_shortcode_then_title_and_body(repo: CannedRepository, tmp_path: Path) -> None:
    repo.add(CannedResponse(title="Mine", body="Old text", shortcode="ty"))
    repo.add(CannedResponse(title="Thanks", body="Thank you!"))
    path = tmp_path / "snippets.csv"
    path.write_text('"ty","New text","Mine"\n')
    assert import_file(repo, path, "textexpander").updated == 1
    path.write_text("title,body\nThanks,Thank you!\n")
    assert import_file(repo, path, "csv").skipped == 1
    assert repo.count() == 2


def test_bad_record_in_the_middle_leaves_database_unchanged(
    repo: CannedRepository, tmp_path: Path
) -> None:
    repo.add(CannedResponse(title="Existing", body="Keep me"))
    path = tmp_path / "export.json"
    good = {"title": "Good", "body": "Fine"}
    path.write_text(json.dumps({"responses": [good, {"title": "No body"}, good]}))
    with pytest.raises(ImportFileError, match=r"export.json, record 2: missing 'body'"):
        import_file(repo, path)
    assert [r.title for r in repo.all()] == ["Existing"]


def test_failure_while_writing_rolls_back_everything(
    repo: CannedRepository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = DATA / "espanso-support.yml"
    calls = 0
    original = repo.add_many

    def failing_add(responses: Iterable[CannedResponse]) -> int:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("disk full")
        return original(responses)

    monkeypatch.setattr(service, "BATCH", 1)  # the first response is written, then the disk fills
    monkeypatch.setattr(repo, "add_many", failing_add)
    with pytest.raises(RuntimeError):
        import_file(repo, path)
    assert calls == 2
    assert repo.count() == 0


def test_shortcode_taken_by_another_response_is_dropped_with_warning(
    repo: CannedRepository, tmp_path: Path
) -> None:
    path = tmp_path / "chatwoot.json"
    path.write_text(json.dumps([{"id": 1, "short_code": "s1", "content": "Hello!"}]))
    import_file(repo, path)
    repo.add(CannedResponse(title="House greeting", body="Hi!", shortcode="s2"))
    # The same Chatwoot response (id 1) now uses a short code the library already gives away.
    path.write_text(json.dumps([{"id": 1, "short_code": "s2", "content": "Hello!"}]))
    report = import_file(repo, path)
    assert (report.added, report.updated) == (0, 1)
    assert any("'s2'" in w and "House greeting" in w for w in report.warnings)
    shortcodes = {r.title: r.shortcode for r in repo.all()}
    assert shortcodes == {"Hello!": "", "House greeting": "s2"}


def test_shortcode_match_updates_the_existing_response(repo: CannedRepository) -> None:
    repo.add(CannedResponse(title="House greeting", body="Hi!", shortcode=":hello"))
    report = import_file(repo, SHARED_FORMATS / "espanso" / "espanso-hub-common-phrases.yml")
    assert (report.added, report.updated) == (59, 1)
    assert repo.count() == 60
    assert (
        import_file(repo, SHARED_FORMATS / "espanso" / "espanso-hub-common-phrases.yml").added == 0
    )


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_import_round_trip_is_lossless(
    repo: CannedRepository, db: object, tmp_path: Path, fmt: str
) -> None:
    repo.add(TRICKY)
    import_file(repo, DATA / "zendesk-macros.json")
    path = tmp_path / f"library.{fmt}"
    assert export(repo, path, fmt) == 3
    from desktop.store import migrations
    from sqlite_utils import Database

    fresh = CannedRepository(Database(memory=True))
    migrations.apply(fresh.db)
    report = import_file(fresh, path)
    assert (report.format, report.added) == (fmt, 3)
    assert _content(fresh.all()) == _content(repo.all())
    # And importing the export back into its own library changes nothing.
    assert import_file(repo, path).skipped == 3


def test_csv_export_defuses_spreadsheet_formulas(repo: CannedRepository, tmp_path: Path) -> None:
    repo.add(TRICKY)
    path = tmp_path / "library.csv"
    export(repo, path, "csv")
    text = path.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text
    assert ",=" not in text and "\n=" not in text


def test_export_rejects_unknown_format(repo: CannedRepository, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot export as 'xml'"):
        export(repo, tmp_path / "x.xml", "xml")


def test_own_csv_malformed_names_line(repo: CannedRepository, tmp_path: Path) -> None:
    path = tmp_path / "mine.csv"
    path.write_text('title,body,tags\nA,B,"[""x""]"\nC,D,"[broken"\n')
    with pytest.raises(ImportFileError, match=r"mine\.csv, line 3: 'tags' is not a JSON list"):
        import_file(repo, path)
    assert repo.count() == 0


def test_empty_file_is_an_error(repo: CannedRepository, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_text("[]")
    with pytest.raises(ImportFileError, match="no canned responses found"):
        import_file(repo, path, "chatwoot")


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", "canned", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"AGENT_ASSIST_HOME": str(home), "PATH": "/usr/bin:/bin"},
    )


def test_cli_import_export_list(app_home: Path, tmp_path: Path) -> None:
    result = _cli(app_home, "import", str(DATA / "chatwoot-canned.json"))
    assert result.returncode == 0, result.stderr
    assert "as chatwoot: 2 added, 0 updated, 0 skipped" in result.stdout
    assert "{{inbox.name}}" in result.stderr
    listed = _cli(app_home, "list")
    assert "\tgreet\t" in listed.stdout
    out = tmp_path / "out.csv"
    exported = _cli(app_home, "export", str(out))
    assert exported.returncode == 0 and "(csv)" in exported.stdout
    assert "greet" in out.read_text(encoding="utf-8")
    bad = tmp_path / "bad.json"
    bad.write_text('[{"id": 1, "content": "x"}]')
    failed = _cli(app_home, "import", str(bad), "--format", "chatwoot")
    assert failed.returncode == 1
    assert failed.stderr.strip() == "error: bad.json, record 1 ('1'): missing 'short_code'."


def test_export_to_missing_folder_is_a_clear_error(repo: CannedRepository, tmp_path: Path) -> None:
    with pytest.raises(InputError, match="Cannot write"):
        export(repo, tmp_path / "missing" / "library.json")
    assert not (tmp_path / "missing").exists()


# --- the team's own library and the samples (issue 20 part 7) -----------------------------------

SAMPLES = len(json.loads(seed_path().read_text(encoding="utf-8")))
REALISTIC = ROOT / "resources" / "eval" / "realistic" / "library.json"


def test_import_can_replace_the_untouched_samples_in_one_go(repo: CannedRepository) -> None:
    assert seed_if_new(repo, seed_path()) == SAMPLES == 49
    assert only_samples(repo.all()) == SAMPLES
    report = import_file(repo, REALISTIC, replace_samples=True)
    assert (report.removed_samples, report.added) == (SAMPLES, 64)
    assert repo.count() == 64
    assert {r.source for r in repo.all()} == {""}
    assert only_samples(repo.all()) == 0
    # the confirmation macros were recognised on the way in
    assert sum(1 for r in repo.all() if r.stated is not None) == 9


def test_edited_samples_are_the_agents_own_and_stay(repo: CannedRepository) -> None:
    seed_if_new(repo, seed_path())
    first, second, *_ = repo.all()
    repo.update(replace(first, body=first.body + " Thanks, Sam."))
    repo.record_use(second.id or 0)  # used as shipped: still a sample
    assert only_samples(repo.all()) == 0  # the library is no longer only samples
    gone = remove_samples(repo)
    assert len(gone) == SAMPLES - 1 and second.id in {r.id for r in gone}
    assert [r.id for r in repo.all()] == [first.id]
    assert remove_samples(repo) == []


def test_a_failed_import_keeps_the_samples(repo: CannedRepository, tmp_path: Path) -> None:
    seed_if_new(repo, seed_path())
    bad = tmp_path / "bad.csv"
    bad.write_text("title,body\nFine,A good row\n,empty title\n", encoding="utf-8")
    with pytest.raises(ImportFileError):
        import_file(repo, bad, replace_samples=True)
    assert only_samples(repo.all()) == SAMPLES


def test_cli_import_replace_samples_and_remove_samples(app_home: Path) -> None:
    replaced = _cli(app_home, "import", str(REALISTIC), "--replace-samples")
    assert replaced.returncode == 0, replaced.stderr
    assert replaced.stdout.splitlines()[0] == f"Removed {SAMPLES} sample responses."
    assert "64 added" in replaced.stdout
    assert len(_cli(app_home, "list").stdout.splitlines()) == 64
    again = _cli(app_home, "remove-samples")
    assert again.returncode == 0 and again.stdout.startswith("No sample responses to remove")


def test_cli_remove_samples_later(app_home: Path) -> None:
    _cli(app_home, "import", str(DATA / "chatwoot-canned.json"))  # seeds, then adds 2
    removed = _cli(app_home, "remove-samples")
    assert removed.returncode == 0, removed.stderr
    assert removed.stdout.startswith(f"Removed {SAMPLES} sample responses")
    assert len(_cli(app_home, "list").stdout.splitlines()) == 2
