"""Small CLI defects a careless user meets (issue 22 item 8), end to end in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from desktop.library.service import import_file
from desktop.store.library import open_library
from desktop.textfile import size_text


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "desktop", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=env,
    )


def test_sizes_are_said_in_the_unit_that_fits() -> None:
    assert size_text(400_000) == "400 KB"
    assert size_text(5_000_000) == "5 MB"
    assert size_text(1_500_000) == "1.5 MB"
    assert size_text(999) == "999 bytes"


def test_read_names_its_real_limit(app_home: Path, tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    big.write_text("Customer: hello\n" * 30_000, encoding="utf-8")  # 480 KB
    result = _cli("read", str(big))
    assert result.returncode == 1
    assert "larger than 400 KB" in result.stderr and "0 MB" not in result.stderr


def test_canned_list_into_head_ends_quietly(app_home: Path, tmp_path: Path) -> None:
    csv_file = tmp_path / "many.csv"
    rows = ["title,body"] + [f"Answer {i},Thanks for asking about order {i}." for i in range(4000)]
    csv_file.write_text("\n".join(rows) + "\n", encoding="utf-8")
    library = open_library()
    import_file(library.repo, csv_file, "csv")
    library.close()
    piped = subprocess.run(
        f"'{sys.executable}' -m desktop canned list | head -5",
        shell=True,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env=dict(os.environ),
    )
    assert len(piped.stdout.splitlines()) == 5
    assert "Traceback" not in piped.stderr and "BrokenPipe" not in piped.stderr, piped.stderr


def test_an_empty_conversation_is_refused_before_the_model_loads(
    app_home: Path, tmp_path: Path
) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("\n  \n", encoding="utf-8")
    missing_model = tmp_path / "no-such-model.gguf"  # loading it would say so instead
    started = time.monotonic()
    result = _cli("suggest", str(empty), "--model", str(missing_model))
    assert result.returncode == 1
    assert "conversation is empty" in result.stderr, result.stderr
    assert "not found" not in result.stderr
    assert time.monotonic() - started < 30


def test_a_freshdesk_export_led_by_a_folder_imports_its_responses(
    app_home: Path, tmp_path: Path
) -> None:
    export = tmp_path / "freshdesk.json"
    export.write_text(
        json.dumps(
            [
                {"id": 7, "name": "Billing", "responses_count": 2},
                {"id": 101, "title": "Refund issued", "content": "Your refund is on its way."},
                {"id": 102, "title": "Card charged twice", "content": "We reversed the charge."},
            ]
        ),
        encoding="utf-8",
    )
    library = open_library()
    try:
        before = library.repo.count()
        report = import_file(library.repo, export, "freshdesk")
        assert report.added == 2 and report.skipped == 1
        assert library.repo.count() == before + 2
        assert any("Billing" in w for w in report.warnings)
    finally:
        library.close()
