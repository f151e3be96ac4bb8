"""Hybrid retrieval over a small real corpus (the seed, an English brief, an English note) with the hashing fake."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.retrieval.retrieve import ANSWER_DEPTH, Retriever, fusion_weights, rrf
from gfmd.index import Index
from gfmd.records import Filters
from ingest.pipeline import ingest_paths

QUESTIONS = [
    "¿Qué es el programa PALIM?",
    "How much did remittances reach?",
    "partnerships between cities and migrants",
    "financiación de las alianzas",
]


@pytest.fixture
def index(fake_index: Index, corpus_dir: Path) -> Index:
    ingest_paths([corpus_dir], fake_index)
    return fake_index


def test_exact_filtered_search_finds_what_chromas_filtered_search_finds(index: Index) -> None:
    """The per-language pools and filtered searches run on the snapshot's vectors; they must agree with
    Chroma's own filtered search on the same passages."""
    snapshot = index.lexical()
    langs = {c.lang for c in index.store.all_chunks()}
    assert langs == {"en", "es"}
    for question in QUESTIONS:
        vector = np.asarray(index.embeddings.embed_query(question), dtype=np.float32)
        for lang in sorted(langs):
            exact = snapshot.nearest(vector, 10, snapshot.mask((), lang, None))
            chroma = index.store.dense_search(vector, 10, lang=lang)
            assert [cid for cid, _ in exact] == [cid for cid, _ in chroma], (question, lang)
            np.testing.assert_allclose([s for _, s in exact], [s for _, s in chroma], atol=1e-4)


def test_unfiltered_dense_stage_is_the_exact_nearest_not_chromas_approximation(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HNSW loses true neighbours of e5 questions (787 of the exact top-4's 836 on the full corpus with ef_search
    256): with snapshot vectors, the dense stage is the exact cosine top-k, whatever Chroma would return."""
    retriever = Retriever(index, index.settings)
    snapshot = index.lexical()
    k = index.settings.candidates
    for question in QUESTIONS:
        vector = np.asarray(index.embeddings.embed_queries([question])[0], dtype=np.float32)  # type: ignore[attr-defined]
        exact = [cid for cid, _ in snapshot.nearest(vector, k)]
        assert retriever.retrieve(question).stages["dense"][:k] == exact, question

    def approximate(*args: object, **kwargs: object) -> list[tuple[str, float]]:
        raise AssertionError("the unfiltered dense search went to Chroma's HNSW index")

    monkeypatch.setattr(index.store, "dense_search", approximate)
    assert retriever.retrieve(QUESTIONS[0]).passages


def test_filters_hold_in_every_list(index: Index) -> None:
    retriever = Retriever(index, index.settings)
    chunks = {c.chunk_id: c for c in index.store.all_chunks()}
    for filters in (Filters(lang="en"), Filters(lang="es"), Filters(sources=("remittances-note_2020_en.txt",))):
        for question in QUESTIONS:
            found = retriever.retrieve(question, filters=filters)
            assert found.passages, (question, filters)
            for stage in ("dense", "lexical", "fused"):
                for cid in found.stages[stage]:
                    chunk = chunks[cid]
                    assert filters.lang is None or chunk.lang == filters.lang
                    assert not filters.sources or chunk.source in filters.sources


def test_without_snapshot_vectors_retrieval_asks_chroma_and_ranks_alike(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    retriever = Retriever(index, index.settings)
    exact = {q: [p.chunk.chunk_id for p in retriever.retrieve(q).passages] for q in QUESTIONS}
    monkeypatch.setattr(index.lexical(), "vectors", None)
    for question, ranked in exact.items():
        assert [p.chunk.chunk_id for p in retriever.retrieve(question).passages] == ranked


def test_a_spanish_question_gets_an_english_pool_and_the_reverse(index: Index) -> None:
    retriever = Retriever(index, index.settings)
    chunks = {c.chunk_id: c for c in index.store.all_chunks()}
    found = retriever.retrieve("¿Cuánto alcanzaron las remesas?")
    assert any(chunks[cid].lang == "en" for cid in found.stages["fused"])
    found = retriever.retrieve("What is PALIM?")
    assert any(chunks[cid].lang == "es" for cid in found.stages["fused"])


def test_rrf_sums_weighted_reciprocal_ranks() -> None:
    fused = dict(rrf([[("a", 0.9), ("b", 0.8)], [("b", 3.0)]], k=60, weights=[1.0, 0.5]))
    assert fused["a"] == pytest.approx(1 / 61)
    assert fused["b"] == pytest.approx(1 / 62 + 0.5 / 61)


def test_without_embedded_renderings_only_the_question_is_embedded_and_every_language_is_still_searched(
    index: Index, monkeypatch: pytest.MonkeyPatch
) -> None:
    embedded: list[int] = []
    original = index.embeddings.embed_queries

    def counting(texts: list[str]) -> np.ndarray:
        embedded.append(len(texts))
        return original(texts)

    monkeypatch.setattr(index.embeddings, "embed_queries", counting)
    chunks = {c.chunk_id: c for c in index.store.all_chunks()}
    question = "How much did remittances reach for partnerships?"
    full = Retriever(index, index.settings).retrieve(question)
    lean = Retriever(index, index.settings.model_copy(update={"embed_renderings": False})).retrieve(question)
    assert embedded == [2, 1]  # the question and its Spanish rendering; then the question alone
    assert any(chunks[cid].lang == "es" for cid in lean.stages["fused"])
    assert lean.stages["lexical"] == full.stages["lexical"]  # the renderings still serve BM25


def test_passages_of_the_document_the_question_names_carry_its_doc_match(index: Index) -> None:
    retrieval = Retriever(index, index.settings).retrieve("What does the remittances note say about diaspora bonds?")
    by_source: dict[str, set[float]] = {}
    for candidate in retrieval.pool:
        by_source.setdefault(candidate.chunk.source, set()).add(retrieval.signals[candidate.chunk.chunk_id].doc_match)
    assert by_source["remittances-note_2020_en.txt"] == {1.0}
    assert all(max(values) < 1.0 for source, values in by_source.items() if source != "remittances-note_2020_en.txt")


def test_a_question_naming_an_indexed_resolution_keeps_to_it() -> None:
    from assistant.retrieval.retrieve import _named_documents
    from gfmd.records import Document

    docs = {
        source: Document(
            doc_id=source,
            source=source,
            title="Protection of migrants",
            lang="en",
            kind="pdf",
            pages=14,
            paginated=True,
            year=year,
        )
        for source, year in [
            ("UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf", 2023),
            ("UNGA_A-RES-80-218_2025_Protection-of-migrants_en.pdf", 2025),
        ]
    }
    named = _named_documents("What does resolution 80/218 request?", Filters(), docs)
    assert named.sources == ("UNGA_A-RES-80-218_2025_Protection-of-migrants_en.pdf",)
    by_year = _named_documents("What did the 2023 resolution on migrants note?", Filters(), docs)
    assert by_year.sources == ("UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf",)
    # A symbol no document carries, or no reference at all, leaves retrieval as it was; a user's filter stands.
    assert _named_documents("What does resolution 76/172 request?", Filters(), docs) == Filters()
    assert _named_documents("How are migrants protected?", Filters(), docs) == Filters()
    mine = Filters(sources=("UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf",))
    assert _named_documents("What does resolution 80/218 request?", mine, docs) == mine


def test_each_renderings_list_weighs_less_in_fusion_than_the_questions_own_lists() -> None:
    dense, *rendered, lexical = fusion_weights(2)
    assert len(rendered) == 2
    assert all(weight < min(dense, lexical) for weight in rendered)
    # First in a rendering's list alone ranks below first in the question's dense or BM25 list alone.
    fused = [cid for cid, _ in rrf([[("a", 0.9)], [("b", 0.9)], [("c", 3.0)]], k=60, weights=fusion_weights(1))]
    assert fused[-1] == "b"


def test_the_answerer_gets_answer_depth_times_k_passages_at_most(index: Index) -> None:
    retriever = Retriever(index, index.settings)
    for k in (1, index.settings.top_k + 1):
        found = retriever.retrieve(QUESTIONS[1], k=k)
        assert len(found.passages) == min(len(found.pool), max(k, index.settings.top_k) * ANSWER_DEPTH)


def test_a_contents_page_takes_no_answer_slot(fake_index: Index, tmp_path: Path) -> None:
    # A report's contents page names every topic, so it matches any question on them; none of it can be quoted.
    contents = tmp_path / "evaluation-report_2023_en.md"
    contents.write_text(
        "# Evaluation report\n\n## Contents\n"
        "Relevance of the reintegration programme for returnees ............................................ 12\n"
        "Effectiveness of the reintegration programme for returnees ........................................ 18\n"
        "Sustainability of reintegration support for returnees ............................................. 25\n\n"
        "## Findings\nThe reintegration programme reached 12,000 returnees, and most of them rated its support as "
        "relevant to their needs.\n",
        encoding="utf-8",
    )
    ingest_paths([contents], fake_index)
    retrieval = Retriever(fake_index, fake_index.settings).retrieve("reintegration programme for returnees", k=4)
    texts = [p.chunk.text for p in retrieval.passages]
    assert texts and all("......" not in t for t in texts)
    assert any("12,000 returnees" in t for t in texts)
