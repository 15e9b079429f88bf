"""The repository stands alone: nothing in it reads the folder beside the checkout.

A plain `git clone` has no sibling folder; code, tests, packaging or CI that refer to it pass on
our machines and fail for every contributor (issue 18). The data they need lives in
resources/eval and tests/data/public_formats, with their licence files.
"""

from __future__ import annotations

import re
from pathlib import Path

from desktop import paths

ROOT = Path(__file__).resolve().parents[1]
CHECKED = ["desktop", "tests", "packaging", ".ci", "Makefile", "pyproject.toml"]
# Built from parts so that this file does not match itself.
SIBLING = "sha" + "red"
PATTERNS = [
    re.compile(r"\.\./" + SIBLING + r"\b"),  # dot-dot slash, then the name
    re.compile(r"\.\.[\\/]+" + SIBLING + r"\b"),
    re.compile(r"parents?\b[^\n]{0,40}/\s*[\"']" + SIBLING + r"[\"']"),  # parent / the name
    re.compile(r"[\"']" + SIBLING + r"[\"']\s*/\s*[\"'](eval|formats)[\"']"),  # the name / eval
    re.compile(r"[\"']" + SIBLING + r"/(eval|formats)"),  # "shared/eval..."
]


def _files() -> list[Path]:
    found: list[Path] = []
    for name in CHECKED:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        elif path.is_dir():
            found += [
                p
                for p in path.rglob("*")
                if p.is_file()
                and p.suffix in {"", ".py", ".spec", ".sh", ".toml", ".cfg", ".md"}
                and "__pycache__" not in p.parts
                and "data" not in p.relative_to(ROOT).parts[:2]
            ]
    return found


def test_no_file_refers_to_the_folder_beside_the_checkout() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _files()
        for number, line in enumerate(
            path.read_text(encoding="utf-8", errors="replace").splitlines(), 1
        )
        if any(pattern.search(line) for pattern in PATTERNS)
        and path != Path(__file__).resolve()  # where the patterns are written down
    ]
    assert not offenders, "refers to the folder beside the checkout:\n" + "\n".join(offenders)


def test_the_patterns_catch_each_way_of_writing_it() -> None:
    for line in [
        f'EVAL = ROOT.parent / "{SIBLING}" / "eval"',
        f'EVAL = Path(__file__).resolve().parents[3] / "{SIBLING}" / "eval"',
        f"see ../{SIBLING}/eval/dev_cases.jsonl",
        f'open("{SIBLING}/formats/zendesk/x.json")',
    ]:
        assert any(p.search(line) for p in PATTERNS), line
    assert not any(p.search(line) for p in PATTERNS for line in ["shared words", "a shared folder"])


def test_the_evaluation_sets_and_their_licences_are_in_the_repository() -> None:
    data = paths.eval_dir()
    for name in [
        "canned.json",
        "dev_cases.jsonl",
        "multilingual_canned.json",
        "multilingual_dev.jsonl",
        "LICENSE-CDLA-Sharing-1.0.txt",
        "LICENSE-CC-BY-4.0.txt",
        "README.md",
        "realistic/conversations.jsonl",
        "realistic/library.json",
        "realistic/LICENSE-CC0-1.0.txt",
        "sentiment/umsab_val.jsonl",
        "sentiment/LICENSE-xlm-t-Apache-2.0.txt",
    ]:
        assert (data / name).is_file(), name
    assert (ROOT / "tests" / "data" / "public_formats" / "SOURCES.md").is_file()
