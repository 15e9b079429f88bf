"""Team learning (issue 23): two agents' data folders, real SQLite files, one shared team file.

Agent A answers with a team response; after a sync agent B has the conversation as an
example of the same team response, and ranks with it. Sharing is off by default, an agent's
own responses are never shared, nothing personal reaches the shared folder, a broken sidecar
is skipped and a re-sync replaces what a sidecar taught.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop import settings
from desktop.library import team, team_examples
from desktop.settings import Settings
from desktop.store.canned import CannedResponse
from desktop.store.examples import ExampleStore
from desktop.store.feedback import FeedbackEvent, FeedbackRepository
from desktop.store.learning import Answered, learn_many
from desktop.store.library import Library, open_library
from desktop.transcript import parse

from tests.test_team_library import write_library

TEAM = [
    {
        "title": "Warranty claim for a broken espresso machine",
        "body": "Our espresso machines carry a two-year warranty; send us a photo of the fault.",
        "shortcode": "warranty",
    },
    {"title": "Team holiday opening hours", "body": "We are open 9 to 5 on public holidays."},
]
THREAD = (
    "Customer: my grinder stopped after a week, I am jane.doe@example.com, "
    "order 4111111111111111\nAgent: Sorry to hear that"
)


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    folder.mkdir()
    path = folder / "team.json"
    write_library(path, TEAM)
    return path.resolve()


def _agent(folder: Path, shared: Path) -> Library:
    library = open_library(folder / "data" / "canned.db")
    team.subscribe(library.repo, shared)
    return library


@pytest.fixture
def agents(tmp_path: Path, shared: Path) -> Iterator[tuple[Library, Library]]:
    a, b = _agent(tmp_path / "a", shared), _agent(tmp_path / "b", shared)
    yield a, b
    a.close()
    b.close()


def _team_id(library: Library, title: str) -> int:
    found = [r.id for r in library.repo.all() if team.is_team(r) and r.title == title]
    assert found and found[0] is not None
    return found[0]


def _pick(library: Library, canned_id: int, thread: str = THREAD) -> None:
    """As the window records a copied canned response (redacted there, as history is)."""
    FeedbackRepository(library.repo.db).record(
        FeedbackEvent("canned", "copied", "reply", canned_ids=[canned_id], conversation=thread)
    )


def _team_examples(library: Library) -> list[tuple[int, str, int, str]]:
    return [
        (int(c), str(t), int(p), str(s))
        for c, t, p, s in library.repo.db.execute(
            "SELECT canned_id, text, polarity, source FROM example "
            "WHERE source LIKE 'team:%' ORDER BY id"
        ).fetchall()
    ]


def _sidecars(shared: Path) -> list[Path]:
    return sorted(shared.parent.glob(f"{shared.name}.examples.*.jsonl"))


def test_a_pick_of_a_team_response_teaches_the_other_agent(
    agents: tuple[Library, Library], shared: Path
) -> None:
    a, b = agents
    _pick(a, _team_id(a, "Warranty claim for a broken espresso machine"))
    [exported] = team_examples.sync_examples(a.repo, share=True)
    assert exported.exported == 1 and not exported.errors
    [sidecar] = _sidecars(shared)
    assert sidecar.name == f"team.json.examples.{team_examples.agent_id(a.repo.db)}.jsonl"

    [learned] = team_examples.sync_examples(b.repo, share=True)
    assert learned.learned == 1 and not learned.errors
    warranty = _team_id(b, "Warranty claim for a broken espresso machine")
    [(canned_id, text, polarity, source)] = _team_examples(b)
    assert (canned_id, polarity) == (warranty, 1)
    assert "grinder stopped" in text and source == team.source_for(sidecar)
    stats = ExampleStore(b.repo.db).stats()
    assert team_examples.from_team(stats["by_source"]) == {"picks": 1, "against": 0}
    # B's own sidecar holds none of what it learned from A: nothing echoes back.
    assert [p for p in _sidecars(shared) if p != sidecar] == []
    # A reads no file of its own.
    [again] = team_examples.sync_examples(a.repo, share=True)
    assert again.learned == 0 and _team_examples(a) == []


def test_sharing_is_off_by_default_and_turning_it_off_takes_the_file_back(
    agents: tuple[Library, Library], shared: Path
) -> None:
    a, b = agents
    _pick(a, _team_id(a, "Team holiday opening hours"))
    team_examples.sync_examples(a.repo, share=False)
    assert _sidecars(shared) == []
    team_examples.sync_examples(a.repo, share=True)
    assert len(_sidecars(shared)) == 1
    team_examples.sync_examples(b.repo, share=False)
    assert _team_examples(b) == []  # B has not opted in: it learns nothing either
    team_examples.sync_examples(a.repo, share=False)
    assert _sidecars(shared) == []


def test_own_responses_and_imports_are_never_shared(
    agents: tuple[Library, Library], shared: Path
) -> None:
    a, _b = agents
    own = a.repo.add(CannedResponse(title="My private refund note", body="Refunds take 5 days."))
    assert own.id is not None
    _pick(a, own.id)
    # A ticket-history import of a team response stays on the laptop too.
    warranty = _team_id(a, "Warranty claim for a broken espresso machine")
    learn_many(a.repo.db, [Answered(warranty, parse("Customer: broken again"))], "import")
    [report] = team_examples.sync_examples(a.repo, share=True)
    assert report.exported == 0 and _sidecars(shared) == []
    assert ExampleStore(a.repo.db).stats()["examples"] == 2  # both kept locally


def test_nothing_personal_reaches_the_shared_folder(
    agents: tuple[Library, Library], shared: Path
) -> None:
    a, _b = agents
    warranty = _team_id(a, "Warranty claim for a broken espresso machine")
    _pick(a, warranty)
    # An example written without the app's redaction (an older version, another path).
    learn_many(a.repo.db, [Answered(warranty, parse(THREAD))], "app")
    team_examples.sync_examples(a.repo, share=True)
    [sidecar] = _sidecars(shared)
    text = sidecar.read_text(encoding="utf-8")
    rows = [json.loads(line) for line in text.splitlines()]
    assert len(rows) == 2 and {r["key"] for r in rows} == {"shortcode:warranty"}
    assert "example.com" not in text and "4111" not in text and "jane.doe" not in text
    assert "Sorry to hear that" not in text  # the agent's side is never shared
    assert "[email]" in rows[1]["text"] and "[number]" in rows[1]["text"]


def test_a_broken_sidecar_is_skipped_and_a_resync_replaces(
    agents: tuple[Library, Library], shared: Path, caplog: pytest.LogCaptureFixture
) -> None:
    a, b = agents
    broken = shared.with_name(f"{shared.name}.examples.someone.jsonl")
    broken.write_text('{"key": "shortcode:warranty", "text": "hi", "polarity": 1}\nnot json\n')
    _pick(a, _team_id(a, "Warranty claim for a broken espresso machine"))
    team_examples.sync_examples(a.repo, share=True)
    with caplog.at_level(logging.WARNING):
        [report] = team_examples.sync_examples(b.repo, share=True)
    assert report.learned == 1  # A's file still taught B
    assert len(report.errors) == 1 and "someone" in report.errors[0] and "line 2" in caplog.text

    # A picks again: B's next sync replaces what A's file taught, it does not add to it.
    _pick(a, _team_id(a, "Team holiday opening hours"), "Customer: are you open on Monday?")
    team_examples.sync_examples(a.repo, share=True)
    [report] = team_examples.sync_examples(b.repo, share=True)
    assert (report.removed, report.learned) == (1, 2)
    assert len(_team_examples(b)) == 2
    [unchanged] = team_examples.sync_examples(b.repo, share=True)
    assert (unchanged.removed, unchanged.learned) == (0, 0) and len(_team_examples(b)) == 2

    # A colleague who leaves (their file goes) takes what they taught with them.
    for path in _sidecars(shared):
        path.unlink()
    [gone] = team_examples.sync_examples(b.repo, share=True)
    assert gone.removed == 2 and _team_examples(b) == []


def _cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "AGENT_ASSIST_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args], env=env, capture_output=True, text=True
    )


def test_canned_sync_shares_only_when_the_setting_is_on(tmp_path: Path, shared: Path) -> None:
    """`agent-assist canned sync` in two agents' homes, then `learn stats` in the second."""
    homes = [tmp_path / "home-a", tmp_path / "home-b"]
    for home in homes:
        assert _cli(home, "canned", "subscribe", str(shared)).returncode == 0
    library = open_library(homes[0] / "data" / "canned.db")
    try:
        _pick(library, _team_id(library, "Warranty claim for a broken espresso machine"))
    finally:
        library.close()
    assert _cli(homes[0], "canned", "sync").returncode == 0
    assert _sidecars(shared) == []  # off by default
    for home in homes:
        settings.save(Settings(share_examples=True), home / "config" / "settings.json")
    done = _cli(homes[0], "canned", "sync")
    assert done.returncode == 0 and "1 of your picks shared" in done.stdout
    done = _cli(homes[1], "canned", "sync")
    assert done.returncode == 0 and "1 learned from the team" in done.stdout, done.stdout
    stats = json.loads(_cli(homes[1], "learn", "stats", "--json").stdout)
    assert stats["from_team"] == {"picks": 1, "against": 0}
    assert "team    1 picks, 0 passed over" in _cli(homes[1], "learn", "stats").stdout


def test_subscribing_again_learns_the_team_again(
    agents: tuple[Library, Library], shared: Path
) -> None:
    """New ids for the same team responses: the unchanged sidecar is read again."""
    a, b = agents
    _pick(a, _team_id(a, "Warranty claim for a broken espresso machine"))
    team_examples.sync_examples(a.repo, share=True)
    team_examples.sync_examples(b.repo, share=True)
    team.unsubscribe(b.repo, shared)
    b.repo.add(CannedResponse(title="Mine", body="Added meanwhile: the team's ids move on."))
    team.subscribe(b.repo, shared)
    [report] = team_examples.sync_examples(b.repo, share=True)
    assert (report.removed, report.learned) == (1, 1)
    warranty = _team_id(b, "Warranty claim for a broken espresso machine")
    assert [row[0] for row in _team_examples(b)] == [warranty]
