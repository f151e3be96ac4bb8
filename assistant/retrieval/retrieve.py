"""Hybrid retrieval: dense (Chroma: the question, and its renderings per corpus language) and BM25 candidates,
pooled and reranked (assistant.retrieval.rerank).

Each stage reports its own candidates so evaluation can measure what each one adds.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

from assistant.retrieval.docmatch import document_reference, document_scores, referenced_sources
from assistant.retrieval.glossary import expansions, translate_words
from assistant.retrieval.rerank import Signals, rerank
from gfmd.index import Index
from gfmd.records import Document, Filters, ScoredChunk
from gfmd.settings import Settings
from gfmd.text.languages import LANGUAGES, detect_language


@dataclass
class Retrieval:
    query: str
    vector: np.ndarray
    passages: list[ScoredChunk]
    stages: dict[str, list[str]] = field(default_factory=dict)  # chunk ids per stage, best first
    timings_ms: dict[str, float] = field(default_factory=dict)
    pool: list[ScoredChunk] = field(default_factory=list)  # every candidate, fused order (for tuning)
    signals: dict[str, Signals] = field(default_factory=dict)  # the reranker's inputs, by chunk id
    rendered_vectors: dict[str, np.ndarray] = field(default_factory=dict)  # the renderings' vectors, by language


LANGS = set(LANGUAGES)


class Retriever:
    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings

    def retrieve(self, query: str, k: int | None = None, filters: Filters | None = None) -> Retrieval:
        settings = self.settings
        k = k or settings.top_k
        filters = filters or Filters()
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        store = self.index.store
        filters = _named_documents(query, filters, store.documents())
        question_lang = detect_language(query, default="en")
        langs = [filters.lang] if filters.lang else sorted({d.lang for d in store.documents().values()} & LANGS)
        # Cross-lingual: a word-by-word glossary rendering of the question in each other corpus language.
        renderings = {}
        if settings.cross_lingual:
            renderings = {lang: translate_words(query, lang) for lang in langs if lang != question_lang}
            renderings = {lang: text for lang, text in renderings.items() if text != query.lower()}
        embedded = renderings if settings.embed_renderings else {}
        texts = [query, *embedded.values()]
        vectors = self.index.embeddings.embed_queries(texts)  # type: ignore[attr-defined]
        vector = vectors[0]
        lang_vectors = {lang: vectors[i] for i, lang in enumerate(embedded, start=1)}
        timings["embed"] = _ms(t0)

        t1 = time.perf_counter()
        lexical_index = self.index.lexical()
        exact = lexical_index.vectors is not None
        mask = lexical_index.mask(filters.sources, filters.lang, filters.year)
        # Dense search is exact over the snapshot's vectors (gfmd.lexical says why); Chroma's HNSW index serves it
        # only when the snapshot holds no vectors.
        if exact:
            dense = lexical_index.nearest(vector, settings.candidates, mask)
        else:
            dense = store.dense_search(vector, settings.candidates, filters)
        # Language-balanced pools: a question in one language must still see passages in the others, which a
        # single dense search ranks below weaker same-language passages. Each other corpus language is searched
        # with the question rendered into it (or, without a rendering, the question itself), filtered to it.
        rendered: dict[str, list[tuple[str, float]]] = {}
        for lang in langs:
            if lang == question_lang or (lang not in renderings and len(langs) < 2):
                continue  # the unfiltered search already covers it
            lang_vector = lang_vectors.get(lang, vector)
            if exact:
                lang_mask = lexical_index.mask(filters.sources, lang, filters.year)
                rendered[lang] = lexical_index.nearest(lang_vector, settings.candidates // 2, lang_mask)
            else:
                rendered[lang] = store.dense_search(lang_vector, settings.candidates // 2, filters, lang=lang)
        timings["dense"] = _ms(t1)

        t2 = time.perf_counter()
        lexical_query = query
        if settings.cross_lingual:
            lexical_query = " ".join([query, *expansions(query)])
        lexical = lexical_index.search(lexical_query, settings.candidates, mask)
        timings["lexical"] = _ms(t2)

        # The pool is every list's candidates; reciprocal rank fusion orders it for the "fused" stage report.
        per_lang = list(rendered.values())
        fused = rrf([dense, *per_lang, lexical], settings.rrf_k, weights=[1.0] + [0.5] * len(per_lang) + [1.0])
        pool = [cid for cid, _ in fused]
        t3 = time.perf_counter()
        chunks, chunk_vectors = lexical_index.chunks(pool, store.get_chunks)
        fused_score = dict(fused)
        lexical_score = dict(lexical)
        dense_scores: np.ndarray = (
            (chunk_vectors @ vector)
            if chunk_vectors is not None and len(chunks)
            else np.zeros(len(chunks), dtype=np.float32)
        )
        dense_rank = _ranks(dense)
        lexical_rank = _ranks(lexical)
        rendered_rank = {lang: _ranks(ranking) for lang, ranking in rendered.items()}
        named = document_scores(query, store.documents())
        candidates: list[ScoredChunk] = []
        signals: dict[str, Signals] = {}
        for i, chunk in enumerate(chunks):
            similarity = float(dense_scores[i])
            if chunk.lang in lang_vectors and chunk_vectors is not None:
                similarity = max(similarity, float(chunk_vectors[i] @ lang_vectors[chunk.lang]))
            cid = chunk.chunk_id
            signals[cid] = Signals(
                native=similarity,
                dense_rank=dense_rank.get(cid),
                lexical_rank=lexical_rank.get(cid),
                rendered_rank=rendered_rank.get(chunk.lang, {}).get(cid),
                doc_match=named.get(chunk.source, 0.0),  # documents() is keyed by file name
            )
            candidates.append(
                ScoredChunk(
                    chunk=chunk,
                    score=fused_score.get(cid, 0.0),
                    dense=float(dense_scores[i]),
                    lexical=lexical_score.get(cid, 0.0),
                )
            )
        ranked = rerank(query, candidates, signals)
        timings["rerank"] = _ms(t3)
        timings["retrieve"] = _ms(t0)
        return Retrieval(
            query=query,
            vector=vector,
            passages=ranked[: max(k, settings.top_k) * 3],
            stages={
                "dense": [c for c, _ in dense],
                "lexical": [c for c, _ in lexical],
                "fused": pool[: settings.candidates],
                "reranked": [p.chunk.chunk_id for p in ranked],
            },
            timings_ms=timings,
            pool=candidates,
            signals=signals,
            rendered_vectors=lang_vectors,
        )


def _named_documents(query: str, filters: Filters, documents: Mapping[str, Document]) -> Filters:
    """A question that names its resolution ("resolution 78/217", "the 2024 resolution") is answered from that
    document: retrieval keeps to the indexed documents it names. A symbol no document carries changes nothing here;
    the answerer refuses it (assistant.answer.extractive)."""
    reference = document_reference(query)
    if reference is None or filters.sources:
        return filters
    sources = referenced_sources(reference, documents)
    return filters.model_copy(update={"sources": sources}) if sources else filters


def rrf(rankings: list[list[tuple[str, float]]], k: int, weights: list[float] | None = None) -> list[tuple[str, float]]:
    """Reciprocal rank fusion: sum of weight / (k + rank) over the rankings a passage appears in."""
    scores: dict[str, float] = {}
    weights = weights or [1.0] * len(rankings)
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, (cid, _) in enumerate(ranking, start=1):
            scores[cid] = scores.get(cid, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])


def _ranks(ranking: list[tuple[str, float]]) -> dict[str, int]:
    return {cid: rank for rank, (cid, _) in enumerate(ranking, start=1)}


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
