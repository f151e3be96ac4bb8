"""Answered but wrong: the answers a delegate would be misled by, as a share of all items (lower is better).

An item counts as answered-but-wrong when the assistant answered (did not refuse) and either
  - the item is unanswerable (the documents do not say, yet an answer was given), or
  - the item is answerable, but the answer states none of its required facts *and* cites none of its gold passages
    (neither the right content nor the right place: the answer is about something else).
A refusal is never answered-but-wrong (a refused answerable item is a false refusal, measured on its own), nor is
an answer that states one fact or cites one gold passage (partly right: fact recall and hit@k say how far).

Not scored, per item: an answerable item without listed facts (the first test cannot be made) and an empty
answer that is not a refusal (the system failed on it; the run's errors list it).
"""

from __future__ import annotations

from collections.abc import Sequence

from evals.metrics.base import ItemRun, MetricResult, Passage, Verdict, aggregate
from evals.metrics.fact_recall import missing_groups
from evals.metrics.retrieval import hits

NAME = "answered_but_wrong"


def cites_gold(run: ItemRun) -> bool:
    """Whether one of the answer's citations is one of the item's gold passages (same test as hit@k)."""
    gold = run.item.gold
    return any(hits(Passage(c.chunk_id, c.source, c.page, c.text or c.quote), gold) for c in run.answer.citations)


def judge(run: ItemRun) -> Verdict:
    item, answer = run.item, run.answer
    # 1. A refusal is not an answer; an empty non-refusal is a failure of the system, not an answer.
    if answer.refused:
        return Verdict(item.id, 0.0, 1, "refused")
    if not answer.answer.strip() and not answer.citations:
        return Verdict(item.id, None, 0, "empty answer (error?)")
    # 2. Unanswerable: any answer is wrong.
    if not item.answerable:
        return Verdict(item.id, 1.0, 1, "answered an unanswerable question")
    # 3. Answerable: wrong when it states no required fact and cites no gold passage.
    if not item.facts:
        return Verdict(item.id, None, 0, "no facts listed")
    stated = len(item.facts) - len(missing_groups(run))
    gold_cited = cites_gold(run)
    wrong = stated == 0 and not gold_cited
    detail = f"{stated}/{len(item.facts)} facts stated, gold passage {'cited' if gold_cited else 'not cited'}"
    return Verdict(item.id, float(wrong), 1, detail)


def score_answered_but_wrong(runs: Sequence[ItemRun]) -> MetricResult:
    return aggregate(
        NAME, [judge(run) for run in runs], empty_reason="no item with an answer to judge", higher_is_better=False
    )
