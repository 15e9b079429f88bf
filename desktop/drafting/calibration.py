"""The shown match: the measured probability that the first suggestion is acceptable.

The ranking's confidence says how strongly the words and meaning match; it is not a
probability ("98%" was shown on wrong replies). A logistic model over a few features of the
ranked list turns it into one. Its coefficients are fitted by `packaging/fit_calibration.py`
on the development sets (the realistic threads, every thread set written since less the halves
never read, and the Bitext single questions, each case labelled acceptable or not), and the
README's reliability table compares predicted with actual per bucket. No Qt.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from desktop.drafting.focus import Focus
    from desktop.store.canned import CannedResponse

# Fitted by packaging/fit_calibration.py (see its output in the README); order as FEATURES.
FEATURES = ("bias", "top", "gap", "covered", "known", "open_words", "meaning")
COEFFICIENTS = (-1.35, 2.79, 0.583, 0.918, -0.503, -2.204, 3.253)
NO_MEANING = 0.4  # `meaning` where the multilingual encoder is missing: a typical match's
ABSTAIN = 0.5  # below this the panel says "No saved reply fits" and offers leads only
# ... and this for a customer writing in another language than the library's own. The words
# a German message shares with an English library are few, so its probability reads low: on
# the read thread sets, of the non-English cases shown 0.2-0.5, 7 of 11 were right (and none
# of the 5 where nothing fits was shown above 0.17).
ABSTAIN_OTHER_LANGUAGE = 0.2
THANKS_PROBABILITY = 0.8  # a thanks-only message answered by the library's closing response
UPSET_PROBABILITY = 0.8  # an upset customer answered first by the library's acknowledgement
ACTED_PROBABILITY = 0.85  # a confirmation of what the agent's latest turn says was done
# The next step after the steps a customer already took (drafting.tried): on the 160 dev
# threads it replaced the first response 9 times, and all 9 were acceptable.
TRIED_PROBABILITY = 0.8
# At most this where every request is a topic the library never mentions (reading.outside):
# on the dev threads it fires on 5 threads, none of them with an acceptable response.
OUTSIDE_PROBABILITY = 0.1


def features(
    ranked: Sequence[tuple[CannedResponse, float]],
    focus: Focus,
    coverage: tuple[float, float],
    meaning: float = NO_MEANING,
) -> list[float]:
    """What the probability is read from.

    `top` and `gap`: the ranking's confidence in the first response and its lead over the
    second. `coverage`: of the customer's latest words (weighted by how rare they are in the
    library), the share the first response contains and the share the library knows at all.
    `meaning`: the first response's best cosine with any sentence of the message (the
    multilingual space); an off-topic request ("do you do engraving?") matches no response's
    meaning, however many words it shares with one.
    """
    top = ranked[0][1] if ranked else 0.0
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    words = min(len(focus.open_text.split()), 80) / 80
    covered, known = coverage
    return [1.0, top, top - second, covered, known, words, meaning]


def probability(values: Sequence[float]) -> float:
    """P(the first suggestion is acceptable) from `features(...)`."""
    z = sum(c * x for c, x in zip(COEFFICIENTS, values, strict=True))
    return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


def fit(
    rows: Sequence[Sequence[float]],
    labels: Sequence[bool],
    weights: Sequence[float] | None = None,
    l2: float = 0.1,
) -> list[float]:
    """Weighted logistic regression by Newton's method (a few features, a few hundred rows)."""
    import numpy as np

    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(labels, dtype=np.float64)
    s = np.ones(len(y)) if weights is None else np.asarray(weights, dtype=np.float64)
    w = np.zeros(x.shape[1])
    penalty = l2 * np.eye(x.shape[1])
    penalty[0, 0] = 0.0  # the bias is not shrunk
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (s * (p - y)) + penalty @ w
        hessian = (x * (s * p * (1 - p))[:, None]).T @ x + penalty + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return [round(float(v), 3) for v in w]


def reliability(
    predicted: Sequence[float],
    actual: Sequence[bool],
    edges: Sequence[float] = (0.2, 0.4, 0.6, 0.8),
) -> list[dict[str, float | int | str]]:
    """Predicted against actual acceptance per probability bucket."""
    bounds = [0.0, *edges, 1.0001]
    table: list[dict[str, float | int | str]] = []
    for low, high in itertools.pairwise(bounds):
        inside = [(p, a) for p, a in zip(predicted, actual, strict=True) if low <= p < high]
        if not inside:
            continue
        table.append(
            {
                "bucket": f"{low:.1f}-{min(high, 1.0):.1f}",
                "cases": len(inside),
                "predicted": round(sum(p for p, _ in inside) / len(inside), 3),
                "actual": round(sum(a for _, a in inside) / len(inside), 3),
            }
        )
    return table
