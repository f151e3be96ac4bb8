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
from gfmd.lexical import LexicalIndex
from gfmd.records import Document, Filters, ScoredChunk
from gfmd.settings import Settings
from gfmd.text.languages import LANGUAGES, detect_language
from gfmd.text.prose import mostly_form


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

# Weights of the candidate lists in reciprocal rank fusion, which orders the pool (the "fused" stage, and the order
# in which the reranker breaks ties):
DENSE_WEIGHT = 1.0  # the e5 search of the question itself, in every language: the main evidence of meaning
LEXICAL_WEIGHT = 1.0  # the BM25 search: the exact words, figures and names an embedding blurs, weighed as much
# Each other language's e5 search of the question's rendering: a word-by-word rendering is a rougher question than
# the question itself, and there is one list per language, so each counts for less than the two searches above.
RENDERED_WEIGHT = 0.5
# Each other language's search takes this share of the candidates of the unfiltered one: it adds the passages of its
# language that the unfiltered search ranks too low, not a second pool as large.
RENDERED_SHARE = 2
# Passages returned to the answerer: this many times the answer's `k`, since it looks that deep for a passage that
# holds the question's figures (assistant.answer.extractive.GROUNDING_DEPTH).
ANSWER_DEPTH = 3


@dataclass(frozen=True)
class _Query:
    """The question as retrieval searches it."""

    text: str
    lang: str  # detected, English when unsure
    filters: Filters  # the caller's, narrowed to the documents the question names
    langs: list[str]  # the corpus languages searched (the filter's one, if any)
    renderings: dict[str, str]  # word-by-word glossary renderings of the question, by other corpus language
    vector: np.ndarray  # the question's e5 vector
    lang_vectors: dict[str, np.ndarray]  # the embedded renderings' e5 vectors, by language


class Retriever:
    def __init__(self, index: Index, settings: Settings) -> None:
        self.index = index
        self.settings = settings

    def retrieve(self, query: str, k: int | None = None, filters: Filters | None = None) -> Retrieval:
        """The passages for `query`, best first (`ANSWER_DEPTH` times `k`), with each stage's candidates."""
        settings = self.settings
        k = k or settings.top_k
        timings: dict[str, float] = {}
        t0 = time.perf_counter()
        # 1. Read the question: the documents it names, its language, its renderings into the other corpus
        #    languages; embed it and them.
        q = self._read(query, filters or Filters())
        timings["embed"] = _ms(t0)
        # 2. Dense searches: the question over the whole corpus, and its rendering in each other language.
        t1 = time.perf_counter()
        lexical_index = self.index.lexical()
        mask = lexical_index.mask(q.filters.sources, q.filters.lang, q.filters.year)
        dense = self._nearest(lexical_index, q.vector, settings.candidates, q.filters, mask)
        rendered = self._per_language(lexical_index, q)
        timings["dense"] = _ms(t1)
        # 3. The BM25 search, with the question's glossary expansions in the other languages.
        t2 = time.perf_counter()
        lexical_query = " ".join([query, *expansions(query)]) if settings.cross_lingual else query
        lexical = lexical_index.search(lexical_query, settings.candidates, mask)
        timings["lexical"] = _ms(t2)
        # 4. The pool: every list's candidates, ordered by reciprocal rank fusion.
        per_lang = list(rendered.values())
        fused = rrf([dense, *per_lang, lexical], settings.rrf_k, weights=fusion_weights(len(per_lang)))
        pool = [cid for cid, _ in fused]
        # 5. Read the pool's passages, gather the reranker's signals for each, and rerank.
        t3 = time.perf_counter()
        candidates, signals = self._candidates(q, lexical_index, fused, dense, lexical, rendered)
        ranked = rerank(query, candidates, signals)
        timings["rerank"] = _ms(t3)
        timings["retrieve"] = _ms(t0)
        return Retrieval(
            query=query,
            vector=q.vector,
            passages=ranked[: max(k, settings.top_k) * ANSWER_DEPTH],
            stages={
                "dense": [c for c, _ in dense],
                "lexical": [c for c, _ in lexical],
                "fused": pool[: settings.candidates],
                "reranked": [p.chunk.chunk_id for p in ranked],
            },
            timings_ms=timings,
            pool=candidates,
            signals=signals,
            rendered_vectors=q.lang_vectors,
        )

    def _read(self, query: str, filters: Filters) -> _Query:
        """The question's scope, language and renderings (cross-lingual: a word-by-word glossary rendering in each
        other corpus language that changes it), with the e5 vectors of the question and of the renderings that
        are embedded."""
        store = self.index.store
        filters = _named_documents(query, filters, store.documents())
        question_lang = detect_language(query, default="en")
        langs = [filters.lang] if filters.lang else sorted({d.lang for d in store.documents().values()} & LANGS)
        renderings = {}
        if self.settings.cross_lingual:
            renderings = {lang: translate_words(query, lang) for lang in langs if lang != question_lang}
            renderings = {lang: text for lang, text in renderings.items() if text != query.lower()}
        embedded = renderings if self.settings.embed_renderings else {}
        vectors = self.index.embeddings.embed_queries([query, *embedded.values()])
        lang_vectors = {lang: vectors[i] for i, lang in enumerate(embedded, start=1)}
        return _Query(query, question_lang, filters, langs, renderings, vectors[0], lang_vectors)

    def _nearest(
        self, lexical_index: LexicalIndex, vector: np.ndarray, n: int, filters: Filters, mask: np.ndarray | None
    ) -> list[tuple[str, float]]:
        """The `n` passages nearest `vector` within `mask` (`filters`). Dense search is exact over the snapshot's
        vectors (gfmd.lexical says why); Chroma's HNSW index serves it only when the snapshot holds no vectors."""
        if lexical_index.vectors is not None:
            return lexical_index.nearest(vector, n, mask)
        return self.index.store.dense_search(vector, n, filters)

    def _per_language(self, lexical_index: LexicalIndex, q: _Query) -> dict[str, list[tuple[str, float]]]:
        """Language-balanced pools: a question in one language must still see passages in the others, which a
        single dense search ranks below weaker same-language passages. Each other corpus language is searched
        with the question rendered into it (or, without a rendering, the question itself), filtered to it."""
        n = self.settings.candidates // RENDERED_SHARE
        rendered: dict[str, list[tuple[str, float]]] = {}
        for lang in q.langs:
            if lang == q.lang or (lang not in q.renderings and len(q.langs) < 2):
                continue  # the unfiltered search already covers it
            vector = q.lang_vectors.get(lang, q.vector)
            if lexical_index.vectors is not None:
                mask = lexical_index.mask(q.filters.sources, lang, q.filters.year)
                rendered[lang] = lexical_index.nearest(vector, n, mask)
            else:
                rendered[lang] = self.index.store.dense_search(vector, n, q.filters, lang=lang)
        return rendered

    def _candidates(
        self,
        q: _Query,
        lexical_index: LexicalIndex,
        fused: list[tuple[str, float]],
        dense: list[tuple[str, float]],
        lexical: list[tuple[str, float]],
        rendered: Mapping[str, list[tuple[str, float]]],
    ) -> tuple[list[ScoredChunk], dict[str, Signals]]:
        """The pool's passages in fused order (less contents pages and form boxes, `gfmd.text.prose`), scored by
        fusion, and the reranker's signals for each: its e5 similarity (with the question, or its rendering in the
        passage's language when higher), its rank in each list, and how strongly the question names its document."""
        chunks, chunk_vectors = lexical_index.chunks([cid for cid, _ in fused], self.index.store.get_chunks)
        fused_score = dict(fused)
        lexical_score = dict(lexical)
        dense_scores: np.ndarray = (
            (chunk_vectors @ q.vector)
            if chunk_vectors is not None and len(chunks)
            else np.zeros(len(chunks), dtype=np.float32)
        )
        dense_rank = _ranks(dense)
        lexical_rank = _ranks(lexical)
        rendered_rank = {lang: _ranks(ranking) for lang, ranking in rendered.items()}
        named = document_scores(q.text, self.index.store.documents())
        candidates: list[ScoredChunk] = []
        signals: dict[str, Signals] = {}
        for i, chunk in enumerate(chunks):
            if mostly_form(chunk.text):
                continue  # a contents page or a form box: nothing in it is ever quoted, so it takes no answer slot
            similarity = float(dense_scores[i])
            if chunk.lang in q.lang_vectors and chunk_vectors is not None:
                similarity = max(similarity, float(chunk_vectors[i] @ q.lang_vectors[chunk.lang]))
            cid = chunk.chunk_id
            signals[cid] = Signals(
                native=similarity,
                dense_rank=dense_rank.get(cid),
                lexical_rank=lexical_rank.get(cid),
                rendered_rank=rendered_rank.get(chunk.lang, {}).get(cid),
                doc_match=named.get(chunk.source, 0.0),  # documents() is keyed by file name
            )
            scored = ScoredChunk(
                chunk=chunk,
                score=fused_score.get(cid, 0.0),
                dense=float(dense_scores[i]),
                lexical=lexical_score.get(cid, 0.0),
            )
            candidates.append(scored)
        return candidates, signals


def fusion_weights(languages: int) -> list[float]:
    """The fusion weights of the lists `[dense, *one per other language, lexical]`."""
    return [DENSE_WEIGHT] + [RENDERED_WEIGHT] * languages + [LEXICAL_WEIGHT]


def _named_documents(query: str, filters: Filters, documents: Mapping[str, Document]) -> Filters:
    """A question that names its resolution ("resolution 78/217", "the 2024 resolution") is answered from that
    document: retrieval keeps to the indexed documents it names. A symbol no document carries changes nothing here;
    the answerer refuses it (assistant.answer.extractive)."""
    reference = document_reference(query)
    if reference is None or filters.sources:
        return filters
    sources = referenced_sources(reference, documents, query)
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
