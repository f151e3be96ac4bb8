"""report.md: the evaluation for people — headline, stages, latency, gates, breakdowns, failures, calibration."""

from __future__ import annotations

from typing import Any

from evals.evaluate import BREAKDOWN_METRICS, FAILURE_CHECKS, HEADLINE, LANGUAGE_METRICS, SystemEval
from evals.metrics.retrieval import STAGE_K, STAGES
from evals.outcome import EvalOutcome, failures_by_category

MAX_FAILED_ITEMS = 60

DEFINITIONS = """\
- **answered_but_wrong** (lower is better): share of all items where the assistant answered and was wrong: an
  unanswerable item answered, or an answerable one answered with none of its required facts and none of its gold
  passages cited. Refusals never count here (see false_refusal_rate).
- **Intervals**: `0.79 [0.68, 0.87] (56/71)` is 56 successes of 71 units and the Wilson 95 % score interval. A
  difference between two runs whose intervals overlap widely may be noise. Units are items, except citations
  (citation_validity) and sentences (citation_support), which are not independent within one answer: read their
  intervals as too narrow.
- **hit@k / mrr**: an item hits when one of its gold passages is among the first k passages retrieved (same source,
  and at least 60 % of the gold quote inside the passage, whitespace aside); MRR over the first 10.
  `hit@5_<stage>` is the same test on each retrieval stage's own ranking (dense, lexical, fused, reranked).
- **citation_validity**: share of citations whose quote is verbatim (whitespace aside) on the cited page of the
  cited file, read from the file itself.
- **citation_support**: share of answer sentences whose figures, dates, names and acronyms all appear in the passages
  they cite (`_lexical`) *and* whose e5 similarity to the best cited passage reaches the threshold (`_semantic`).
- **fact_recall**: share of answerable items whose answer text and quotes state every fact group (case, accents,
  spaces and number formats aside); a refusal states none.
- **refusal_accuracy**: share of unanswerable items refused. **false_refusal_rate**: share of answerable items refused
  (lower is better).
- The baseline (LangChain RAG tutorial: 1000/200 recursive splitter, dense top-4, same embedding model) "answers"
  with its top passage, quoted whole as [1]; it never refuses. Its long quotes favour it on fact recall, and a
  passage quoted whole trivially supports itself.
- *not scored* means the metric had nothing to score (e.g. no unanswerable item in the run), never a silent zero."""


def _display(system: SystemEval, name: str) -> str:
    """A metric as the report shows it: with its interval when it is a proportion."""
    result = system.metrics.get(name)
    return result.display() if result is not None else "not scored"


def _selection(outcome: EvalOutcome) -> str:
    chosen = outcome.selection
    parts = [f"split **{chosen.get('split', 'dev')}**"]
    parts.append("families " + (", ".join(chosen["families"]) if chosen.get("families") else "all"))
    if chosen.get("subset"):
        parts.append(f"subset **{chosen['subset']}** (corpus narrowed to the files it needs)")
    return "- selection: " + "; ".join(parts)


def _row(cells: list[Any]) -> str:
    return "| " + " | ".join(str(c).replace("|", "\\|").replace("\n", " ") for c in cells) + " |"


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    return [_row(header), _row(["---"] * len(header)), *(_row(r) for r in rows), ""]


def render_markdown(outcome: EvalOutcome) -> str:
    product, baseline = outcome.product, outcome.baseline
    lines = ["# Evaluation report", ""]
    lines += _what_was_run(outcome)
    lines += _headline(product, baseline)
    lines += _stages(product, baseline)
    lines += _latency(product, baseline)
    if outcome.checks:
        lines += ["## Quality gates (product)", ""]
        lines += [f"- {c.message()}" for c in outcome.checks]
        lines += ["", "**PASSED**" if outcome.passed else "**FAILED**", ""]
    lines += _breakdowns(product, baseline)
    for system, runs in outcome.systems():
        lines += [f"## Failures by category ({system.name}: items failing each check)", ""]
        rows = [
            [category, row["items"], *(row[name] for name in FAILURE_CHECKS)]
            for category, row in failures_by_category(system, runs).items()
        ]
        lines += _table(["category", "items", *FAILURE_CHECKS.values()], rows)
    lines += _calibration(product)
    lines += _failing_items(outcome)
    lines += ["## How to read this report", "", DEFINITIONS, ""]
    return "\n".join(lines)


def _what_was_run(outcome: EvalOutcome) -> list[str]:
    lines = [
        f"- **{len(outcome.product_runs)} items** from {', '.join(p.name for p in outcome.golden_files)}; "
        f"**{len(outcome.skipped)} skipped** (gold sources not in the corpus)",
        f"- corpus: {len(outcome.corpus)} files; index `{outcome.index_dir}`; mode {outcome.mode}; "
        f"embedding model {outcome.settings.get('embedding_model', '?')}; {outcome.seconds} s in all",
        _selection(outcome),
    ]
    if outcome.errors:
        lines.append(f"- **{len(outcome.errors)} items raised an error** while answering (see report.json)")
    return [*lines, ""]


def _headline(product: SystemEval, baseline: SystemEval | None) -> list[str]:
    """Headline metrics, product and baseline side by side."""
    lines = ["## Headline", ""]
    wrong = product.metrics.get("answered_but_wrong")
    if wrong is not None:
        shown = wrong.display() if wrong.value is not None else f"not scored ({wrong.reason})"
        lines += [f"**Answered but wrong: {shown}** (lower is better; see the definitions at the end)", ""]
    header = ["metric", "product", *(["baseline"] if baseline is not None else []), "scored (product)"]
    rows: list[list[Any]] = []
    for name in (*HEADLINE, "citation_support_lexical", "citation_support_semantic", *LANGUAGE_METRICS):
        result = product.metrics.get(name)
        if result is None:
            continue
        scored = f"{result.count} {result.unit}" if result.value is not None else result.reason
        base_cell = [_display(baseline, name)] if baseline is not None else []
        rows.append([name, result.display(), *base_cell, scored])
    return lines + _table(header, rows)


def _stages(product: SystemEval, baseline: SystemEval | None) -> list[str]:
    lines = [f"## Retrieval stages (hit@{STAGE_K} of each stage's own ranking)", ""]
    rows = []
    for stage in STAGES:
        name = f"hit@{STAGE_K}_{stage}"
        rows.append([stage, *(_display(system, name) for system in (product, baseline) if system is not None)])
    return lines + _table(["stage", "product", *(["baseline (dense only)"] if baseline is not None else [])], rows)


def _latency(product: SystemEval, baseline: SystemEval | None) -> list[str]:
    both = baseline is not None
    rows = []
    for key, stat in product.latency.stats.items():
        theirs = baseline.latency.stats.get(key) if baseline else None
        extra = [theirs.p50 if theirs else "-", theirs.p95 if theirs else "-"] if both else []
        rows.append([key, stat.p50, stat.p95, stat.count, *extra])
    header = ["timing", "p50", "p95", "n", *(["baseline p50", "baseline p95"] if both else [])]
    return ["## Latency (ms)", "", *_table(header, rows)]


def _breakdowns(product: SystemEval, baseline: SystemEval | None) -> list[str]:
    both = baseline is not None
    lines = ["## Breakdowns", ""]
    if both:
        lines += ["Cells read *product / baseline*; counts in brackets are the product's scored units.", ""]
    for dim, table in product.breakdowns.items():
        lines += [f"### By {dim}", ""]
        other = baseline.breakdowns.get(dim, {}) if baseline else {}
        rows = []
        for group, row in table.items():
            cells: list[Any] = [group, row["items"]]
            for name in BREAKDOWN_METRICS:
                cells.append(_cell(row.get(name), other.get(group, {}).get(name) if both else None, both))
            cells.append(row.get("latency_p50_total") or "-")
            rows.append(cells)
        lines += _table([dim, "items", *BREAKDOWN_METRICS, "p50 total ms"], rows)
    return lines


def _failing_items(outcome: EvalOutcome) -> list[str]:
    product = outcome.product
    failing = [run for run in outcome.product_runs if product.failures.get(run.item.id)]
    lines = [f"## Failing items (product; {len(failing)} of {len(outcome.product_runs)})", ""]
    rows = [
        [
            run.item.id,
            run.item.category,
            f"{run.item.lang}→{run.doc_lang}",
            ", ".join(product.failures[run.item.id]),
            (run.answer.answer[:140] + "…") if len(run.answer.answer) > 140 else run.answer.answer,
        ]
        for run in failing[:MAX_FAILED_ITEMS]
    ]
    lines += _table(["id", "category", "lang", "failed", "answer"], rows)
    if len(failing) > MAX_FAILED_ITEMS:
        lines += [f"(and {len(failing) - MAX_FAILED_ITEMS} more in report.json)", ""]
    return lines


def _cell(mine: dict[str, Any] | None, theirs: dict[str, Any] | None, both: bool) -> str:
    """'0.75 [0.30, 0.95] (3/4)' for a proportion, '0.81 (4)' otherwise, '–' when not scored."""
    if not mine or mine.get("value") is None:
        text = "–"
    elif "lo" in mine:
        text = f"{mine['value']:.2f} [{mine['lo']:.2f}, {mine['hi']:.2f}] ({mine['k']}/{mine['n']})"
    else:
        text = f"{mine['value']:.2f} ({mine['count']})"
    if both:
        text += " / " + ("–" if not theirs or theirs.get("value") is None else f"{theirs['value']:.2f}")
    return text


def _calibration(system: SystemEval) -> list[str]:
    lines = ["## Semantic-support threshold", ""]
    lines.append(f"Applied threshold: **{system.support_threshold:.2f}** (`--support-threshold`).")
    cal = system.calibration
    if cal is None:
        return [*lines, ""]
    if cal.threshold is None:
        return [*lines, f"Calibration: not calibrated ({cal.reason}).", ""]
    q = cal.quantiles()
    lines += [
        "",
        f"Calibration on this run: {len(cal.true_scores)} true pairs (a gold quote and the retrieved passage that "
        f"holds it) against {len(cal.shuffled_scores)} shuffled pairs (the same quote and another item's passage). "
        f"The threshold maximising TPR − FPR is **{cal.threshold:.3f}** (TPR {cal.tpr:.2f}, FPR {cal.fpr:.2f}).",
        "",
        *_table(
            ["pairs", "p5", "p50", "p95"],
            [[name, *(q[name][k] for k in ("p5", "p50", "p95"))] for name in ("true", "shuffled") if name in q],
        ),
    ]
    return lines
