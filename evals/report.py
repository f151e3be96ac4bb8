"""What an evaluation leaves behind: report.json (everything, per item), report.md (for people), metrics.png."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from evals.evaluate import PLOTTED_METRICS, SystemEval, verdicts_of
from evals.metrics.base import ItemRun
from evals.outcome import EvalOutcome, failures_by_category
from evals.plot import plot_metrics
from evals.report_md import render_markdown
from gfmd.records import AnswerSentence


def write_reports(outcome: EvalOutcome) -> None:
    outcome.out.mkdir(parents=True, exist_ok=True)
    outcome.report_json.write_text(json.dumps(to_json(outcome), ensure_ascii=False, indent=1), encoding="utf-8")
    outcome.report_md.write_text(render_markdown(outcome), encoding="utf-8")
    plot_metrics(outcome, outcome.metrics_png)


SUMMARY = (*PLOTTED_METRICS, "latency_p50_total")


def summary_line(system: SystemEval) -> str:
    """One line of headline figures, for the terminal."""
    parts = []
    for name in SUMMARY:
        value = system.value(name)
        text = "n/s" if value is None else f"{value:.0f} ms" if name.startswith("latency") else f"{value:.3f}"
        parts.append(f"{name} {text}")
    return f"{system.name}: " + ", ".join(parts)


def system_json(system: SystemEval, runs: list[ItemRun]) -> dict[str, Any]:
    calibration = system.calibration
    return {
        "headline": {k: None if v is None else round(v, 4) for k, v in system.headline().items()},
        "metrics": {name: result.to_json() for name, result in system.metrics.items()},
        "latency": system.latency.to_json(),
        "support_threshold": system.support_threshold,
        "calibration": None
        if calibration is None
        else {
            "threshold": calibration.threshold,
            "tpr": calibration.tpr,
            "fpr": calibration.fpr,
            "true_pairs": len(calibration.true_scores),
            "shuffled_pairs": len(calibration.shuffled_scores),
            "quantiles": calibration.quantiles(),
            "not_calibrated": calibration.reason or None,
        },
        "breakdowns": system.breakdowns,
        "failures_by_category": failures_by_category(system, runs),
    }


def run_json(run: ItemRun, system: SystemEval) -> dict[str, Any]:
    answer = run.answer
    return {
        "answer": answer.answer,
        "refused": answer.refused,
        "mode": answer.mode,  # in a generative run: "extractive" where the answer fell back to the quotes
        "notice": answer.notice,
        "support": answer.support,
        "support_threshold": answer.support_threshold,
        "citations": [
            {"n": c.n, "source": c.source, "page": c.page, "chunk_id": c.chunk_id, "quote": c.quote}
            for c in answer.citations
        ],
        "sentences": [_sentence(s) for s in answer.sentences],
        "timings_ms": answer.timings_ms,
        "retrieved": [
            {"chunk_id": p.chunk_id, "source": p.source, "page": p.page, "score": p.score} for p in run.passages[:10]
        ],
        "stages": {name: [p.chunk_id for p in passages] for name, passages in run.stages.items()},
        "verdicts": verdicts_of(run.item.id, system),
        "failed": system.failures.get(run.item.id, []),
    }


def to_json(outcome: EvalOutcome) -> dict[str, Any]:
    systems = outcome.systems()
    by_system = [{run.item.id: run for run in runs} for _, runs in systems]
    items = []
    for run in outcome.product_runs:
        item = run.item
        entry: dict[str, Any] = {
            "id": item.id,
            "question": item.question,
            "lang": item.lang,
            "doc_lang": run.doc_lang,
            "crosslingual": run.crosslingual,
            "category": item.category,
            "split": item.split,
            "family": item.family or None,
            "names_document": item.names_document,
            "answerable": item.answerable,
            "facts": [list(group) for group in item.facts],
            "gold": [g.__dict__ for g in item.gold],
            "origin": item.origin,
        }
        if item.id in outcome.errors:
            entry["error"] = outcome.errors[item.id]
        for (system, _), runs in zip(systems, by_system, strict=True):
            entry[system.name] = run_json(runs[item.id], system)
        items.append(entry)
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": outcome.mode,
        "seconds": outcome.seconds,
        "corpus": outcome.corpus,
        "index_dir": str(outcome.index_dir),
        "settings": outcome.settings,
        "golden": {
            "selection": outcome.selection,
            "files": [str(p) for p in outcome.golden_files],
            "items": len(outcome.product_runs),
            "skipped_sources_not_in_corpus": len(outcome.skipped),
            "skipped_ids": [i.id for i in outcome.skipped],
        },
        "errors": outcome.errors,
        "systems": {system.name: system_json(system, runs) for system, runs in systems},
        "thresholds": [c.to_json() for c in outcome.checks],
        "passed": outcome.passed,
        "items": items,
    }


def _sentence(sentence: AnswerSentence) -> dict[str, Any]:
    """A sentence as the report keeps it: its verdict and reason when it was verified, its key-points line."""
    out: dict[str, Any] = {"text": sentence.text, "citations": sentence.citations}
    if sentence.supported is not None:
        out.update(supported=sentence.supported, reason=sentence.reason)
    if sentence.gloss:
        out["gloss"] = sentence.gloss
    return out
