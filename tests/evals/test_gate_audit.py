"""The gate audit names the gate behind each refusal reason and counts refused items per gate."""

from __future__ import annotations

from assistant.answer import gates
from assistant.answer.candidates import Candidate, Question
from assistant.answer.gates import Evidence, Support
from assistant.answer.grounding import documents_of
from evals.gate_audit import OTHER, REASONS, audit, gate_of, table
from tests.assistant.answer.extractive_support import MIGRANTS, scored


def _evidence(question: str, text: str, source: str = "report_en.md") -> Evidence:
    passage = scored(0, text, 0.9, source=source)
    return Evidence(Question.read(question, "en"), [Candidate(text, passage, rank=0)], documents_of([passage]))


def _dated(year: int) -> Candidate:
    passage = scored(0, "Remittances are projected to reach 600 billion dollars by the end of 2023.", 0.9)
    return Candidate(
        passage.chunk.text, passage.model_copy(update={"chunk": passage.chunk.model_copy(update={"year": year})}), 0
    )


def test_every_gates_reason_is_recognised() -> None:
    """Each gate refuses a small case; the audit must name that gate from the reason alone."""
    dated = Question.read("How much had remittances reached by the end of 2023?", "en")
    reasons = {
        "no_passage": gates.no_passage([]),
        "resolution_not_indexed": gates.resolution_not_indexed(
            Question.read("What does resolution 76/172 say?", "en"), [MIGRANTS]
        ),
        "no_usable_sentence": gates.no_usable_sentence([]),
        "unknown_acronyms": gates.unknown_acronyms(Question.read("What does the UNHCR do?", "en"), set().__contains__),
        "figures_not_found": gates.figures_not_found(Question.read("How many migrants in 2015?", "en"), []),
        "written_before": gates.written_before(dated, [_dated(2020)], []),
        "weak_support": gates.weak_support(dated, Candidate("x", MIGRANTS, 0, dense=0.1), Support(0.8)),
        "asked_kind_missing": gates.asked_kind_missing(_evidence("How many migrants?", "Migrants move for work.")),
        "measure_missing": gates.measure_missing(_evidence("How much did it cost?", "It assessed 90 reports.")),
        "countries_not_quoted": gates.countries_not_quoted(_evidence("What is the wage in Qatar?", "Wages rose.")),
    }
    assert set(reasons) == {gate for gate, _ in REASONS}
    for gate, reason in reasons.items():
        assert reason is not None, gate
        assert gate_of(reason) == gate, reason
    assert gate_of("Please ask a question.") == OTHER


def test_audit_counts_refusals_per_gate_and_family() -> None:
    def item(id_: str, answerable: bool, family: str, refused: bool, notice: str = "") -> dict[str, object]:
        product = {"refused": refused, "notice": notice}
        return {"id": id_, "answerable": answerable, "family": family, "product": product}

    counts = audit(
        [
            item("neg-1", False, "seed", True, "no quoted passage mentions Canada"),
            item("neg-2", False, "la-declaration", True, "no quoted passage mentions Peru"),
            item("pub-1", True, "hoa-ji", True, "best sentence similarity 0.700 below 0.820"),
            item("pub-2", True, "hoa-ji", False),
        ]
    )
    assert counts["countries_not_quoted"].unanswerable == ["neg-1", "neg-2"]
    assert counts["countries_not_quoted"].families_unanswerable == {"seed", "la-declaration"}
    assert counts["weak_support"].answerable == ["pub-1"]
    assert "| `countries_not_quoted` | 2 (2) | 0 (0) |" in table(counts)
