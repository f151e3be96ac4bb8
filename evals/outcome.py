"""What an evaluation produced (`EvalOutcome`): what was run, each system's runs and scores, and the gates; the
reports (report.py, report_md.py, plot.py) are written from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.evaluate import FAILURE_CHECKS, SystemEval
from evals.golden import GoldenItem
from evals.metrics.base import ItemRun
from evals.thresholds import Check


@dataclass
class EvalOutcome:
    out: Path
    mode: str
    corpus: list[str]
    index_dir: Path
    golden_files: list[Path]
    skipped: list[GoldenItem]
    product_runs: list[ItemRun]
    product: SystemEval
    baseline_runs: list[ItemRun] = field(default_factory=list)
    baseline: SystemEval | None = None
    checks: list[Check] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)  # item id -> exception raised while answering
    settings: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    selection: dict[str, Any] = field(default_factory=dict)  # split, families, subset the items were chosen by

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def systems(self) -> list[tuple[SystemEval, list[ItemRun]]]:
        out = [(self.product, self.product_runs)]
        if self.baseline is not None:
            out.append((self.baseline, self.baseline_runs))
        return out

    @property
    def report_md(self) -> Path:
        return self.out / "report.md"

    @property
    def report_json(self) -> Path:
        return self.out / "report.json"

    @property
    def metrics_png(self) -> Path:
        return self.out / "metrics.png"


def failures_by_category(system: SystemEval, runs: list[ItemRun]) -> dict[str, dict[str, int]]:
    """category -> {"items": n, check: number of items failing it}."""
    table: dict[str, dict[str, int]] = {}
    for run in runs:
        row = table.setdefault(run.item.category, {"items": 0, **dict.fromkeys(FAILURE_CHECKS, 0)})
        row["items"] += 1
        for name in system.failures.get(run.item.id, []):
            row[name] += 1
    return dict(sorted(table.items()))
