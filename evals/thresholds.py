"""Quality gates for `gfmd eval`: `--fail-under hit@5=0.9` fails the run when a metric misses its mark.

`name=value` checks in the metric's own direction (at least the value, or at most it for false_refusal_rate and
latency_*); `name>=value` and `name<=value` say the direction explicitly; `--fail-over name=value` means `<=`.
A gate on a metric that was not scored fails: the guard could not be checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from evals.evaluate import SystemEval, is_known_metric, lower_is_better

_SPEC = re.compile(r"^\s*([\w@]+)\s*(>=|<=|=)\s*(-?\d+(?:\.\d+)?)\s*$")


class ThresholdError(ValueError):
    pass


@dataclass(frozen=True)
class Threshold:
    metric: str
    op: str  # ">=" or "<="
    value: float

    def __str__(self) -> str:
        return f"{self.metric}{self.op}{self.value:g}"


def parse(spec: str, fail_over: bool = False) -> Threshold:
    match = _SPEC.match(spec)
    if not match:
        raise ThresholdError(f"bad threshold {spec!r}: write metric=value, metric>=value or metric<=value")
    metric, op, raw = match.groups()
    if not is_known_metric(metric):
        raise ThresholdError(
            f"unknown metric {metric!r} in {spec!r}; use answered_but_wrong, hit@1/3/5/10, mrr, hit@5_<stage>, "
            "citation_validity, citation_support, fact_recall, refusal_accuracy, false_refusal_rate, "
            "latency_p50_total..."
        )
    if fail_over:
        if op == ">=":
            raise ThresholdError(f"--fail-over {spec!r}: use metric=value (the run fails when the metric is above)")
        op = "<="
    elif op == "=":
        op = "<=" if lower_is_better(metric) else ">="
    return Threshold(metric, op, float(raw))


def parse_all(under: Iterable[str], over: Iterable[str]) -> list[Threshold]:
    return [parse(s) for s in under] + [parse(s, fail_over=True) for s in over]


@dataclass(frozen=True)
class Check:
    threshold: Threshold
    actual: float | None
    passed: bool

    def message(self) -> str:
        t = self.threshold
        if self.actual is None:
            return f"FAIL {t}: {t.metric} was not scored"
        verdict = "ok  " if self.passed else "FAIL"
        return f"{verdict} {t.metric} = {self.actual:.4g} (required {t.op} {t.value:g})"

    def to_json(self) -> dict[str, Any]:
        return {
            "metric": self.threshold.metric,
            "op": self.threshold.op,
            "value": self.threshold.value,
            "actual": self.actual,
            "passed": self.passed,
        }


def check(thresholds: Iterable[Threshold], system: SystemEval) -> list[Check]:
    out: list[Check] = []
    for t in thresholds:
        actual = system.value(t.metric)
        actual = None if actual is None else round(actual, 6)  # 9/10 must pass a 0.9 gate
        passed = actual is not None and (actual >= t.value if t.op == ">=" else actual <= t.value)
        out.append(Check(t, actual, passed))
    return out
