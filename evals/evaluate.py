"""Score one system's runs with every metric, break the scores down, and list each item's failures."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from evals.metrics.answer_language import score_answer_language, score_shown_language
from evals.metrics.answered_wrong import score_answered_but_wrong
from evals.metrics.base import ItemRun, MetricResult, subset
from evals.metrics.citation_support import (
    DEFAULT_THRESHOLD,
    Calibration,
    Similarity,
    calibrate,
    score_citation_support,
)
from evals.metrics.citation_validity import PageTexts, score_citation_validity
from evals.metrics.fact_recall import score_fact_recall
from evals.metrics.latency import LatencyResult, percentiles, score_latency
from evals.metrics.refusal import score_refusal
from evals.metrics.retrieval import STAGE_K, STAGES, score_retrieval

# Whether answers stand on what they cite, and whether the assistant refuses what the documents don't say.
GROUNDING_METRICS = (
    "citation_validity",
    "citation_support",
    "fact_recall",
    "refusal_accuracy",
    "false_refusal_rate",
)
# answered_but_wrong comes first everywhere: the figure a delegate cares about most.
HEADLINE = ("answered_but_wrong", "hit@1", "hit@3", "hit@5", "hit@10", "mrr", *GROUNDING_METRICS)
# What a reader of a cross-lingual answer sees in their language (evals/metrics/answer_language.py).
LANGUAGE_METRICS = ("answer_language", "shown_translated", "shown_explained")
OTHER_METRICS = (
    *(f"hit@{STAGE_K}_{s}" for s in STAGES),
    "citation_support_lexical",
    "citation_support_semantic",
    *LANGUAGE_METRICS,
)
# Per language, category and family in report.md.
BREAKDOWN_METRICS = ("answered_but_wrong", "hit@5", "mrr", *GROUNDING_METRICS)
# The bars of metrics.png; the terminal's summary line adds the median latency.
PLOTTED_METRICS = ("answered_but_wrong", "hit@1", "hit@5", "mrr", *GROUNDING_METRICS)
LATENCY_NAME = re.compile(r"latency_p(50|95)_(\w+)")
DIMENSIONS: dict[str, Callable[[ItemRun], str]] = {
    "family": lambda run: run.item.family or "n/a",
    "names document": lambda run: {True: "names it", False: "does not", None: "n/a"}[run.item.names_document],
    "question language": lambda run: run.item.lang,
    "document language": lambda run: run.doc_lang,
    "cross-lingual": lambda run: run.crosslingual,
    "category": lambda run: run.item.category,
}
# Labels only some golden files carry: their breakdown is shown only when an item of the run has the label.
LABELLED = {
    "family": lambda run: bool(run.item.family),
    "names document": lambda run: run.item.names_document is not None,
}


def is_known_metric(name: str) -> bool:
    return name in HEADLINE or name in OTHER_METRICS or LATENCY_NAME.fullmatch(name) is not None


def lower_is_better(name: str) -> bool:
    return name in ("false_refusal_rate", "answered_but_wrong") or name.startswith("latency_")


@dataclass
class SystemEval:
    name: str
    metrics: dict[str, MetricResult]
    latency: LatencyResult
    breakdowns: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # dimension -> group -> row
    failures: dict[str, list[str]] = field(default_factory=dict)  # item id -> failed checks
    calibration: Calibration | None = None
    support_threshold: float = DEFAULT_THRESHOLD

    def value(self, name: str) -> float | None:
        """A metric's value by name (latency as latency_p50_total etc., in ms); None when not scored."""
        if name in self.metrics:
            return self.metrics[name].value
        match = LATENCY_NAME.fullmatch(name)
        if match and match.group(2) in self.latency.stats:
            stat = self.latency.stats[match.group(2)]
            return stat.p50 if match.group(1) == "50" else stat.p95
        return None

    def headline(self) -> dict[str, float | None]:
        out = {name: self.value(name) for name in (*HEADLINE, *OTHER_METRICS) if name in self.metrics}
        for key in ("total",):
            for p in ("50", "95"):
                out[f"latency_p{p}_{key}"] = self.value(f"latency_p{p}_{key}")
        return out


def evaluate(
    name: str,
    runs: Sequence[ItemRun],
    pages: PageTexts,
    similarity: Similarity,
    threshold: float = DEFAULT_THRESHOLD,
    with_calibration: bool = False,
) -> SystemEval:
    # 1. Every metric over every run.
    metrics: dict[str, MetricResult] = {"answered_but_wrong": score_answered_but_wrong(runs)}
    metrics.update(score_retrieval(runs).metrics())
    metrics["citation_validity"] = score_citation_validity(runs, pages)
    metrics.update(score_citation_support(runs, similarity, threshold).metrics())
    metrics["fact_recall"] = score_fact_recall(runs)
    metrics.update(score_refusal(runs).metrics())
    metrics["answer_language"] = score_answer_language(runs)
    metrics["shown_translated"], metrics["shown_explained"] = score_shown_language(runs)
    latency = score_latency(runs)
    result = SystemEval(name, metrics, latency, support_threshold=threshold)
    # 2. The same metrics per group of items, for each dimension.
    result.breakdowns = {
        dim: breakdown(runs, metrics, key)
        for dim, key in DIMENSIONS.items()
        if dim not in LABELLED or any(LABELLED[dim](run) for run in runs)
    }
    # 3. What went wrong with each item.
    result.failures = {run.item.id: failed_checks(run.item.id, metrics) for run in runs}
    # 4. The semantic-support threshold these runs would calibrate to (reported, not applied).
    if with_calibration:
        result.calibration = calibrate(runs, similarity)
    return result


def breakdown(
    runs: Sequence[ItemRun], metrics: dict[str, MetricResult], key: Callable[[ItemRun], str]
) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[ItemRun]] = {}
    for run in runs:
        groups.setdefault(key(run), []).append(run)
    table: dict[str, dict[str, Any]] = {}
    for group in sorted(groups):
        members = groups[group]
        ids = [run.item.id for run in members]
        row: dict[str, Any] = {"items": len(members)}
        for name, result in metrics.items():  # every metric in report.json; report.md shows BREAKDOWN_METRICS
            part = subset(result, ids)
            share = part.share()
            row[name] = {"value": part.value, "count": part.count, **(share.to_json() if share else {})}
        totals = [run.answer.timings_ms["total"] for run in members if "total" in run.answer.timings_ms]
        row["latency_p50_total"] = percentiles(totals).p50 if totals else None
        table[group] = row
    return table


FAILURE_CHECKS = {
    "answered_but_wrong": "answered, but wrong",
    "hit@5": "gold passage not in top 5",
    "citation_validity": "quote not verbatim",
    "citation_support": "sentence not supported",
    "fact_recall": "fact missing",
    "refusal_accuracy": "answered an unanswerable question",
    "false_refusal_rate": "refused an answerable question",
}


def failed_checks(item_id: str, metrics: dict[str, MetricResult]) -> list[str]:
    failed: list[str] = []
    for name in FAILURE_CHECKS:
        result = metrics.get(name)
        if result is None:
            continue
        verdict = next((v for v in result.verdicts if v.item_id == item_id), None)
        if verdict is None or not verdict.scored:
            continue
        bad = (verdict.score or 0.0) > 0 if not result.higher_is_better else (verdict.score or 0.0) < 1.0
        if bad:
            failed.append(name)
    return failed


def verdicts_of(item_id: str, system: SystemEval) -> dict[str, dict[str, Any]]:
    """Every metric's verdict on one item, for report.json."""
    out: dict[str, dict[str, Any]] = {}
    for name, result in system.metrics.items():
        verdict = next((v for v in result.verdicts if v.item_id == item_id), None)
        if verdict is not None:
            out[name] = {"score": verdict.score, "weight": verdict.weight, "detail": verdict.detail}
    return out
