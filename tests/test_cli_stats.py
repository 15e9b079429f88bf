"""`agent-assist stats` reads the feedback the window records, from the real database."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from desktop import paths
from desktop.store.feedback import FeedbackEvent, FeedbackRepository
from desktop.store.library import open_library


def test_stats_reports_recorded_feedback(app_home: Path) -> None:
    library = open_library()
    feedback = FeedbackRepository(library.repo.db)
    feedback.record(FeedbackEvent("ready_reply", "copied", "Hi", "Hi", (3,)))
    feedback.record(FeedbackEvent("draft", "discarded", "A draft"))
    library.close()
    assert paths.database_path().is_file()

    run = [sys.executable, "-m", "desktop", "stats", "--json"]
    done = subprocess.run(run, capture_output=True, text=True, check=True)
    stats = json.loads(done.stdout)
    assert (stats["offered"], stats["copied"], stats["acceptance"]) == (2, 1, 0.5)
    assert stats["top_canned"] == [{"id": 3, "copied": 1}]

    text = subprocess.run(run[:-1], capture_output=True, text=True, check=True).stdout
    assert text.startswith("last 30 days: 2 suggestions, 1 copied (50%)")
    bad = subprocess.run([*run[:-1], "--days", "0"], capture_output=True, text=True, check=False)
    assert bad.returncode == 1 and bad.stderr.startswith("error: --days must be at least 1")
