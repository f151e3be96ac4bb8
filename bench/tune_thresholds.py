"""Choose the extractive support thresholds (`GFMD_MIN_SUPPORT`, `GFMD_MIN_SUPPORT_CROSS`) by leave-one-family-out
cross-validation, from one evaluation run made with low thresholds.

Raising a threshold can only turn an answer into a refusal, and which answers it turns is known from the run: each
answer records the best sentence's similarity (`support`) and the threshold it was held to (`support_threshold`:
same-language or cross-lingual). So one run at thresholds below any worth considering gives, exactly, what every
higher pair would do. Make it with two different low values, so the threshold an answer was held to says which
kind it is:

    GFMD_MIN_SUPPORT=0.70 GFMD_MIN_SUPPORT_CROSS=0.69 gfmd eval --split dev ... --out var/eval-dev-low
    python -m bench.tune_thresholds var/eval-dev-low/report.json --same 0.70 --cross 0.69 --current 0.84 0.825

A pair costs `wrong + refusal_cost * false_refusals` (wrong: answered but wrong, as the report scores it; false
refusals: answerable items refused). For each document family, the pair costing least on the other families is
applied to it; the held-out counts, summed over families, are printed beside the thresholds in use and the pair
chosen on every item.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np


@dataclass(frozen=True)
class Outcome:
    """One item of the low-threshold run."""

    item_id: str
    family: str
    answerable: bool
    answered: bool
    wrong: bool  # answered but wrong (the report's verdict), when answered
    support: float | None
    cross: bool  # held to the cross-lingual threshold


@dataclass(frozen=True)
class Counts:
    items: int
    wrong: int
    false_refusals: int
    unanswerable: int
    unanswerable_refused: int
    answerable: int

    def cost(self, refusal_cost: float) -> float:
        return self.wrong + refusal_cost * self.false_refusals

    def as_dict(self) -> dict[str, object]:
        return {
            "items": self.items,
            "answered_but_wrong": self.wrong,
            "false_refusals": f"{self.false_refusals}/{self.answerable}",
            "unanswerable_refused": f"{self.unanswerable_refused}/{self.unanswerable}",
        }


def read_report(path: Path, cross_threshold: float) -> list[Outcome]:
    """The items of a report; an answer held to `cross_threshold` is a cross-lingual one."""
    report = json.loads(path.read_text(encoding="utf-8"))
    out: list[Outcome] = []
    for item in report["items"]:
        product = item["product"]
        answered = not product["refused"]
        if answered and product.get("support") is None:
            raise ValueError(f"{path}: item {item['id']} has no 'support': rerun the evaluation with this version")
        threshold = product.get("support_threshold")
        out.append(
            Outcome(
                item_id=item["id"],
                family=item.get("family", ""),
                answerable=bool(item["answerable"]),
                answered=answered,
                wrong=answered and product["verdicts"]["answered_but_wrong"]["score"] > 0,
                support=product.get("support"),
                cross=threshold is not None and abs(threshold - cross_threshold) < 1e-9,
            )
        )
    return out


def counts(outcomes: Iterable[Outcome], same: float, cross: float) -> Counts:
    """What the run would have given at thresholds (`same`, `cross`), both at least those it was made with."""
    items = wrong = false_refusals = unanswerable = refused_unanswerable = answerable = 0
    for o in outcomes:
        items += 1
        answered = o.answered and o.support is not None and o.support >= (cross if o.cross else same)
        if o.answerable:
            answerable += 1
            false_refusals += not answered
        else:
            unanswerable += 1
            refused_unanswerable += not answered
        wrong += answered and o.wrong
    return Counts(items, wrong, false_refusals, unanswerable, refused_unanswerable, answerable)


def best_pair(
    outcomes: Sequence[Outcome], grid_same: Sequence[float], grid_cross: Sequence[float], refusal_cost: float
) -> tuple[float, float]:
    """The pair of the grid costing least on `outcomes` (the lowest such pair on ties)."""
    scored = [(counts(outcomes, s, c).cost(refusal_cost), s, c) for s in grid_same for c in grid_cross]
    return min(scored)[1:]


def leave_one_family_out(
    outcomes: Sequence[Outcome], grid_same: Sequence[float], grid_cross: Sequence[float], refusal_cost: float
) -> tuple[Counts, dict[str, tuple[float, float]]]:
    """Each family judged at the pair chosen on the other families; the summed counts and each family's pair."""
    chosen: dict[str, tuple[float, float]] = {}
    held: list[Counts] = []
    for family in sorted({o.family for o in outcomes}):
        rest = [o for o in outcomes if o.family != family]
        pair = best_pair(rest, grid_same, grid_cross, refusal_cost)
        chosen[family] = pair
        held.append(counts([o for o in outcomes if o.family == family], *pair))
    total = Counts(*(sum(getattr(c, name) for c in held) for name in Counts.__dataclass_fields__))
    return total, chosen


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("report", type=Path, help="report.json of a run made with low thresholds")
    parser.add_argument("--same", type=float, required=True, help="the run's GFMD_MIN_SUPPORT")
    parser.add_argument("--cross", type=float, required=True, help="the run's GFMD_MIN_SUPPORT_CROSS (≠ --same)")
    parser.add_argument("--current", type=float, nargs=2, metavar=("SAME", "CROSS"), help="the thresholds in use")
    parser.add_argument("--refusal-cost", type=float, default=0.5, help="a false refusal's cost; a wrong answer's is 1")
    parser.add_argument("--top", type=float, default=0.92, help="the highest threshold tried")
    parser.add_argument("--step", type=float, default=0.005)
    args = parser.parse_args(argv)
    if args.same == args.cross:
        parser.error("--same and --cross must differ: the threshold an answer was held to says which kind it is")

    outcomes = read_report(args.report, args.cross)
    grid_same = [float(x) for x in np.round(np.arange(args.same, args.top + 1e-9, args.step), 4)]
    grid_cross = [float(x) for x in np.round(np.arange(args.cross, args.top + 1e-9, args.step), 4)]
    result: dict[str, object] = {"refusal_cost": args.refusal_cost}
    if args.current:
        result["in_use"] = {"thresholds": args.current, **counts(outcomes, *args.current).as_dict()}
    pair = best_pair(outcomes, grid_same, grid_cross, args.refusal_cost)
    result["chosen_on_every_item"] = {"thresholds": pair, **counts(outcomes, *pair).as_dict()}
    held, chosen = leave_one_family_out(outcomes, grid_same, grid_cross, args.refusal_cost)
    result["leave_one_family_out"] = {**held.as_dict(), "thresholds_by_family": chosen}
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
