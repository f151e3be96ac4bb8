from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
import pytest

from assistant.extractive import Extraction, extract
from gfmd.records import Chunk, ScoredChunk
from tests.fakes import HashEmbeddings

FAKE = HashEmbeddings()


def _passage(n: int, text: str, score: float, lang: str = "en", source: str = "report.pdf") -> ScoredChunk:
    chunk = Chunk(
        chunk_id=f"c{n}",
        doc_id=f"d-{source}",
        source=source,
        title="Test report",
        lang=lang,
        page=n + 1,
        ordinal=n,
        text=text,
    )
    return ScoredChunk(chunk=chunk, score=score, dense=score)


MIGRANTS = _passage(
    0,
    "In 2019 there were 272 million international migrants in the world. They were 3.5 per cent of the world "
    "population. The IOM supports returnees in many countries.",
    0.9,
)
REMITTANCES = _passage(
    1, "Remittances reached 554 billion dollars in 2019. Diaspora bonds raised money for Nigeria.", 0.6
)
SPANISH = _passage(
    2,
    "En 2019, el número de migrantes internacionales giraba en torno a los 272 millones. Nueve de cada diez "
    "migrantes internacionales son económicos.",
    0.8,
    lang="es",
    source="fmmd.txt",
)


def _embed(sentences: Sequence[str]) -> np.ndarray:
    return np.asarray(FAKE.embed_documents(list(sentences)), dtype=np.float32)


def ask(
    question: str,
    passages: list[ScoredChunk],
    min_support: float = 0.3,
    max_sentences: int = 3,
    **kwargs: object,
) -> Extraction:
    return extract(
        question,
        passages,
        k=4,
        min_support=min_support,
        max_sentences=max_sentences,
        query_vector=FAKE.embed_queries([question])[0],
        embed=_embed,
        **kwargs,  # type: ignore[arg-type]
    )


def _check_citations(result: Extraction, passages: list[ScoredChunk]) -> None:
    texts = {p.chunk.chunk_id: p.chunk.text for p in passages}
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
    for citation, sentence in zip(result.citations, result.sentences, strict=True):
        assert citation.quote in texts[citation.chunk_id], "a quote is a verbatim span of its passage"
        assert citation.text == texts[citation.chunk_id]
        assert sentence.text == citation.quote
        assert sentence.citations == [citation.n]


def test_answers_with_the_sentence_that_holds_the_figure() -> None:
    passages = [MIGRANTS, REMITTANCES]
    result = ask("How many international migrants were there in 2019?", passages)
    assert not result.refused
    assert "272 million" in result.citations[0].quote
    assert result.citations[0].chunk_id == "c0"
    assert result.citations[0].page == 1 and result.citations[0].source == "report.pdf"
    _check_citations(result, passages)


def test_refuses_below_min_support() -> None:
    result = ask("How many international migrants were there in 2019?", [MIGRANTS, REMITTANCES], min_support=0.99)
    assert result.refused
    assert "below 0.990" in result.reason
    assert result.citations == [] and result.sentences == []


def test_refuses_when_the_question_year_is_absent() -> None:
    result = ask("How many international migrants were there in 2015?", [MIGRANTS, REMITTANCES], min_support=0.0)
    assert result.refused
    assert "2015" in result.reason


def test_refuses_when_no_document_knows_the_question_acronym() -> None:
    corpus_vocabulary = {"iom", "returnees", "countries"}
    result = ask(
        "What does UNHCR do for returnees in many countries?",
        [MIGRANTS],
        min_support=0.0,
        known_term=lambda term: term in corpus_vocabulary,
    )
    assert result.refused
    assert "unhcr" in result.reason


def test_an_acronym_known_elsewhere_in_the_corpus_does_not_block_the_answer() -> None:
    # Acronyms change across languages and passages ("the Agency" for UNHCR): only an acronym that no
    # document mentions is proof the corpus cannot answer.
    result = ask(
        "What does UNHCR do for returnees in many countries?",
        [MIGRANTS],
        min_support=0.0,
        known_term=lambda term: True,
    )
    assert not result.refused


def test_acronym_equivalents_in_another_language_count() -> None:
    # "OIM" is the IOM's Spanish and French acronym: the passage saying "IOM" answers it.
    result = ask("What does the OIM do for returnees in many countries?", [MIGRANTS], min_support=0.2)
    assert not result.refused
    assert "IOM supports returnees" in result.citations[0].quote
    _check_citations(result, [MIGRANTS])


def test_number_formats_are_equivalent() -> None:
    passage = _passage(0, "The programme trained 5.500 workers in the first year of operation.", 0.9)
    result = ask("Did the programme train 5,500 workers in the first year?", [passage], min_support=0.2)
    assert not result.refused
    assert "5.500" in result.citations[0].quote


def test_no_passages() -> None:
    result = ask("Anything?", [])
    assert result.refused and result.reason == "no passage retrieved"


def test_short_sentences_are_not_answers() -> None:
    result = ask("Which year?", [_passage(0, "In 2019. Yes. No.", 0.9)], min_support=0.0)
    assert result.refused


def test_cross_lingual_threshold_applies_to_other_language_passages() -> None:
    question = "How many international migrants were there in 2019?"
    strict = ask(question, [SPANISH], min_support=0.99, question_lang="en")
    assert strict.refused
    lenient = ask(question, [SPANISH], min_support=0.99, question_lang="en", min_support_cross=0.0)
    assert not lenient.refused
    assert "272 millones" in lenient.citations[0].quote
    assert lenient.citations[0].lang == "es"
    # The cross-lingual threshold is not used for a passage in the question's own language.
    same = ask(question, [MIGRANTS], min_support=0.99, question_lang="en", min_support_cross=0.0)
    assert same.refused


def test_max_sentences_and_numbering() -> None:
    passages = [MIGRANTS, REMITTANCES, SPANISH]
    result = ask("What happened in 2019 to migrants and remittances?", passages, min_support=0.0, max_sentences=2)
    assert not result.refused
    assert 1 <= len(result.sentences) <= 2
    _check_citations(result, passages)


def test_answers_only_quote_the_top_passages() -> None:
    low = _passage(5, "In 2019 there were 272 million international migrants, says a weak passage.", 0.1)
    passages = [REMITTANCES, SPANISH, MIGRANTS, low]
    result = ask("How many international migrants were there in 2019?", passages, min_support=0.0)
    assert "c5" not in {c.chunk_id for c in result.citations}  # only the best three passages are read


@pytest.mark.parametrize(
    "question",
    [
        "How many international migrants were there in 2019?",
        "What does the OIM do for returnees in many countries?",
        "What did remittances reach in 2019?",
    ],
)
def test_every_answer_is_quoted_verbatim(question: str) -> None:
    passages = [MIGRANTS, REMITTANCES, SPANISH]
    result = ask(question, passages, min_support=0.0)
    assert not result.refused
    _check_citations(result, passages)
    for sentence in result.sentences:
        assert not re.search(r"\[\d+\]", sentence.text)
