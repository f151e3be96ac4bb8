"""Fact recall: does the answer state every fact a right answer must state?

An answerable item passes when each of its fact groups has one alternative in the answer text or its
citation quotes (case, accents, whitespace and number formats aside: "3,5" = "3.5", "5 500" = "5,500" = "5500").
Refusals of answerable items count as misses; items without facts are not scored.
"""

from __future__ import annotations

from collections.abc import Sequence

from evals.metrics.base import ItemRun, MetricResult, Verdict, aggregate
from evals.textmatch import canonical, contains_phrase


def answer_text(run: ItemRun) -> str:
    """What the answer says: its text and the quotes it cites (canonical form)."""
    answer = run.answer
    return canonical(" ".join([answer.answer, *(c.quote for c in answer.citations)]))


def missing_groups(run: ItemRun) -> list[tuple[str, ...]]:
    """The item's fact groups none of whose alternatives the answer states."""
    text = answer_text(run)
    return [group for group in run.item.facts if not any(contains_phrase(text, alt) for alt in group)]


def score_fact_recall(runs: Sequence[ItemRun]) -> MetricResult:
    verdicts: list[Verdict] = []
    for run in runs:
        item = run.item
        # 1. Only answerable items with facts are scored.
        if not item.answerable:
            verdicts.append(Verdict(item.id, None, 0, "unanswerable item"))
            continue
        if not item.facts:
            verdicts.append(Verdict(item.id, None, 0, "no facts listed"))
            continue
        # 2. A refusal states no fact.
        if run.answer.refused:
            verdicts.append(Verdict(item.id, 0.0, 1, "refused"))
            continue
        # 3. Every group needs one of its alternatives in the answer.
        missing = missing_groups(run)
        detail = "all facts stated" if not missing else "missing: " + "; ".join(" | ".join(g) for g in missing)
        verdicts.append(Verdict(item.id, float(not missing), 1, detail))
    return aggregate("fact_recall", verdicts, empty_reason="no answerable item with facts")
