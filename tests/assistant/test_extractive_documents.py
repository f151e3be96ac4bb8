"""The extractive answerer's document-level gates: references, names and countries found in the quoted document
(its file name and title included), across languages for countries."""

from __future__ import annotations

from gfmd.records import Chunk, ScoredChunk
from tests.assistant.extractive_support import MIGRANTS, ask, scored


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
    other = gcm.model_copy(
        update={"chunk": chunk.model_copy(update={"source": "report_2018_en.md", "title": "Report"})}
    )
    refused = ask(question, [other], min_support=0.0, question_lang="en")
    assert refused.refused and "compact" in refused.reason


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
