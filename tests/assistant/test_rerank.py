from __future__ import annotations

import pytest

from assistant.rerank import W_COVERAGE, W_KEYTERMS, rerank, rerank_score
from gfmd.records import Chunk, ScoredChunk


def _candidate(n: int, text: str, dense: float | None, lang: str = "en", title: str = "Report") -> ScoredChunk:
    chunk = Chunk(chunk_id=f"c{n}", doc_id="d", source="r.pdf", title=title, lang=lang, page=1, ordinal=n, text=text)
    return ScoredChunk(chunk=chunk, score=0.01 * n, dense=dense)


def test_score_is_dense_plus_coverage_plus_key_terms() -> None:
    question = "How much did Nigeria raise with diaspora bonds in 2017?"
    full = _candidate(0, "Nigeria raised 300 million dollars with diaspora bonds in 2017.", 0.5)
    # Content words: nigeria, raise, diaspora, bonds -> all four covered; key terms 2017 and Nigeria both present.
    assert rerank_score(question, full) == pytest.approx(0.5 + W_COVERAGE * 1.0 + W_KEYTERMS * 1.0)
    none = _candidate(1, "The football club won the final.", 0.5)
    assert rerank_score(question, none) == pytest.approx(0.5)
    no_dense = _candidate(2, "The football club won the final.", None)
    assert rerank_score(question, no_dense) == pytest.approx(0.0)


def test_key_terms_break_ties_between_equally_similar_passages() -> None:
    question = "How many migrants were there in 2019?"
    wrong_year = _candidate(0, "There were many migrants in 2015.", 0.70)
    right_year = _candidate(1, "There were many migrants in 2019.", 0.70)
    ranked = rerank(question, [wrong_year, right_year])
    assert [c.chunk.chunk_id for c in ranked] == ["c1", "c0"]


def test_title_counts_for_key_terms() -> None:
    question = "What did the KNOMAD trust fund raise?"
    titled = _candidate(0, "The trust fund raised 60 million dollars.", 0.6, title="KNOMAD annual report")
    untitled = _candidate(1, "The trust fund raised 60 million dollars.", 0.6, title="Annual report")
    assert rerank_score(question, titled) > rerank_score(question, untitled)


def test_dense_similarity_dominates() -> None:
    question = "What are remittances?"
    close = _candidate(0, "Money sent home by workers abroad.", 0.85)
    wordy = _candidate(1, "Remittances remittances remittances.", 0.40)
    assert [c.chunk.chunk_id for c in rerank(question, [wordy, close])] == ["c0", "c1"]


def test_rerank_rescored_copies_sorted_best_first() -> None:
    question = "remesas de los migrantes"
    candidates = [
        _candidate(0, "Texto sin relación con la pregunta.", 0.3, lang="es"),
        _candidate(1, "Las remesas de los migrantes crecieron.", 0.3, lang="es"),
        _candidate(2, "Las remesas crecieron.", 0.3, lang="es"),
    ]
    ranked = rerank(question, candidates)
    assert [c.chunk.chunk_id for c in ranked] == ["c1", "c2", "c0"]
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert {c.chunk for c in ranked} == {c.chunk for c in candidates}
    assert [c.score for c in candidates] == [0.0, 0.01, 0.02]  # the inputs are not modified
    assert rerank(question, []) == []
