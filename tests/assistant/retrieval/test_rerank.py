from __future__ import annotations

import math

import pytest

from assistant.retrieval.rerank import WEIGHTS, Signals, features, rank_feature, rerank, rerank_score
from gfmd.records import Chunk, ScoredChunk


def _candidate(n: int, text: str, dense: float | None = 0.5, lang: str = "en") -> ScoredChunk:
    chunk = Chunk(chunk_id=f"c{n}", doc_id="d", source="r.pdf", title="Report", lang=lang, page=1, ordinal=n, text=text)
    return ScoredChunk(chunk=chunk, score=0.01 * n, dense=dense)


def test_score_is_the_weighted_sum_of_the_features() -> None:
    question = "How much did Nigeria raise with diaspora bonds?"
    text = "Nigeria raised 300 million dollars with diaspora bonds in 2017."
    signals = Signals(native=0.8, dense_rank=1, lexical_rank=3, rendered_rank=None, doc_match=0.5)
    values = features(question, _candidate(0, text), signals)
    # Content words nigeria, raise, diaspora, bonds: all four are in the passage.
    assert values == pytest.approx(
        {
            "native": 0.8,
            "coverage": 1.0,
            "length": math.log(len(text) + 1),
            "dense_rank": 10 / 11,
            "lexical_rank": 10 / 13,
            "rendered_rank": 0.0,
            "doc_match": 0.5,
        }
    )
    expected = sum(WEIGHTS[name] * value for name, value in values.items())
    assert rerank_score(question, _candidate(0, text), signals) == pytest.approx(expected)


def test_a_passage_of_the_document_the_question_names_ranks_higher() -> None:
    question = "What does the remittances note say about bonds?"
    a, b = _candidate(0, "Bonds let governments borrow."), _candidate(1, "Bonds let governments borrow abroad.")
    named = {"c0": Signals(native=0.8, doc_match=1.0), "c1": Signals(native=0.8)}
    assert rerank(question, [b, a], named)[0].chunk.chunk_id == "c0"


def test_rank_feature_decreases_with_rank_and_is_zero_when_absent() -> None:
    assert rank_feature(None) == 0.0
    assert rank_feature(1) > rank_feature(2) > rank_feature(40) > 0.0


def test_a_passage_found_by_every_list_beats_one_only_dense_search_liked() -> None:
    question = "What are remittances?"
    liked = _candidate(0, "Money sent home by migrant workers to their families.")
    found = _candidate(1, "Remittances are the money migrants send to their families at home.")
    signals = {
        "c0": Signals(native=0.84, dense_rank=1),
        "c1": Signals(native=0.82, dense_rank=2, lexical_rank=1, rendered_rank=1),
    }
    assert [c.chunk.chunk_id for c in rerank(question, [liked, found], signals)] == ["c1", "c0"]


def test_similarity_decides_between_passages_the_lists_rank_alike() -> None:
    question = "What are remittances?"
    close = _candidate(0, "Remittances are money sent home by workers abroad.")
    far = _candidate(1, "Remittances were discussed at the second meeting.")
    signals = {"c0": Signals(native=0.86, lexical_rank=2), "c1": Signals(native=0.74, lexical_rank=1)}
    assert [c.chunk.chunk_id for c in rerank(question, [far, close], signals)] == ["c0", "c1"]


def test_rerank_returns_rescored_copies_best_first_and_leaves_inputs_alone() -> None:
    question = "remesas de los migrantes"
    candidates = [
        _candidate(0, "Texto sin relación con la pregunta.", 0.3, lang="es"),
        _candidate(1, "Las remesas de los migrantes crecieron.", 0.3, lang="es"),
        _candidate(2, "Las remesas crecieron.", 0.3, lang="es"),
    ]
    # Without signals a candidate is scored on its dense similarity (plus what its text shows).
    ranked = rerank(question, candidates, {})
    assert [c.chunk.chunk_id for c in ranked] == ["c1", "c2", "c0"]
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert {c.chunk for c in ranked} == {c.chunk for c in candidates}
    assert [c.score for c in candidates] == [0.0, 0.01, 0.02]
    assert rerank(question, [], {}) == []
