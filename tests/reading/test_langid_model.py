"""The compact language model (resources/langid/) answers exactly as py3langid does.

py3langid stays a development dependency for this: the app classifies with
desktop.reading.langid_model, and these tests hold it to py3langid's own classifier with
set_languages(SUPPORTED), answer and score, on every utterance of the shared multilingual
dev set, the short support messages, and texts made to hit the automaton's corners.
"""

from __future__ import annotations

import json
import subprocess
import sys
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from desktop.evaluation.cases import load_cases
from desktop.reading import read_conversation
from desktop.reading.langid_model import CompactLangid
from desktop.reading.language import SUPPORTED, _identifier

from tests.conftest import EVAL

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "resources" / "langid"
DEV = (EVAL / "multilingual_dev.jsonl").read_text(encoding="utf-8").splitlines()
SHORT = ROOT / "tests" / "data" / "reading" / "short_messages.jsonl"
UTTERANCES = [t["text"] for line in DEV for t in json.loads(line)["conversation"]] + [
    json.loads(line)["text"] for line in SHORT.read_text(encoding="utf-8").splitlines()
]
EDGE_CASES = [
    "",
    " ",
    "\n\t",
    "1234567890",
    "+49 (0)30 1234-5678, order #48213",
    "🙂🙂🙂 👍",
    "refund 🙂 please",
    "WHERE IS MY PARCEL",  # all capitals: py3langid lowers them first
    "ОТКУДА ЭТОТ ПЛАТЁЖ",
    "Cafe\u0301 cre\u0300me brûlée",  # decomposed accents: NFC first
    "mi pedido 注文 заказ order 주문",
    "Ich möchte mein Geld zurück, s'il vous plaît, por favor",
    "a",
    "zz",
    "\ud800 lone surrogate",
    "ǅ ǈ ǋ titlecase ligatures",
    "x" * 5000,
    "Where is my order? It was supposed to arrive on Monday. " * 200,
    "Bonjour, je n'ai toujours pas reçu mon colis. " * 100 + "Hola, ¿dónde está mi pedido?" * 50,
    "".join(chr(c) for c in range(32, 0x3000, 7)),
]


@cache
def py3langid() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(SUPPORTED))
    return identifier


def test_the_model_holds_exactly_the_supported_languages() -> None:
    assert sorted(_identifier().classes) == sorted(SUPPORTED)


@pytest.mark.parametrize("texts", [UTTERANCES, EDGE_CASES], ids=["utterances", "edge-cases"])
def test_answers_and_scores_equal_py3langid(texts: list[str]) -> None:
    ours = _identifier()
    differ = [(t[:60], ours.classify(t), py3langid().classify(t)) for t in texts]
    differ = [d for d in differ if d[1] != (str(d[2][0]), float(d[2][1]))]
    assert not differ
    assert len(texts) >= 20


def test_detection_on_the_multilingual_dev_set_is_250_of_250() -> None:
    """README, "Reading the conversation": the conversation read as the app reads it."""
    cases = load_cases(EVAL / "multilingual_dev.jsonl")
    right = [read_conversation(case.transcript).language == case.language for case in cases]
    assert (sum(right), len(right)) == (250, 250)


def test_a_damaged_model_folder_is_refused_with_what_to_do(tmp_path: Path) -> None:
    for path in MODEL.glob("*.npy"):
        (tmp_path / path.name).write_bytes(path.read_bytes())
    np.save(tmp_path / "pc.npy", np.zeros(5, dtype=np.float32))
    with pytest.raises(ValueError, match=r"damaged: reinstall.*do not match"):
        CompactLangid(tmp_path)
    (tmp_path / "ptc.npy").write_bytes((MODEL / "ptc.npy").read_bytes()[:1000])
    with pytest.raises(ValueError, match=r"damaged: reinstall.*ptc\.npy"):
        CompactLangid(tmp_path)
    (tmp_path / "fail.npy").unlink()
    with pytest.raises(ValueError, match=r"damaged: reinstall.*fail\.npy"):
        CompactLangid(tmp_path)


def test_the_committed_model_is_what_the_script_makes(tmp_path: Path) -> None:
    """packaging/make_langid_model.py is deterministic and checks its trie against py3langid's
    dense automaton; the files in resources/langid/ are its output, byte for byte."""
    made = subprocess.run(
        [sys.executable, str(ROOT / "packaging" / "make_langid_model.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert made.returncode == 0, made.stderr[-3000:]
    names = sorted(p.name for p in MODEL.iterdir())
    assert names == sorted(p.name for p in tmp_path.iterdir())
    assert [(MODEL / n).read_bytes() == (tmp_path / n).read_bytes() for n in names] == [True] * len(
        names
    )


MEMORY_PROBE = """
import json, sys
import numpy, unicodedata
from desktop.reading import language

def status_mb(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024

text = "Hallo, ich warte seit Montag auf mein Paket. Wo ist es?"
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # restart the peak (VmHWM) from here: imports above are not measured
before = status_mb("VmRSS")
if sys.argv[1] == "py3langid":
    from py3langid.langid import MODEL_FILE, LanguageIdentifier
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
    identifier.set_languages(list(language.SUPPORTED))
    answer = identifier.classify(text)[0]
else:
    answer = language.detect(text)
after, peak = status_mb("VmRSS"), status_mb("VmHWM")
print(json.dumps({"before": before, "after": after, "peak": peak, "answer": answer}))
"""


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc (Linux)")
def test_memory_of_a_first_detection_side_by_side() -> None:
    """A fresh process each, app modules already imported: resident memory before and after
    the first detection, and the peak in between. Printed (pytest -s); the compact model must stay
    small, py3langid's full model is the figure it replaces."""
    figures = {}
    for kind in ("py3langid", "compact"):
        probe = subprocess.run(
            [sys.executable, "-c", MEMORY_PROBE, kind],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
        )
        figures[kind] = json.loads(probe.stdout)
        f = figures[kind]
        print(
            f"\n{kind:>9}: resident {f['before']:.1f} -> {f['after']:.1f} MB "
            f"(+{f['after'] - f['before']:.1f}), "
            f"peak {f['peak']:.1f} MB (+{f['peak'] - f['before']:.1f})"
        )
    assert figures["py3langid"]["answer"] == figures["compact"]["answer"] == "de"
    assert figures["compact"]["peak"] - figures["compact"]["before"] < 10
