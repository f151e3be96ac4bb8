"""Passages and a question helper shared by the extractive answerer's tests."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.answer.extractive import Extraction, extract
from gfmd.records import Chunk, ScoredChunk
from gfmd.text.quotes import quoted_in
from tests.fakes import HashEmbeddings

FAKE = HashEmbeddings()


def scored(n: int, text: str, score: float, lang: str = "en", source: str = "report.pdf") -> ScoredChunk:
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


MIGRANTS = scored(
    0,
    "In 2019 there were 272 million international migrants in the world. They were 3.5 per cent of the world "
    "population. The IOM supports returnees in many countries.",
    0.9,
)
REMITTANCES = scored(
    1, "Remittances reached 554 billion dollars in 2019. Diaspora bonds raised money for Nigeria.", 0.6
)
SPANISH = scored(
    2,
    "En 2019, el número de migrantes internacionales giraba en torno a los 272 millones. Nueve de cada diez "
    "migrantes internacionales son económicos.",
    0.8,
    lang="es",
    source="fmmd.txt",
)


def embed_sentences(sentences: Sequence[str]) -> np.ndarray:
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
        embed=embed_sentences,
        **kwargs,  # type: ignore[arg-type]
    )


def check_citations(result: Extraction, passages: list[ScoredChunk]) -> None:
    texts = {p.chunk.chunk_id: p.chunk.text for p in passages}
    assert [c.n for c in result.citations] == list(range(1, len(result.citations) + 1))
    assert len({c.chunk_id for c in result.citations}) == len(result.citations), "a passage is cited once"
    by_n = {c.n: c for c in result.citations}
    for citation in result.citations:
        assert quoted_in(citation.quote, texts[citation.chunk_id]), "a quote is a (clean) span of its passage"
        assert citation.text == texts[citation.chunk_id]
    for sentence in result.sentences:
        cited = [by_n[n] for n in sentence.citations]
        assert cited, "every sentence cites its passage"
        if len(cited) == 1:
            assert quoted_in(sentence.text, cited[0].quote), "a sentence is quoted by its citation"
