"""Answered but wrong: unanswerable items answered, answerable ones answered with no fact and no gold passage."""

from __future__ import annotations

import pytest

from evals.evaluate import HEADLINE, evaluate, lower_is_better
from evals.golden import GoldenItem, GoldPassage
from evals.metrics.answered_wrong import score_answered_but_wrong
from evals.metrics.base import ItemRun
from evals.metrics.citation_support import Similarity
from evals.metrics.citation_validity import PageTexts
from evals.stats import Proportion
from evals.thresholds import check, parse
from gfmd.records import Answer, AnswerSentence, Citation
from tests.fakes import HashEmbeddings

NOTE = "remittances-note_2020_en.txt"
REMIT = "In 2019, remittances to low and middle income countries reached 554 billion dollars."
BOND = "Nigeria raised 300 million dollars with its first diaspora bond in 2017."


def golden(item_id: str, answerable: bool = True, facts: tuple[tuple[str, ...], ...] = (("554",),)) -> GoldenItem:
    gold = (GoldPassage(NOTE, 1, REMIT),) if answerable else ()
    return GoldenItem(item_id, "How much?", "en", answerable, "figure", facts if answerable else (), gold)


def said(sentence: str, cited_text: str) -> Answer:
    citation = Citation(
        n=1, chunk_id="c", doc_id="d", title="t", source=NOTE, page=1, lang="en", quote=sentence, text=cited_text,
        score=1.0,
    )  # fmt: skip
    return Answer(
        question="q", answer=f"{sentence} [1]", refused=False, mode="extractive", lang="en",
        citations=[citation], sentences=[AnswerSentence(text=sentence, citations=[1])],
    )  # fmt: skip


REFUSED = Answer(question="q", answer="The documents don't say.", refused=True, mode="extractive", lang="en")
EMPTY = Answer(question="q", answer="", refused=False, mode="extractive", lang="en")


def run(item: GoldenItem, answer: Answer) -> ItemRun:
    return ItemRun(item, answer, [], {}, "en" if item.gold else "n/a")


CASES = [
    ("neg answered", golden("n1", answerable=False), said(BOND, BOND), 1.0),
    ("neg refused", golden("n2", answerable=False), REFUSED, 0.0),
    ("refused answerable", golden("a1"), REFUSED, 0.0),  # a false refusal, not a wrong answer
    ("fact stated, other passage", golden("a2"), said("It reached 554 billion.", BOND), 0.0),
    ("no fact, gold passage cited", golden("a3", facts=(("999",),)), said(REMIT, REMIT), 0.0),
    ("no fact, no gold passage", golden("a4"), said(BOND, BOND), 1.0),
    ("one fact of two", golden("a5", facts=(("554",), ("777",))), said("It reached 554 billion.", BOND), 0.0),
    ("no facts listed", golden("a6", facts=()), said(BOND, BOND), None),
    ("empty answer", golden("a7"), EMPTY, None),
]


@pytest.mark.parametrize(("label", "item", "answer", "score"), CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_answer(label: str, item: GoldenItem, answer: Answer, score: float | None) -> None:
    (verdict,) = score_answered_but_wrong([run(item, answer)]).verdicts
    assert verdict.score == score, verdict.detail


def test_rate_is_over_every_scored_item_and_lower_is_better() -> None:
    result = score_answered_but_wrong([run(item, answer) for _, item, answer, _ in CASES])
    assert result.share() == Proportion(2, 7) and not result.higher_is_better
    assert lower_is_better("answered_but_wrong") and str(parse("answered_but_wrong=0.1")) == "answered_but_wrong<=0.1"


def test_not_scored_when_nothing_can_be_judged() -> None:
    result = score_answered_but_wrong([run(golden("a6", facts=()), said(BOND, BOND)), run(golden("a7"), EMPTY)])
    assert result.value is None and result.reason and result.display() == "not scored"


def test_it_comes_first_and_fails_its_item() -> None:
    runs = [run(golden("n1", answerable=False), said(BOND, BOND)), run(golden("a2"), said(REMIT, REMIT))]
    system = evaluate("p", runs, PageTexts({}), Similarity(HashEmbeddings().embed_documents), 0.5)
    assert HEADLINE[0] == "answered_but_wrong" and next(iter(system.metrics)) == "answered_but_wrong"
    assert system.failures["n1"][0] == "answered_but_wrong" and "answered_but_wrong" not in system.failures["a2"]
    (gate,) = check([parse("answered_but_wrong=0.4")], system)
    assert gate.actual == 0.5 and not gate.passed
