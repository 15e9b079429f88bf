"""`agent-assist bench`: every code path on small sizes (no timing assertions: figures vary)."""

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from desktop import paths
from desktop.app import build_parser
from desktop.cli import bench as cli_bench
from desktop.evaluation.bench.children import event_loop_figures, startup_figures
from desktop.evaluation.bench.config import BenchConfig
from desktop.evaluation.bench.model import model_figures
from desktop.evaluation.bench.ranking import (
    FOREIGN_CONVERSATION,
    first_rank_after_restart,
    in_fresh_process,
    ranking_figures,
)
from desktop.evaluation.cases import load_cases
from desktop.importers import bitext
from desktop.settings import Settings
from desktop.store import migrations, ranking
from desktop.store.canned import CannedRepository
from desktop.transcript import parse
from sqlite_utils import Database

from tests.conftest import EVAL

CASES = EVAL / "dev_cases.jsonl"
CANNED = EVAL / "canned.json"
SMALL = BenchConfig(
    cases=CASES,
    canned=CANNED,
    rank_sizes=(60, 300),
    rank_queries=4,
    generations=2,
    prompt_lengths=(64, 128),
    decode_tokens=8,
    repeats=2,
    thread_settings=True,
    startup=False,
    event_loop=False,
)


def _positive(value: object) -> bool:
    return isinstance(value, int | float) and value > 0


@pytest.mark.usefixtures("default_model")
def test_model_figures_cover_app_raw_and_the_state_cache() -> None:
    # A short context and one grounding response keep the prompts small on a shared machine.
    settings = Settings(context_tokens=1024, grounding_count=1)
    cases = load_cases(CASES)
    library = bitext.parse(CANNED).responses
    lines: list[str] = []
    out = model_figures(settings, cases, library, SMALL, lines.append)
    for key in (
        "ttft_cold_s",
        "ttft_cold_raw_s",
        "ttft_warm_s",
        "ttft_seen_grounding_s",
        "ttft_seen_uncached_s",
        "ttft_adapt_s",
        "decode_tps_raw",
        "decode_tps_raw_greedy",
        "decode_tps_app",
        "decode_tps_app_shown",
        "decode_ratio",
        "peak_rss_mb",
    ):
        assert _positive(out[key]), key
    assert out["state_cache_mb"] > 0  # the seen grounding was kept
    assert out["adapt_mode_used"] == "adapt"
    assert out["generations"] == 2
    assert len(out["prompt_tokens_cold"]) == 2  # best of two cold/raw pairs
    assert set(out["by_prompt_length"]) == {"64", "128"}
    assert out["by_prompt_length"]["128"]["tokens"] == 128
    assert {"1/1", "1/2", "2/1", "2/2"} <= set(out["by_threads"]) or len(out["by_threads"]) == 1
    assert lines and all(isinstance(line, str) for line in lines)


def test_ranking_figures_by_size_and_after_a_restart(tmp_path: Path) -> None:
    cases = load_cases(CASES)
    library = bitext.parse(CANNED).responses
    out = ranking_figures(cases, library, SMALL, tmp_path, lambda _line: None)
    assert set(out["rank_ms_p50"]) == {"60", "300"}
    assert all(_positive(v) for v in out["rank_ms_p95"].values())
    assert "import_100k_s" not in out  # only measured at 100k
    assert out["rank_restart_size"] == 300
    detail = out["rank_restart_detail"]
    assert detail["total_s"] == out["rank_first_after_restart_s"]
    assert _positive(detail["index_and_rank_s"])
    assert _positive(detail["first_other_language_s"])
    assert set(out["cross_fill_s"]) == {"60", "300"}


def test_first_rank_after_restart_reuses_the_kept_vectors(tmp_path: Path) -> None:
    """The child process finds every vector in the file: the library is not embedded again.

    The multilingual space is embedded once, by the first conversation in another language.
    """
    library = bitext.parse(CANNED).responses[:40]
    path = tmp_path / "library.db"
    db = Database(path)
    migrations.apply(db)
    CannedRepository(db).add_many(library)
    cases = load_cases(CASES)
    ranking.rank_ids(db, cases[0].transcript, 3)
    kept = db.execute("SELECT count(*) FROM vectors").fetchone()[0]
    db.close()
    assert kept == 40  # English conversations on an English library: one space
    foreign = parse(FOREIGN_CONVERSATION)
    for _restart in range(2):
        out = in_fresh_process(first_rank_after_restart, str(path), cases[1].transcript, foreign)
        assert _positive(out["first_other_language_s"])
        reopened = Database(path)
        assert reopened.execute("SELECT count(*) FROM vectors").fetchone()[0] == 80
        reopened.close()


@pytest.mark.usefixtures("default_model")
def test_startup_figures_come_from_the_self_test() -> None:
    out = startup_figures()
    assert "startup_error" not in out, out
    assert 0 < out["window_shown_s"] <= out["model_ready_s"]


@pytest.mark.usefixtures("default_model")
def test_event_loop_figures_from_the_offscreen_window() -> None:
    out = event_loop_figures(replace(SMALL, decode_tokens=8))
    assert "event_loop_error" not in out, out
    for phase in ("streaming", "typing", "searching"):
        assert out[phase]["ticks"] > 0
    assert out["max_stall_ms"] >= 0
    assert out["stalls_over_16ms"] >= 0
    assert out["decode_tokens_widget"] > 0


def test_the_command_is_registered_and_prints_a_table() -> None:
    args = build_parser().parse_args(["bench", "--quick", "--json"])
    assert args.handler.load() is cli_bench.bench_command
    assert args.quick and args.json
    text = cli_bench.table({"ttft_cold_s": 1.5, "rank_ms_p50": {"1000": 0.4}, "x": {"a": {"b": 1}}})
    rows = [line.split() for line in text.splitlines()]
    assert rows == [["ttft_cold_s", "1.5"], ["rank_ms_p50[1000]", "0.4"], ["x[a]", "b", "1"]]


def test_quick_config_is_smaller() -> None:
    quick = BenchConfig.quick_run()
    # The defaults are the evaluation sets shipped in the repository, not a folder beside it.
    assert quick.cases.is_file() and quick.canned.is_file()
    assert quick.cases.is_relative_to(paths.resource_dir())
    full = BenchConfig()
    assert 100_000 in full.rank_sizes and 100_000 not in quick.rank_sizes
    assert 4096 in full.prompt_lengths and 4096 not in quick.prompt_lengths
    assert quick.generations == 10 and full.generations == 50
    assert sys.executable  # the child processes run with this interpreter
