"""Latency: p50 and p95 of each timing the answers report (retrieve, answer, total and their sub-stages)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from evals.metrics.base import ItemRun

MAIN_KEYS = ("retrieve", "answer", "total")


@dataclass
class LatencyStat:
    p50: float
    p95: float
    count: int


@dataclass
class LatencyResult:
    stats: dict[str, LatencyStat] = field(default_factory=dict)  # by timing key, ms
    count: int = 0  # answers timed
    reason: str = ""  # why nothing was timed

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"count": self.count, "ms": {k: s.__dict__ for k, s in self.stats.items()}}
        if not self.stats:
            out["not_scored"] = self.reason
        return out


def percentiles(values: Sequence[float]) -> LatencyStat:
    p50, p95 = np.percentile(np.asarray(values, dtype=np.float64), [50, 95])
    return LatencyStat(round(float(p50), 2), round(float(p95), 2), len(values))


def score_latency(runs: Sequence[ItemRun]) -> LatencyResult:
    # 1. Collect every timing key across answers (sub-stages appear only where the system reports them).
    by_key: dict[str, list[float]] = {}
    timed = 0
    for run in runs:
        timings = run.answer.timings_ms
        timed += bool(timings)
        for key, value in timings.items():
            by_key.setdefault(key, []).append(float(value))
    if not by_key:
        return LatencyResult({}, 0, "no answer reported timings")
    # 2. Main keys first, then sub-stages alphabetically.
    order = [k for k in MAIN_KEYS if k in by_key] + sorted(k for k in by_key if k not in MAIN_KEYS)
    return LatencyResult({k: percentiles(by_key[k]) for k in order}, timed)
