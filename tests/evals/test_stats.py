"""Wilson score intervals: known values, the edges (0/n, n/n, 0/0), and how metrics carry them."""

from __future__ import annotations

import pytest

from evals.metrics.base import Verdict, aggregate
from evals.stats import Proportion, wilson


@pytest.mark.parametrize(
    ("k", "n", "lo", "hi"),
    [
        (50, 100, 0.4038, 0.5962),  # p = 0.5: symmetric, a little narrower than ±1.96·0.05
        (5, 10, 0.2366, 0.7634),
        (10, 20, 0.2993, 0.7007),
        (0, 10, 0.0, 0.2775),  # the normal approximation would give [0, 0]
        (10, 10, 0.7225, 1.0),
        (56, 71, 0.6803, 0.8676),
        (1, 1, 0.2065, 1.0),
    ],
)
def test_wilson_matches_known_values(k: int, n: int, lo: float, hi: float) -> None:
    got = wilson(k, n)
    assert got == pytest.approx((lo, hi), abs=1e-4)


def test_wilson_edges_and_bad_input() -> None:
    assert wilson(0, 0) == (0.0, 1.0)  # nothing measured: anything is possible
    lo, hi = wilson(3, 7)
    assert 0.0 < lo < 3 / 7 < hi < 1.0
    assert wilson(30, 70)[1] - wilson(30, 70)[0] < hi - lo  # more items, narrower interval
    for k, n in ((4, 3), (-1, 3), (0, -1)):
        with pytest.raises(ValueError):
            wilson(k, n)


def test_proportion_display_and_json() -> None:
    share = Proportion(56, 71)
    assert share.display() == "0.79 [0.68, 0.87] (56/71)"
    assert share.to_json() == {"value": 0.7887, "lo": 0.6803, "hi": 0.8676, "n": 71, "k": 56}
    assert Proportion(0, 0).display() == "not scored (0/0)" and Proportion(0, 0).value is None


def test_metric_results_carry_their_interval_and_mrr_does_not() -> None:
    verdicts = [Verdict("a", 1.0), Verdict("b", 0.0), Verdict("c", 1.0), Verdict("d", None, 0, "not scored")]
    result = aggregate("hit@5", verdicts)
    assert result.share() == Proportion(2, 3)
    assert result.display() == "0.67 [0.21, 0.94] (2/3)"
    assert {"lo", "hi", "n", "k"} <= set(result.to_json()) and result.to_json()["k"] == 2
    # Units within items (citations, sentences): k counts units, not items.
    units = aggregate("citation_validity", [Verdict("a", 0.5, 4), Verdict("b", 1.0, 2)], unit="citations")
    assert units.share() == Proportion(4, 6)
    mrr = aggregate("mrr", [Verdict("a", 1.0), Verdict("b", 1 / 3)], proportion=False)
    assert mrr.share() is None and "lo" not in mrr.to_json() and mrr.display() == "0.667"
    empty = aggregate("hit@5", [Verdict("a", None, 0)], empty_reason="nothing")
    assert empty.share() is None and empty.display() == "not scored" and empty.to_json()["not_scored"] == "nothing"
