"""The shown match is a fitted probability: the fit, the features and the reliability table."""

from __future__ import annotations

import math
import random

from desktop.drafting import calibration
from desktop.drafting.focus import focus_of
from desktop.store.canned import CannedResponse
from desktop.transcript import parse


def test_fit_recovers_the_coefficients_of_a_known_logistic_model() -> None:
    rng = random.Random(3)
    truth = [-1.0, 3.0, -2.0]
    rows, labels = [], []
    for _ in range(4000):
        x = [1.0, rng.random(), rng.random()]
        p = 1 / (1 + math.exp(-sum(w * v for w, v in zip(truth, x, strict=True))))
        rows.append(x)
        labels.append(rng.random() < p)
    fitted = calibration.fit(rows, labels, l2=0.0)
    assert all(abs(f - t) < 0.35 for f, t in zip(fitted, truth, strict=True)), fitted


def test_weights_shift_the_fit_toward_the_weighted_rows() -> None:
    rows = [[1.0]] * 20
    labels = [True] * 5 + [False] * 15
    plain = calibration.fit(rows, labels, l2=0.0)[0]
    weighted = calibration.fit(rows, labels, [3.0] * 5 + [1.0] * 15, l2=0.0)[0]
    assert abs(plain - math.log(5 / 15)) < 0.01  # the log-odds of 5 in 20
    assert abs(weighted) < 0.01  # 5 rows weighing 3 balance the other 15


def test_reliability_compares_predicted_with_actual_per_bucket() -> None:
    table = calibration.reliability([0.1, 0.15, 0.9, 0.95], [False, True, True, True])
    assert table == [
        {"bucket": "0.0-0.2", "cases": 2, "predicted": 0.125, "actual": 0.5},
        {"bucket": "0.8-1.0", "cases": 2, "predicted": 0.925, "actual": 1.0},
    ]


def test_a_stronger_lead_means_a_higher_probability() -> None:
    focus = focus_of(parse("Customer: where is my parcel?"))
    a, b = CannedResponse(title="A", body="a"), CannedResponse(title="B", body="b")
    weak = calibration.features([(a, 0.4), (b, 0.35)], focus, (0.1, 0.8))
    strong = calibration.features([(a, 0.95), (b, 0.3)], focus, (0.6, 0.9))
    assert calibration.probability(strong) > calibration.probability(weak)
    assert 0.0 < calibration.probability(weak) < 1.0
    assert len(weak) == len(calibration.FEATURES) == len(calibration.COEFFICIENTS)
