"""Rerank fused candidates with what is installed: e5 passage similarity, lexical coverage of the question's
content words (stemmed for every corpus language), and the presence of its key terms (figures, names).
"""

from __future__ import annotations

from assistant.terms import analyse, coverage, key_term_hits, passage_stems
from gfmd.lexical import index_text
from gfmd.records import ScoredChunk

W_COVERAGE = 0.10
W_KEYTERMS = 0.08


def rerank_score(question: str, candidate: ScoredChunk) -> float:
    terms = analyse(question)
    chunk = candidate.chunk
    cov = coverage(terms, passage_stems(index_text(chunk), chunk.lang))
    found, total = key_term_hits(terms, f"{chunk.title} {chunk.text}")
    keys = found / total if total else 0.0
    return (candidate.dense or 0.0) + W_COVERAGE * cov + W_KEYTERMS * keys


def rerank(question: str, candidates: list[ScoredChunk]) -> list[ScoredChunk]:
    rescored = [c.model_copy(update={"score": rerank_score(question, c)}) for c in candidates]
    return sorted(rescored, key=lambda c: -c.score)
