"""What each extractive refusal gate buys and costs, read from evaluation reports.

    python -m evals.gate_audit var/eval-dev/report.json [another report.json ...]

For each gate of `assistant.answer.gates`, in the order they run: the unanswerable items it refused (what it
buys), the answerable items it refused (what it costs), and over how many document families each count is
spread. A rule that serves a class of questions refuses near misses on several families; one written for a
single item shows one. Only the first gate to refuse an item is known (the gates stop at the first reason), so a
gate's count is what it refused that the gates before it let through. Refusals of the question itself (empty,
too long) and of an empty index come from no gate: they are counted as "other".
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

# Each gate's refusal reason, by how it starts (`assistant.answer.gates`; tests/evals/test_gate_audit.py checks
# that every gate's reason is recognised).
REASONS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (gate, re.compile(pattern))
    for gate, pattern in (
        ("no_passage", r"no passage retrieved"),
        ("resolution_not_indexed", r"no indexed (?:document is resolution|resolution dates from)"),
        ("no_usable_sentence", r"no usable sentence"),
        ("unknown_acronyms", r"no document mentions"),
        ("figures_not_found", r"no passage mentions"),
        ("written_before", r"the passages that mention .* were written before"),
        ("weak_support", r"best sentence similarity"),
        ("asked_kind_missing", r"the question asks for a"),
        ("measure_missing", r"no quoted figure is"),
        ("countries_not_quoted", r"no quoted passage mentions"),
    )
)
OTHER = "other"


def gate_of(reason: str) -> str:
    """The gate whose refusal reason `reason` is, or "other"."""
    return next((gate for gate, pattern in REASONS if pattern.match(reason)), OTHER)


@dataclass
class GateCount:
    unanswerable: list[str] = field(default_factory=list)  # item ids
    answerable: list[str] = field(default_factory=list)
    families_unanswerable: set[str] = field(default_factory=set)
    families_answerable: set[str] = field(default_factory=set)


def audit(items: Iterable[dict[str, object]]) -> dict[str, GateCount]:
    """Per gate (in run order, then "other"), the refused items of `items` (a report's "items")."""
    counts = {gate: GateCount() for gate, _ in REASONS} | {OTHER: GateCount()}
    for item in items:
        product = item["product"]
        assert isinstance(product, dict)
        if not product.get("refused"):
            continue
        count = counts[gate_of(str(product.get("notice", "")))]
        family = str(item.get("family", ""))
        if item.get("answerable"):
            count.answerable.append(str(item["id"]))
            count.families_answerable.add(family)
        else:
            count.unanswerable.append(str(item["id"]))
            count.families_unanswerable.add(family)
    return counts


def table(counts: dict[str, GateCount]) -> str:
    rows = [
        "| gate | unanswerable refused (families) | answerable refused (families) |",
        "|---|---|---|",
    ]
    for gate, c in counts.items():
        rows.append(
            f"| `{gate}` | {len(c.unanswerable)} ({len(c.families_unanswerable)}) | "
            f"{len(c.answerable)} ({len(c.families_answerable)}) |"
        )
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("reports", nargs="+", type=Path, help="report.json files written by `gfmd eval`")
    parser.add_argument("--ids", action="store_true", help="also list the refused items of each gate")
    args = parser.parse_args(argv)
    items: list[dict[str, object]] = []
    for report in args.reports:
        items += json.loads(report.read_text(encoding="utf-8"))["items"]
    counts = audit(items)
    print(table(counts))
    if args.ids:
        for gate, c in counts.items():
            if c.unanswerable or c.answerable:
                refused = (
                    f"unanswerable {', '.join(c.unanswerable) or '-'}; answerable {', '.join(c.answerable) or '-'}"
                )
                print(f"{gate}: {refused}")


if __name__ == "__main__":
    main()
