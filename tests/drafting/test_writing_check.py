"""The writing check on the real default model, its cache, and what free writing follows."""

from __future__ import annotations

import dataclasses
import time
from pathlib import Path

import pytest
from desktop.drafting import model_quality, writing_check
from desktop.drafting.pipeline import load_system_prompt
from desktop.drafting.writing_check import WritingCache, WritingCheck, run_check
from desktop.engine.llama import LlamaEngine


@pytest.mark.model
def test_the_135m_default_fails_the_writing_check(engine: LlamaEngine) -> None:
    check = run_check(engine, load_system_prompt())
    assert check.drafts == len(writing_check.PROBES)
    assert not check.passed and check.clean < writing_check.CLEAN_NEEDED
    # Each unclean draft says what it did (made something up, wrote a label...).
    assert len(check.notes) == check.drafts - check.clean and all(": " in n for n in check.notes)


def test_a_clean_draft_passes_and_faults_are_named() -> None:
    thread = writing_check.PROBES[0][1]
    fault = writing_check._fault  # the judge of one raw draft
    polite = "Thanks for asking! Let me check with the team and get back to you today."
    assert fault(polite, [], "Priya", "You are a support agent.", thread) == ""
    assert fault("", [], "Priya", "x", thread) == "wrote nothing"
    assert "customer" in fault("Thanks for the help!\n- Priya", [], "Priya", "x", thread)
    assert "label" in fault("Concierge Service:\nYes we do.", [], "Priya", "x", thread)
    assert "nothing supports" in fault(polite, ["a flagged sentence"], "Priya", "x", thread)


def test_the_cache_keeps_a_check_per_file_until_the_file_changes(
    app_home: Path, default_model: Path, tmp_path: Path
) -> None:
    model = tmp_path / "model.gguf"
    model.write_bytes(default_model.read_bytes()[:4096])
    check = WritingCheck(True, 3, 3, (), time.time())
    WritingCache().put(model, check)
    assert WritingCache().get(model) == check  # read back from the file, in a new cache
    model.write_bytes(b"another model")
    assert WritingCache().get(model) is None  # a changed file is checked again


def test_free_writing_follows_the_check_once_there_is_one(
    app_home: Path, default_model: Path, engine: LlamaEngine
) -> None:
    info = dataclasses.replace(engine.info, path=default_model)
    assert not model_quality.writes_freely(info)  # unchecked: the size of its weights decides
    WritingCache().put(default_model, WritingCheck(True, 3, 3, (), time.time()))
    assert model_quality.writes_freely(info)  # a passed check lets it write
    big = dataclasses.replace(info, size_bytes=model_quality.FREE_WRITING_BYTES * 2)
    WritingCache().put(default_model, WritingCheck(False, 0, 3, ("x: y",), time.time()))
    assert not model_quality.writes_freely(big)  # a failed check outweighs any size
