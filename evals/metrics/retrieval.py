"""Retrieval: are the gold passages among the retrieved ones, and how high? hit@k, MRR, and hit@5 per stage.

A retrieved passage hits a gold passage when it comes from the same source and holds most of the gold
quote (a common run of at least 60 % of the quote, whitespace-normalised: quotes may straddle two passages).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from evals.golden import GoldPassage
from evals.metrics.base import ItemRun, MetricResult, Passage, Verdict, aggregate
from evals.textmatch import quote_in

KS = (1, 3, 5, 10)
STAGES = ("dense", "lexical", "fused", "reranked")
STAGE_K = 5
NO_GOLD = "no gold passage (unanswerable item)"


@dataclass
class RetrievalResult:
    hit_at: dict[int, MetricResult]
    mrr: MetricResult
    stage_hit: dict[str, MetricResult] = field(default_factory=dict)  # hit@5 of each stage's own ranking

    def metrics(self) -> dict[str, MetricResult]:
        out = {f"hit@{k}": r for k, r in self.hit_at.items()}
        out["mrr"] = self.mrr
        out.update({f"hit@{STAGE_K}_{stage}": r for stage, r in self.stage_hit.items()})
        return out


def hits(passage: Passage, gold: Sequence[GoldPassage]) -> bool:
    return any(passage.source == g.source and quote_in(g.quote, passage.text) for g in gold)


def first_hit(passages: Sequence[Passage], gold: Sequence[GoldPassage]) -> int | None:
    """1-based rank of the first passage that hits a gold passage; None when none does."""
    for rank, passage in enumerate(passages, start=1):
        if hits(passage, gold):
            return rank
    return None


def score_retrieval(runs: Sequence[ItemRun], ks: Sequence[int] = KS) -> RetrievalResult:
    # 1. Rank of the first gold hit in the final (reranked) list, for every item with gold passages.
    ranks: dict[str, int | None] = {}
    for run in runs:
        if run.item.gold:
            ranks[run.item.id] = first_hit(run.passages[: max(ks)], run.item.gold)

    # 2. hit@k and MRR from those ranks; items without gold are not scored.
    def verdict(run: ItemRun, score_of: dict[str, float | None], detail: str) -> Verdict:
        if run.item.id not in ranks:
            return Verdict(run.item.id, None, 0, NO_GOLD)
        return Verdict(run.item.id, score_of[run.item.id], 1, detail)

    hit_at: dict[int, MetricResult] = {}
    for k in ks:
        scores: dict[str, float | None] = {i: float(r is not None and r <= k) for i, r in ranks.items()}
        hit_at[k] = aggregate(
            f"hit@{k}",
            [verdict(run, scores, _rank_detail(ranks.get(run.item.id))) for run in runs],
            empty_reason="no answerable item with gold passages",
        )
    reciprocal: dict[str, float | None] = {i: (1.0 / r if r else 0.0) for i, r in ranks.items()}
    mrr = aggregate(
        "mrr",
        [verdict(run, reciprocal, _rank_detail(ranks.get(run.item.id))) for run in runs],
        empty_reason="no answerable item with gold passages",
        proportion=False,  # a mean of reciprocal ranks, not a share: no interval
    )

    # 3. hit@5 of each stage's own ranking: what dense, lexical, fusion and reranking each contribute.
    stage_hit: dict[str, MetricResult] = {}
    for stage in STAGES:
        stage_runs = [run for run in runs if stage in run.stages]
        if not stage_runs:
            continue
        verdicts = []
        for run in runs:
            if not run.item.gold or stage not in run.stages:
                verdicts.append(Verdict(run.item.id, None, 0, NO_GOLD if not run.item.gold else "stage not reported"))
                continue
            rank = first_hit(run.stages[stage][:STAGE_K], run.item.gold)
            verdicts.append(Verdict(run.item.id, float(rank is not None), 1, _rank_detail(rank)))
        stage_hit[stage] = aggregate(f"hit@{STAGE_K}_{stage}", verdicts, empty_reason="no item with gold passages")
    return RetrievalResult(hit_at, mrr, stage_hit)


def _rank_detail(rank: int | None) -> str:
    return f"first gold passage at rank {rank}" if rank else "no gold passage retrieved"
