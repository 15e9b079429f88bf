"""`agent-assist eval --drafts N`: the real pipeline and model on the shared dev cases."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import EVAL


@pytest.mark.model
def test_eval_drafts_reports_every_measure(default_model: object) -> None:
    done = subprocess.run(
        [
            sys.executable, "-m", "desktop", "eval", str(EVAL / "dev_cases.jsonl"),
            "--canned", str(EVAL / "canned.json"), "--drafts", "4", "--json",
        ],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    drafts = report["drafts"]
    assert drafts["cases"] == 4 and drafts["mode"] == "adapt"
    for key in ("draft_on_topic", "unsupported_specifics", "action_claims", "leaks", "non_empty"):
        assert 0.0 <= drafts[key] <= 1.0, key
        assert 0.0 <= drafts["before_checks"][key] <= 1.0, key
        assert 0.0 <= drafts["ready_reply"][key] <= 1.0, key
    assert drafts["non_empty"] == 1.0 and drafts["median_words"] >= 30
    assert drafts["leaks"] == 0.0
    assert drafts["first_token_s"] > 0 and drafts["ready_reply"]["ms_mean"] > 0
    assert report["top1"] > 0.8  # the retrieval report is still there
    assert drafts["ready_reply"]["on_expected_intent"] >= 0.5
