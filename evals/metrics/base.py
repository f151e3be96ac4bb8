"""What the metrics read (one `ItemRun` per golden item) and what they return (`MetricResult`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from evals.golden import GoldenItem
from evals.stats import Proportion
from gfmd.records import Answer, Chunk


@dataclass(frozen=True)
class Passage:
    """A retrieved passage, as the metrics see it (the product's chunks and the baseline's alike)."""

    chunk_id: str
    source: str
    page: int
    text: str
    score: float | None = None

    @classmethod
    def from_chunk(cls, chunk: Chunk, score: float | None = None) -> Passage:
        return cls(chunk.chunk_id, chunk.source, chunk.page, chunk.text, score)


@dataclass
class ItemRun:
    """One golden item put to one system: its answer and what retrieval returned."""

    item: GoldenItem
    answer: Answer
    passages: list[Passage]  # retrieved, best first
    stages: dict[str, list[Passage]] = field(default_factory=dict)  # top passages per retrieval stage
    doc_lang: str = "n/a"  # language of the gold document ('n/a' for unanswerable items)

    @property
    def crosslingual(self) -> str:
        if not self.item.gold:
            return "n/a"
        return "same-language" if self.doc_lang == self.item.lang else "cross-lingual"


@dataclass(frozen=True)
class Verdict:
    """One item's outcome on one metric. `score` None means the item was not scored (see `detail`).

    `weight` is the number of units the item contributes (citations, sentences; 1 for item-level metrics), so
    aggregates are micro-averages: value = sum(score * weight) / sum(weight).
    """

    item_id: str
    score: float | None
    weight: int = 1
    detail: str = ""

    @property
    def scored(self) -> bool:
        return self.score is not None and self.weight > 0


@dataclass
class MetricResult:
    name: str
    value: float | None  # None: not scored, see `reason`
    count: int  # units scored
    unit: str = "items"
    verdicts: list[Verdict] = field(default_factory=list)
    reason: str = ""
    higher_is_better: bool = True
    proportion: bool = True  # every unit scores 0 or 1 (False for MRR): the value is k of `count`

    def share(self) -> Proportion | None:
        """k of n units, with its Wilson interval; None for a metric that is not a proportion or not scored."""
        if not self.proportion or self.value is None:
            return None
        return Proportion(round(self.value * self.count), self.count)

    def to_json(self, with_verdicts: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "value": None if self.value is None else round(self.value, 4),
            "count": self.count,
            "unit": self.unit,
            "higher_is_better": self.higher_is_better,
        }
        share = self.share()
        if share is not None:
            out.update(share.to_json())  # value, lo, hi, n, k
        if self.value is None:
            out["not_scored"] = self.reason
        if with_verdicts:
            out["verdicts"] = [v.__dict__ for v in self.verdicts]
        return out

    def display(self) -> str:
        """'0.79 [0.68, 0.87] (56/71)' for a proportion, '0.812' otherwise, 'not scored' without units."""
        if self.value is None:
            return "not scored"
        share = self.share()
        return share.display() if share is not None else f"{self.value:.3f}"


def aggregate(
    name: str,
    verdicts: list[Verdict],
    *,
    unit: str = "items",
    empty_reason: str = "nothing to score",
    higher_is_better: bool = True,
    proportion: bool = True,
) -> MetricResult:
    """Micro-average of the scored verdicts; value None (with the reason) when none was scored.

    `proportion`: each unit is a success or a failure (an item's score is the share of its units that succeed), so
    the value is k successes of `count` units and gets an interval; False for averages of graded scores (MRR).
    """
    scored = [v for v in verdicts if v.scored]
    total = sum(v.weight for v in scored)
    if not total:
        return MetricResult(name, None, 0, unit, verdicts, empty_reason, higher_is_better, proportion)
    value = sum((v.score or 0.0) * v.weight for v in scored) / total
    return MetricResult(name, value, total, unit, verdicts, "", higher_is_better, proportion)


def subset(result: MetricResult, item_ids: Iterable[str]) -> MetricResult:
    """The same metric over some items only (for breakdowns by language or category)."""
    wanted = set(item_ids)
    return aggregate(
        result.name,
        [v for v in result.verdicts if v.item_id in wanted],
        unit=result.unit,
        empty_reason="no item of this group scored",
        higher_is_better=result.higher_is_better,
        proportion=result.proportion,
    )


Embedder = Callable[[list[str]], Any]  # texts -> array (n, dim) of unit vectors
