"""Refusals: the assistant must decline questions the documents do not answer, and only those.

refusal_accuracy: share of unanswerable items refused. false_refusal_rate: share of answerable items refused
(lower is better).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from evals.metrics.base import ItemRun, MetricResult, Verdict, aggregate


@dataclass
class RefusalResult:
    accuracy: MetricResult
    false_refusal: MetricResult

    def metrics(self) -> dict[str, MetricResult]:
        return {"refusal_accuracy": self.accuracy, "false_refusal_rate": self.false_refusal}


def score_refusal(runs: Sequence[ItemRun]) -> RefusalResult:
    accuracy: list[Verdict] = []
    false_refusal: list[Verdict] = []
    for run in runs:
        item_id, refused = run.item.id, run.answer.refused
        detail = "refused" if refused else "answered"
        # 1. Unanswerable items count towards accuracy (refused = right), answerable ones towards false refusals.
        if run.item.answerable:
            accuracy.append(Verdict(item_id, None, 0, "answerable item"))
            false_refusal.append(Verdict(item_id, float(refused), 1, detail))
        else:
            accuracy.append(Verdict(item_id, float(refused), 1, detail))
            false_refusal.append(Verdict(item_id, None, 0, "unanswerable item"))
    return RefusalResult(
        aggregate("refusal_accuracy", accuracy, empty_reason="no unanswerable item"),
        aggregate("false_refusal_rate", false_refusal, empty_reason="no answerable item", higher_is_better=False),
    )
