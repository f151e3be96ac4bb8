"""The extractive answerer's document-level gates: references, names and countries found in the quoted document
(its file name and title included), across languages for countries."""

from __future__ import annotations

import pytest

from assistant.answer import extractive
from assistant.answer.grounding import documents_of
from gfmd.records import Chunk, ScoredChunk
from tests.assistant.answer.extractive_support import MIGRANTS, ask, scored


def test_a_reference_number_and_a_name_may_be_found_elsewhere_in_the_passages_document() -> None:
    def gcm(n: int, text: str, score: float) -> ScoredChunk:
        chunk = Chunk(
            chunk_id=f"g{n}",
            doc_id="d-gcm",
            source="UNGA_2018_GCM_en.pdf",
            title="Global Compact for Migration",
            lang="en",
            page=30 + n,
            ordinal=n,
            text=text,
        )
        return ScoredChunk(chunk=chunk, score=score, dense=score)

    answer = gcm(
        0, "States shall develop financial products that facilitate diaspora investment and entrepreneurship.", 0.9
    )
    heading = gcm(
        1, "Objective 19: Create conditions for migrants and diasporas to fully contribute in all countries.", 0.7
    )
    question = "Which financial products does the Global Compact for Migration propose under objective 19?"
    result = ask(question, [answer, heading], min_support=0.0)
    assert not result.refused, result.reason
    assert result.citations[0].chunk_id == "g0"
    # The objective must be found in the answer's own document: another document's heading does not ground it.
    other = heading.model_copy(update={"chunk": heading.chunk.model_copy(update={"doc_id": "d-other"})})
    alone = ask(question, [answer, other], min_support=0.0)
    assert all(c.chunk_id != "g0" for c in alone.citations)
    assert ask(question, [answer], min_support=0.0).refused


def test_a_dotted_module_number_is_found_in_a_hyphenated_file_name() -> None:
    chunk = MIGRANTS.chunk.model_copy(
        update={
            "chunk_id": "c35",
            "source": "IOM_2019_Reintegration-Handbook_Module4-2-International-cooperation.pdf",
            "text": "The key benefits of decentralized cooperation frameworks relate to proximity of local actors.",
        }
    )
    handbook = MIGRANTS.model_copy(update={"chunk": chunk})
    question = "According to module 4.2 of the handbook, what are the benefits of decentralized cooperation?"
    result = ask(question, [handbook], min_support=0.0)
    assert not result.refused, result.reason


def _named_file(chunk_id: str, source: str, text: str) -> ScoredChunk:
    """A passage of a file whose title is its file name's words (as ingest derives it)."""
    title = " ".join(source.rsplit(".", 1)[0].replace("-", " ").replace("_", " ").split())
    update = {"chunk_id": chunk_id, "source": source, "title": title, "text": text}
    return MIGRANTS.model_copy(update={"chunk": MIGRANTS.chunk.model_copy(update=update)})


def test_a_name_the_documents_file_name_abbreviates_is_found_in_the_document() -> None:
    gcm = _named_file(
        "c36",
        "GCM_A-RES-73-195_2018_Objectives_extract_en.md",
        "States commit to develop diaspora bonds and diaspora development funds for migrant investment.",
    )
    chunk = gcm.chunk
    question = "Which financial products does the Global Compact for Migration propose for diaspora investment?"
    assert not ask(question, [gcm], min_support=0.0, question_lang="en").refused
    assert "global compact for safe, orderly and regular migration" in documents_of([gcm])[chunk.doc_id]
    other = gcm.model_copy(
        update={"chunk": chunk.model_copy(update={"source": "report_2018_en.md", "title": "Report"})}
    )
    assert "compact" not in documents_of([other])[chunk.doc_id].lower()


def test_a_name_written_in_camel_case_in_the_file_name_is_found_in_the_document() -> None:
    matrix = _named_file(
        "c37",
        "IOM_2023_EU-IOM-JI-HornOfAfrica_Management-Response-Matrix_en.pdf",
        "The Survey and Index will be revised using the analysis presented in the IMPACT Study Report #4.",
    )
    question = "In the Horn of Africa management response, which report's analysis will be used to revise the Index?"
    assert not ask(question, [matrix], min_support=0.0, question_lang="en").refused


def test_a_country_the_question_names_must_be_named_by_the_quoted_document_in_any_language() -> None:
    domestic = scored(
        7, "The vast majority of migrant domestic workers remain in informal employment with limited protection.", 0.9
    )
    question = "Quel est le salaire minimum applicable aux travailleurs domestiques migrants au Qatar ?"
    refused = ask(question, [domestic], min_support=0.0)
    assert refused.refused and "Qatar" in refused.reason
    # The same passage answers once its document names the country, here in Spanish ("Catar").
    named = scored(
        8,
        "En Catar, la gran mayoría de los trabajadores domésticos migrantes tienen un empleo informal con salario "
        "mínimo limitado.",
        0.9,
        lang="es",
        source="catar.txt",
    )
    answered = ask(question, [named], min_support=0.0)
    assert not answered.refused, answered.reason
    # A country named only in another retrieved document does not ground the answer.
    other = named.model_copy(update={"chunk": named.chunk.model_copy(update={"doc_id": "d-other", "text": "Catar."})})
    assert ask(question, [domestic, other], min_support=0.0).refused


def test_a_document_cannot_answer_for_a_year_after_it_was_written() -> None:
    fund = scored(
        9,
        "The Trust Fund has raised $12 million to date; its target is to reach $50 million by 2023.",
        0.9,
        source="paper_2020.txt",
    )
    fund = fund.model_copy(update={"chunk": fund.chunk.model_copy(update={"year": 2020})})
    refused = ask("How much money had the Trust Fund raised by the end of 2023?", [fund], min_support=0.0)
    assert refused.refused and "written before it (2020)" in refused.reason
    # Its target for 2023 it does give; and a later report may give the outcome.
    assert not ask("What target did the Trust Fund set for the end of 2023?", [fund], min_support=0.0).refused
    later = fund.model_copy(update={"chunk": fund.chunk.model_copy(update={"year": 2024})})
    assert not ask("How much money had the Trust Fund raised by the end of 2023?", [later], min_support=0.0).refused


def test_a_question_for_a_place_or_a_date_needs_one_in_the_evidence() -> None:
    forum = scored(
        10,
        "The Assembly looks forward to the second International Migration Review Forum in 2026. The first Forum was "
        "held in New York from 17 to 20 May 2022.",
        0.9,
    )
    where = ask("In which city will the second International Migration Review Forum be held?", [forum], max_sentences=1)
    when = ask("When was the second International Migration Review Forum founded?", [forum], max_sentences=1)
    assert where.refused and "asks for a place" in where.reason
    assert not when.refused, when.reason  # "in 2026" dates it
    first = scored(11, "The first International Migration Review Forum was held in New York in May 2022.", 0.9)
    held = ask("In which city was the first International Migration Review Forum held?", [first])
    assert not held.refused, held.reason


@pytest.mark.parametrize(
    ("question", "hosted", "unplaced"),
    [
        (
            "Where is the secretariat of the Quuxian network hosted?",
            "The secretariat of the Quuxian network is hosted in the port city of Quuxhaven.",
            "The secretariat of the Quuxian network supports its members with training.",
        ),
        (
            "¿Dónde está alojada la secretaría de la red quuxiana?",
            "La secretaría de la red quuxiana está alojada en la ciudad portuaria de Villaquux.",
            "La secretaría de la red quuxiana apoya a sus miembros con formación.",
        ),
        (
            "Où le secrétariat du réseau quuxien est-il hébergé ?",
            "Le secrétariat du réseau quuxien est hébergé à Quuxbourg depuis sa création.",
            "Le secrétariat du réseau quuxien soutient ses membres par des formations.",
        ),
    ],
)
def test_a_place_question_is_answered_by_a_name_no_list_knows(question: str, hosted: str, unplaced: str) -> None:
    answered = ask(question, [scored(12, hosted, 0.9)], min_support=0.0)
    assert not answered.refused, answered.reason
    refused = ask(question, [scored(13, unplaced, 0.9)], min_support=0.0)
    assert refused.refused and "asks for a place" in refused.reason


def test_a_sentence_cut_by_a_page_break_is_quoted_whole_from_both_passages() -> None:
    page7 = scored(
        12,
        "Funding mechanisms have supported transit countries. For example, the European Union supported Turkey "
        "through the Facility for Refugees in Turkey, with total funding of",
        0.9,
    )
    page8 = scored(
        13, "€6 billion and the Emergency Trust Fund for Africa. The Facility combines grants and loans.", 0.5
    )
    following = {page7.chunk.chunk_id: page8.chunk}
    question = "How much total funding did the European Union give Turkey through the Facility for Refugees in Turkey?"
    answer = ask(question, [page7], max_sentences=1, following=lambda c: following.get(c.chunk_id))
    assert not answer.refused, answer.reason
    [sentence] = answer.sentences
    assert sentence.text.endswith("with total funding of €6 billion and the Emergency Trust Fund for Africa.")
    assert sentence.citations == [1, 2]
    first, second = answer.citations
    assert first.chunk_id == page7.chunk.chunk_id and first.quote in page7.chunk.text
    assert (
        second.chunk_id == page8.chunk.chunk_id
        and second.quote == "€6 billion and the Emergency Trust Fund for Africa."
    )
    # Without the next passage the cut sentence is not quoted: the figure is on the next page.
    assert ask(question, [page7], max_sentences=1).refused


def test_a_passage_that_ends_on_a_heading_is_not_run_into_the_next_one() -> None:
    page = scored(14, "The evaluation covered four countries in the region. Recommendations", 0.9)
    after = scored(15, "The evaluation recommends a steering committee for the programme.", 0.5)
    answer = ask("Which countries did the evaluation cover?", [page], following=lambda c: after.chunk, min_support=0.0)
    assert all("Recommendations The" not in s.text for s in answer.sentences)


def test_table_cells_that_run_over_a_page_break_are_not_joined_into_a_sentence() -> None:
    cells = scored(
        16, "de salud y de las organizaciones Government of Spain Country Ecuador Programme 45 2021 DP.2122", 0.9
    )
    after = scored(17, "(MPTF) Country Colombia Transition Recovery 47 2021 MX10P05 and more cells of the table.", 0.5)
    candidates = extractive._sentences([cells], lambda c: after.chunk)
    assert all(c.continued is None for c in candidates)
