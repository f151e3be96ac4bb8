"""The reranker tuner's cross-validation: a held-out family's items are ranked by weights fit without them."""

from __future__ import annotations

import numpy as np
import pytest

from bench import tune_rerank
from bench.tune_rerank import Pool, by_family, leave_one_family_out, score_ranking


def _pool(item_id: str, family: str, signal: int, rng: np.random.Generator) -> Pool:
    """Ten candidates; the first holds the gold quote. Feature `signal` is higher for it, the others are noise."""
    x = rng.normal(size=(10, len(tune_rerank.NAMES)))
    x[0, signal] += 8.0
    y = np.zeros(10, dtype=int)
    y[0] = 1
    return Pool(item_id, family, False, x, y, rng.normal(size=10))


def _pools() -> list[Pool]:
    rng = np.random.default_rng(0)
    families = (("a", 0), ("b", 0), ("c", 1))
    return [_pool(f"{family}-{n}", family, signal, rng) for family, signal in families for n in range(8)]


def test_each_family_is_ranked_by_weights_fit_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    trained_on: list[set[str]] = []
    real_fit = tune_rerank.fit

    def recording_fit(pools: list[Pool], c: float = 1.0) -> np.ndarray:
        trained_on.append({p.family for p in pools})
        return real_fit(pools, c)

    monkeypatch.setattr(tune_rerank, "fit", recording_fit)
    held_out = leave_one_family_out(_pools())
    assert sorted(map(sorted, trained_on)) == [["a", "b"], ["a", "c"], ["b", "c"]]
    assert set(held_out) == {p.item_id for p in _pools()}


def test_a_family_unlike_the_others_is_scored_as_unseen() -> None:
    pools = _pools()
    lofo = leave_one_family_out(pools)
    # Family "c" ranks by a feature the other two never reward: left out, its items are ranked no better than chance;
    # fit on everything, they are ranked well. Families "a" and "b" teach each other.
    everything = tune_rerank.fit(pools)
    left_out = by_family(pools, lambda p: lofo[p.item_id])
    in_sample = by_family(pools, lambda p: p.x @ everything)
    assert left_out["a"]["hit@1"] == 1.0 and left_out["b"]["hit@1"] == 1.0
    assert left_out["c"]["hit@1"] < in_sample["c"]["hit@1"]
    assert score_ranking(pools, lambda p: lofo[p.item_id])["items"] == len(pools)
