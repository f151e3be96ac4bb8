"""Each refusal gate of the extractive answerer on its own: it refuses a small real case, with the reason the
evaluation counts, and passes a near miss."""

from __future__ import annotations

from assistant.answer import gates
from assistant.answer.asks import after_document
from assistant.answer.candidates import Candidate, Question
from assistant.answer.gates import Evidence, Support
from assistant.answer.grounding import documents_of, grounded, near_figures
from gfmd.records import Document, ScoredChunk
from tests.assistant.answer.extractive_support import MIGRANTS, scored


def _candidate(passage: ScoredChunk, text: str | None = None, dense: float = 0.0) -> Candidate:
    return Candidate(text or passage.chunk.text, passage, rank=0, dense=dense)


def _dated(passage: ScoredChunk, year: int) -> ScoredChunk:
    return passage.model_copy(update={"chunk": passage.chunk.model_copy(update={"year": year})})


def _evidence(question: str, passage: ScoredChunk, lang: str = "en") -> Evidence:
    return Evidence(Question.read(question, lang), [_candidate(passage)], documents_of([passage]))


def test_no_passage() -> None:
    assert gates.no_passage([]) == "no passage retrieved"
    assert gates.no_passage([MIGRANTS]) is None


def test_resolution_not_indexed() -> None:
    question = Question.read("What does resolution 78/217 say about migrant workers?", "en")
    text = "The General Assembly calls upon States to protect the human rights of all migrants."
    newer = scored(0, text, 0.9, source="UNGA_A-RES-80-218_2025_Protection-of-migrants_en.pdf")
    named = scored(0, text, 0.9, source="UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf")
    assert gates.resolution_not_indexed(question, [newer]) == "no indexed document is resolution 78/217"
    assert gates.resolution_not_indexed(question, [newer, named]) is None
    # Named by its year: a resolution of that year (or of no known year) must have been retrieved.
    of_year = Question.read("What did the 2022 resolution on the protection of migrants ask of States?", "en")
    assert gates.resolution_not_indexed(of_year, [_dated(newer, 2025)]) == "no indexed resolution dates from 2022"
    assert gates.resolution_not_indexed(of_year, [_dated(newer, 2025), _dated(named, 2022)]) is None
    assert gates.resolution_not_indexed(of_year, [newer]) is None  # its year unknown: it may be the one named
    report = _dated(scored(0, text, 0.9, source="IOM_2022_Evaluation-report_en.pdf"), 2022)
    assert gates.resolution_not_indexed(of_year, [report]) == "no indexed resolution dates from 2022"
    # A question that names no resolution is not refused by this gate.
    assert gates.resolution_not_indexed(Question.read("What protects migrant workers?", "en"), [newer]) is None


def test_resolution_not_indexed_looks_among_the_indexed_documents() -> None:
    text = "The General Assembly calls upon States to protect the human rights of all migrants."
    of_2023 = _dated(scored(0, text, 0.9, source="UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf"), 2023)
    indexed = {
        name: Document(
            doc_id=name[:20], source=name, title=title, lang="en", year=year, kind="pdf", pages=10, paginated=True
        )
        for name, title, year in [
            ("UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf", "Protection of migrants", 2023),
            (
                "UNGA_A-RES-80-185_2025_Violence-against-women-migrant-workers_en.pdf",
                "Violence against women migrant workers",
                2025,
            ),
        ]
    }
    # A 2023 resolution was retrieved, but it is on another subject than the one named: its look-alike is not it.
    off_subject = Question.read("What did the 2023 resolution on violence against women migrant workers ask?", "en")
    assert gates.resolution_not_indexed(off_subject, [of_2023]) is None  # the passages alone cannot tell
    assert gates.resolution_not_indexed(off_subject, [of_2023], indexed) == (
        "no indexed resolution dates from 2023 on the subject asked about"
    )
    on_subject = Question.read("What did the 2023 resolution on the protection of migrants ask?", "en")
    assert gates.resolution_not_indexed(on_subject, [of_2023], indexed) is None
    by_symbol = Question.read("What does resolution 79/156 ask of States?", "en")
    assert gates.resolution_not_indexed(by_symbol, [of_2023], indexed) == "no indexed document is resolution 79/156"


def test_no_usable_sentence() -> None:
    assert gates.no_usable_sentence([]) == "no usable sentence in the retrieved passages"
    assert gates.no_usable_sentence([_candidate(MIGRANTS)]) is None


def test_unknown_acronyms() -> None:
    corpus = {"oim", "palim"}
    question = Question.read("What does the UNHCR do for returnees?", "en")
    assert gates.unknown_acronyms(question, corpus.__contains__) == "no document mentions unhcr"
    # An acronym known in another language's form (IOM/OIM) is known.
    assert (
        gates.unknown_acronyms(Question.read("What does the IOM do for returnees?", "en"), corpus.__contains__) is None
    )
    # Without a vocabulary to ask, nothing is unknown.
    assert gates.unknown_acronyms(question, None) is None


def test_figures_not_found() -> None:
    question = Question.read("How many international migrants were there in 2015?", "en")
    documents = documents_of([MIGRANTS])
    found = [c for c in [_candidate(MIGRANTS)] if grounded(question.terms, c.passage.chunk, documents)]
    assert gates.figures_not_found(question, found) == "no passage mentions 2015"
    near_miss = Question.read("How many international migrants were there in 2019?", "en")
    candidate = _candidate(MIGRANTS)
    assert grounded(near_miss.terms, candidate.passage.chunk, documents) and near_figures(near_miss.terms, candidate)
    assert gates.figures_not_found(near_miss, [candidate]) is None


def test_written_before() -> None:
    text = "Remittances are projected to rise to 600 billion dollars by the end of 2023 in the region."
    question = Question.read("How much had remittances risen by the end of 2023?", "en")
    for year, reason in [(2020, "the passages that mention 2023 were written before it (2020)"), (2024, None)]:
        found = [_candidate(_dated(scored(0, text, 0.9), year))]
        current = [c for c in found if not after_document(question.terms.dated, c.passage.chunk.year, question.text)]
        assert gates.written_before(question, found, current) == reason


def test_weak_support() -> None:
    question = Question.read("How many international migrants were there in 2019?", "en")
    english = _candidate(MIGRANTS, dense=0.5)
    assert gates.weak_support(question, english, Support(0.6)) == "best sentence similarity 0.500 below 0.600"
    assert gates.weak_support(question, english, Support(0.5)) is None
    # Across languages the lower threshold holds; within one language it does not.
    spanish = _candidate(
        scored(0, "En 2019 había 272 millones de migrantes internacionales.", 0.9, lang="es"), dense=0.5
    )
    assert gates.weak_support(question, spanish, Support(0.6, cross=0.45)) is None
    assert gates.weak_support(question, english, Support(0.6, cross=0.45)) is not None


def test_asked_kind_missing() -> None:
    question = "How many Haitian migrants did the Dominican Republic expel in 2023?"
    closed = scored(0, "In 2023 the Dominican Republic closed its border with Haiti after tensions over a canal.", 0.9)
    expelled = scored(0, "In 2023 the Dominican Republic expelled 250,000 Haitian migrants across the border.", 0.9)
    refused = gates.asked_kind_missing(_evidence(question, closed))
    assert refused == "the question asks for a figure and the evidence gives none"
    assert gates.asked_kind_missing(_evidence(question, expelled)) is None


def test_measure_missing() -> None:
    """A figure of something else does not answer a question that says what it counts, or asks for a sum."""
    question = "How many caseworkers did the EU-IOM Joint Initiative employ in Sudan?"
    interviews = scored(0, "In Sudan, 65 interviews were held with returnees and caseworkers' supervisors.", 0.9)
    employed = scored(0, "The Joint Initiative employed 14 caseworkers in Sudan in 2021.", 0.9)
    refused = gates.measure_missing(_evidence(question, interviews))
    assert refused == "no quoted figure is a number of caseworkers"
    assert gates.measure_missing(_evidence(question, employed)) is None
    cost = "¿Cuánto costó la evaluación final de la Iniciativa Conjunta?"
    scope = scored(0, "The final evaluation assessed 90 reports over 36 months.", 0.9)
    budget = scored(0, "The final evaluation was conducted with a budget of 85,000 USD.", 0.9)
    assert gates.measure_missing(_evidence(cost, scope, "es")) == "no quoted figure is a sum of money"
    assert gates.measure_missing(_evidence(cost, budget, "es")) is None
    # A question that does not say what its figure measures is left to `asked_kind_missing`.
    assert gates.measure_missing(_evidence("How much did the number of migrants fall?", scope)) is None


def test_countries_not_quoted() -> None:
    question = "What is the minimum wage for domestic workers in Qatar?"
    elsewhere = scored(0, "Domestic workers are entitled to a minimum wage under the new labour law.", 0.9)
    qatar = scored(0, "In Qatar, domestic workers are entitled to a minimum wage under the new labour law.", 0.9)
    assert gates.countries_not_quoted(_evidence(question, elsewhere)) == "no quoted passage mentions Qatar"
    assert gates.countries_not_quoted(_evidence(question, qatar)) is None
    # The country must be in the quoted passage, not somewhere else in its document: a fact sheet that names Canada
    # in one paragraph does not give Canada's pledge in the paragraph on the United States' pledge.
    pledge = "How much new assistance did Canada pledge at the ministerial?"
    us = scored(1, "The United States announced more than $686 million in new assistance.", 0.9, source="sheet.md")
    canada = scored(2, "Canada seeks to support labor mobility through its pathways pilot.", 0.5, source="sheet.md")
    documents = documents_of([us, canada])
    evidence = Evidence(Question.read(pledge, "en"), [_candidate(us)], documents)
    assert gates.countries_not_quoted(evidence) == "no quoted passage mentions Canada"


def test_the_quote_gates_run_in_order() -> None:
    """A quote that breaks two rules gets the reason of the first."""
    question = "How many domestic workers in Qatar earn the minimum wage?"
    evidence = _evidence(question, scored(0, "Domestic workers are entitled to a minimum wage under the law.", 0.9))
    assert gates.asked_kind_missing(evidence) is not None and gates.countries_not_quoted(evidence) is not None
    assert gates.first_refusal(evidence) == gates.asked_kind_missing(evidence)
    assert (gates.asked_kind_missing, gates.measure_missing, gates.countries_not_quoted) == gates.QUOTE_GATES
