"""The extractive answer's citations: one per passage, clean quotes that stay on their page. Passages are the
seed paper's, chunked as the index chunks it."""

from __future__ import annotations

from functools import lru_cache

from assistant.answer.candidates import Candidate
from assistant.answer.citations import citation_for, cite, covering, page_footnotes
from gfmd.records import Chunk, ScoredChunk
from gfmd.text.quotes import quoted_in
from gfmd.text.sentences import split_sentences
from ingest.chunking import chunk_file
from ingest.loaders import load_file
from tests.conftest import REPO_ROOT, SEED_NAME


@lru_cache(maxsize=1)
def _seed_chunks() -> tuple[Chunk, ...]:
    return tuple(chunk_file(load_file(REPO_ROOT / "corpus" / SEED_NAME)))


def _passage(needle: str, kind: str = "body") -> ScoredChunk:
    chunk = next(c for c in _seed_chunks() if needle in c.text and c.kind == kind)
    return ScoredChunk(chunk=chunk, score=0.8, dense=0.8)


def _candidate(passage: ScoredChunk, start: str, rank: int = 0) -> Candidate:
    sentences = split_sentences(passage.chunk.text)
    position = next(i for i, s in enumerate(sentences) if s.startswith(start))
    return Candidate(sentences[position], passage, rank, position, position, score=0.8, dense=0.8)


def _seed_page(page: int) -> str:
    return load_file(REPO_ROOT / "corpus" / SEED_NAME).page_text(page)


def test_a_passage_is_cited_once_for_two_of_its_sentences() -> None:
    passage = _passage("Ello es adicional a, y distinto de", kind="footnote")
    first = _candidate(passage, "14 El mecanismo")
    second = _candidate(passage, "Ello es adicional")
    sentences, citations = cite([second, first])
    assert len(citations) == 1
    assert [s.citations for s in sentences] == [[1], [1]]
    quote = citations[0].quote
    assert quote.startswith("El mecanismo de financiación") and quote.endswith("indirectamente afectan la migración.")
    assert sentences[0].text.startswith("El mecanismo") and sentences[1].text.startswith("Ello es adicional")
    assert quoted_in(quote, passage.chunk.text) and quoted_in(quote, _seed_page(7))


def test_two_passages_are_cited_under_two_numbers() -> None:
    funds = _passage("descoordinada.13")
    note = _passage("Ello es adicional a, y distinto de", kind="footnote")
    sentences, citations = cite([_candidate(funds, "Los fondos no son"), _candidate(note, "14 El mecanismo", 1)])
    assert [c.chunk_id for c in citations] == [funds.chunk.chunk_id, note.chunk.chunk_id]
    assert [s.citations for s in sentences] == [[1], [2]]


def test_a_footnote_marker_leaves_the_answer_and_its_quote() -> None:
    passage = _passage("voluntaria.14")
    sentences, citations = cite([_candidate(passage, "En otras palabras")])
    assert sentences[0].text.endswith("participación equitativa y voluntaria.")
    assert citations[0].quote == sentences[0].text
    assert citations[0].page == 7 and quoted_in(citations[0].quote, _seed_page(7))


def test_a_footnote_number_leaves_a_quote_only_when_its_page_shows_it_as_a_footnote() -> None:
    passage = _passage("Ello es adicional a, y distinto de", kind="footnote")
    quote = split_sentences(passage.chunk.text)[0]
    assert quote.startswith("14 El mecanismo")
    pages = page_footnotes(_seed_chunks())
    assert pages[7] >= {11, 12, 13, 14}  # "remesas.11", "contexto.12", "descoordinada.13", "voluntaria.14"
    assert set(range(1, 18)) == set().union(*pages.values())

    def footnotes(chunk: Chunk) -> frozenset[int]:
        return pages.get(chunk.page, frozenset())

    assert citation_for(1, passage, quote, footnotes).quote.startswith("El mecanismo")
    assert citation_for(1, passage, quote, lambda chunk: frozenset({15, 16})).quote.startswith("14 El mecanismo")
    # Without a look-up, a footnote passage's own opening number is its footnote's.
    assert citation_for(1, passage, quote).quote.startswith("El mecanismo")
    # A body passage that opens with a figure keeps it.
    figure = _passage("Nigeria recaudó $330")
    assert citation_for(1, figure, "$330 millones", footnotes).quote == "$330 millones"


def test_a_long_footnotes_later_passage_opening_with_a_figure_is_no_footnote() -> None:
    chunks = list(_seed_chunks())
    last = max(c.ordinal for c in chunks)
    later = chunks[-1].model_copy(update={"kind": "footnote", "ordinal": last + 1, "text": "40 Estados firmaron."})
    assert 40 not in set().union(*page_footnotes([*chunks, later]).values())


def test_the_section_heading_run_into_a_sentence_leaves_its_quote() -> None:
    passage = _passage("Requisitos para alianzas efectivas Las complejidades")
    sentences, citations = cite([_candidate(passage, "Requisitos para alianzas efectivas")])
    assert citations[0].quote.startswith("Las complejidades multidimensionales vinculadas a la migración")
    assert sentences[0].text == citations[0].quote
    assert quoted_in(citations[0].quote, _seed_page(citations[0].page))


def test_covering_spans_the_first_to_the_last_quote() -> None:
    text = "One sentence here. Two sentences there. Three at the end."
    assert covering(text, ["Three at the end.", "One sentence here."]) == text
    assert covering(text, ["Two sentences there."]) == "Two sentences there."
    assert covering(text, ["not in the text", "One sentence here."]) == "One sentence here."
