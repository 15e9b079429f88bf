"""Fit the thread reranker's weights (desktop/drafting/rerank.py) on the development sets.

    .venv/bin/python packaging/fit_rerank.py

Every answerable case of the realistic threads and the Bitext single questions gives the
reranker's pool with its features; the acceptable responses in it are the positives. The
weights maximise the listwise likelihood that an acceptable response comes first (a softmax
over the pool, L2-shrunk), with the realistic threads weighed as much as the many Bitext
questions. Prints the weights to paste into rerank.py and, from a five-fold split of the
threads (Bitext always trains), the first-suggestion accuracy on threads the fold did not see,
next to the current weights and to the ranking's own order.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.drafting import rerank  # noqa: E402
from desktop.drafting.focus import focus_of  # noqa: E402
from desktop.drafting.understand import understand_conversation  # noqa: E402
from desktop.evaluation.cases import load_cases  # noqa: E402
from desktop.evaluation.conversations import load_conversation_cases  # noqa: E402
from desktop.evaluation.library import memory_repository  # noqa: E402
from desktop.importers import bitext, parse_file  # noqa: E402
from desktop.importers.bitext import intent_of  # noqa: E402
from desktop.transcript import parse  # noqa: E402

EVAL = ROOT / "resources" / "eval"
Case = tuple[np.ndarray, np.ndarray, str, str]  # features, positives, set, id


THREADS = EVAL / "realistic" / "conversations.jsonl"
LIBRARY = EVAL / "realistic" / "library.json"


def cases() -> list[Case]:
    found: list[Case] = []
    repo = memory_repository(list(parse_file(LIBRARY)[1].responses))
    titles = {r.id: r.title for r in repo.all()}
    for case in load_conversation_cases(THREADS):
        focus = focus_of(parse(case.raw))
        if not case.acceptable or focus.thanks_only:
            continue
        pool = rerank.candidates(repo.db, focus)
        positive = [titles.get(i) in case.acceptable for i in pool.ids]
        found.append((np.asarray(pool.features), np.asarray(positive), "real", case.id))
    library = bitext.parse(EVAL / "canned.json").responses
    repo = memory_repository(library)
    by_id = {r.id: r for r in repo.all()}
    for number, question in enumerate(load_cases(EVAL / "dev_cases.jsonl")):
        focus = focus_of(question.transcript)
        pool = rerank.candidates(repo.db, focus)
        positive = [
            i in by_id and intent_of(by_id[i]) == question.expected_intent for i in pool.ids
        ]
        found.append((np.asarray(pool.features), np.asarray(positive), "bitext", str(number)))
    return found


def fit(data: list[Case], l2: float = 0.05, steps: int = 3000) -> np.ndarray:
    """Listwise softmax likelihood of the positives, by gradient ascent with Adam."""
    usable = [(x, y, w) for (x, y, _, _), w in zip(data, _balance(data), strict=True) if y.any()]
    weights = np.asarray(rerank.WEIGHTS, dtype=np.float64)
    m = np.zeros_like(weights)
    v = np.zeros_like(weights)
    for step in range(1, steps + 1):
        gradient = l2 * weights
        for x, y, share in usable:
            z = x @ weights
            p = np.exp(z - z.max())
            p /= p.sum()
            q = p * y
            q /= q.sum()
            gradient -= share * (x.T @ (q - p))
        gradient /= len(usable)
        m = 0.9 * m + 0.1 * gradient
        v = 0.999 * v + 0.001 * gradient**2
        weights -= 0.05 * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return weights


def _balance(data: list[Case]) -> list[float]:
    real = sum(1 for _, _, k, _ in data if k == "real") or 1
    other = len(data) - real or 1
    return [other / real if k == "real" else 1.0 for _, _, k, _ in data]


def _share(right: dict[str, bool]) -> float:
    return round(sum(right.values()) / len(right), 3) if right else 0.0


def first_right(data: list[Case], weights: np.ndarray) -> float:
    right = [bool(y[int(np.argmax(x @ weights))]) for x, y, _, _ in data if len(y)]
    return round(sum(right) / len(right), 3) if right else 0.0


def pipeline_first_right(ids: set[str], weights: np.ndarray) -> dict[str, bool]:
    """Per thread: whether the app's first suggestion (policy applied) is acceptable."""
    repo = memory_repository(list(parse_file(LIBRARY)[1].responses))
    saved = rerank.WEIGHTS
    rerank.WEIGHTS = tuple(float(w) for w in weights)
    try:
        right = {}
        for case in load_conversation_cases(THREADS):
            if case.id in ids:
                understood = understand_conversation(repo, parse(case.raw), {})
                ready = understood.needs[0].ready if understood.needs else None
                top = ready.canned.title if ready is not None else ""  # confident or not
                right[case.id] = top in case.acceptable
        return right
    finally:
        rerank.WEIGHTS = saved


def main() -> int:
    data = cases()
    real = [c for c in data if c[2] == "real"]
    other = [c for c in data if c[2] != "real"]
    random.Random(7).shuffle(real)
    folds = 5
    unseen: list[Case] = []
    fold_weights = []
    in_app: dict[str, bool] = {}
    for fold in range(folds):
        train = [c for i, c in enumerate(real) if i % folds != fold] + other
        weights = fit(train)
        fold_weights.append(weights)
        held = [c for i, c in enumerate(real) if i % folds == fold]
        unseen += [(x @ weights, y, k, n) for x, y, k, n in held]  # type: ignore[misc]
        in_app.update(pipeline_first_right({n for _, _, _, n in held}, weights))
    right = [bool(y[int(np.argmax(s))]) for s, y, _, _ in unseen if len(y)]
    weights = fit(data)
    ranking_only = np.zeros(len(rerank.FEATURES))
    ranking_only[1] = 1.0
    report = {
        "features": rerank.FEATURES,
        "weights": [round(float(w), 3) for w in weights],
        "threads": len(real),
        "bitext_questions": len(other),
        "threads_first_right_cross_validated": round(sum(right) / len(right), 3),
        "threads_first_right_fitted": first_right(real, weights),
        "app_threads_first_right_cross_validated": round(sum(in_app.values()) / len(in_app), 3),
        "app_threads_first_right_current": _share(
            pipeline_first_right(set(in_app), np.asarray(rerank.WEIGHTS))
        ),
        "app_threads_first_right_fitted": _share(pipeline_first_right(set(in_app), weights)),
        "threads_first_right_current": first_right(real, np.asarray(rerank.WEIGHTS)),
        "threads_first_right_ranking_order": first_right(real, ranking_only),
        "bitext_first_right_fitted": first_right(other, weights),
        "bitext_first_right_current": first_right(other, np.asarray(rerank.WEIGHTS)),
        "bitext_first_right_ranking_order": first_right(other, ranking_only),
        "weights_per_fold": [[round(float(w), 2) for w in f] for f in fold_weights],
        "app_threads_wrong_cross_validated": sorted(n for n, ok in in_app.items() if not ok),
    }
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
