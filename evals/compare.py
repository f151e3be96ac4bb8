"""Does a change beat noise? Two evaluation reports of the same items, compared item by item.

    python -m evals.compare var/eval-dev-21/report.json var/eval-dev-24/report.json [--items]

Both runs score the same golden items, so a metric's change is made of items that went one way or the other. For
each metric, the items scored in both runs are paired: `better` and `worse` count the items whose score moved, and
an exact two-sided sign test asks how likely so lopsided a split of the moved items would be if the change did
nothing (the same pipeline gives the same answer to the same question, so an item that moves was moved by the
change, but which items a change happens to move is itself chance: a rule that flips one item each way is no
gain). A p-value below 0.05 "beats noise"; anything else is "within noise", whatever the headline figures say.
`--items` lists the ids that moved, for reading them.
"""

from __future__ import annotations

import argparse
import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evals.evaluate import lower_is_better

# The metrics compared, in the report's order of importance; each is read from every item's verdicts.
METRICS = (
    "answered_but_wrong",
    "refusal_accuracy",
    "false_refusal_rate",
    "fact_recall",
    "hit@1",
    "hit@5",
    "mrr",
    "citation_validity",
    "citation_support",
    "shown_explained",
)
NOISE_P = 0.05


@dataclass
class Paired:
    metric: str
    items: int = 0  # scored in both runs
    before: float = 0.0  # sums of the item scores
    after: float = 0.0
    better: list[str] = field(default_factory=list)
    worse: list[str] = field(default_factory=list)

    @property
    def p_value(self) -> float:
        return sign_test(len(self.better), len(self.worse))

    @property
    def verdict(self) -> str:
        if not self.better and not self.worse:
            return "no item moved"
        if self.p_value >= NOISE_P:
            return "within noise"
        return "better, beats noise" if len(self.better) > len(self.worse) else "worse, beyond noise"


def sign_test(better: int, worse: int) -> float:
    """Exact two-sided sign test: the chance, if each moved item were as likely to move either way, of a split at
    least this lopsided."""
    n = better + worse
    if n == 0:
        return 1.0
    tail = sum(math.comb(n, k) for k in range(min(better, worse) + 1)) / 2**n
    return min(1.0, 2 * tail)


def _scores(report: Mapping[str, Any], metric: str) -> dict[str, float]:
    """Item id -> the item's score on `metric`, for the items the metric scores."""
    out: dict[str, float] = {}
    for item in report["items"]:
        verdict = item["product"]["verdicts"].get(metric)
        if verdict and verdict.get("weight") and verdict.get("score") is not None:
            out[item["id"]] = float(verdict["score"])
    return out


def compare(before: Mapping[str, Any], after: Mapping[str, Any], metrics: Sequence[str] = METRICS) -> list[Paired]:
    """Each metric over the items both reports score, paired by item id."""
    out: list[Paired] = []
    for metric in metrics:
        a, b = _scores(before, metric), _scores(after, metric)
        paired = Paired(metric)
        sign = -1 if lower_is_better(metric) else 1
        for item_id in sorted(a.keys() & b.keys()):
            paired.items += 1
            paired.before += a[item_id]
            paired.after += b[item_id]
            moved = sign * (b[item_id] - a[item_id])
            if moved > 1e-9:
                paired.better.append(item_id)
            elif moved < -1e-9:
                paired.worse.append(item_id)
        if paired.items:
            out.append(paired)
    return out


def table(rows: Sequence[Paired], with_items: bool = False) -> str:
    lines = [
        "| metric | items | before | after | better | worse | p (sign test) | verdict |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.metric} | {r.items} | {r.before / r.items:.3f} | {r.after / r.items:.3f} | {len(r.better)} | "
            f"{len(r.worse)} | {r.p_value:.3g} | {r.verdict} |"
        )
    if with_items:
        lines.append("")
        for r in rows:
            if r.better or r.worse:
                lines.append(f"- {r.metric}: better {', '.join(r.better) or '-'}; worse {', '.join(r.worse) or '-'}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path, help="report.json of the run before the change")
    parser.add_argument("after", type=Path, help="report.json of the run after it (same golden items)")
    parser.add_argument("--items", action="store_true", help="list the ids of the items that moved")
    args = parser.parse_args(argv)
    reports = []
    for path in (args.before, args.after):
        try:
            reports.append(json.loads(path.read_text(encoding="utf-8")))
        except (OSError, json.JSONDecodeError) as exc:
            parser.error(f"{path}: not a readable evaluation report ({exc})")
    before_ids = {i["id"] for i in reports[0]["items"]}
    after_ids = {i["id"] for i in reports[1]["items"]}
    if before_ids != after_ids:
        print(
            f"note: {len(before_ids & after_ids)} items in both runs; "
            f"{len(before_ids - after_ids)} only before, {len(after_ids - before_ids)} only after (not compared)"
        )
    print(table(compare(reports[0], reports[1]), args.items))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
