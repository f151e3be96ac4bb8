"""Candidate answer sentences: the question as the answerer reads it, each sentence's score, and how a chosen
sentence is widened to a neighbour or told apart from another.

A sentence's score is in similarity units: its e5 similarity with the question, plus smaller shares for the
question's words and key terms it holds and for a figure a "how many" question asks for, less how far its passage
ranks behind the best one (the reranker's passage scores are in the same units, `assistant.retrieval.rerank`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.asks import QUANTITY, has_quantity
from assistant.answer.measures import Measure, asked_measures, gives_any
from assistant.retrieval.terms import QueryTerms, analyse, coverage, key_term_hits, passage_stems
from gfmd.records import ScoredChunk
from gfmd.text.numbers import numbers_in

SentenceEmbedder = Callable[[Sequence[str]], np.ndarray]

# Added to a sentence's e5 similarity with the question: a sentence that shares the question's words and names is
# likelier to answer it than one that is only close in meaning; either share alone counts far less than meaning.
COVERAGE_WEIGHT = 0.15  # the share of the question's content words the sentence holds
KEY_TERM_WEIGHT = 0.12  # the share of the question's figures, references, acronyms and names its passage holds
# A sentence of a weaker passage starts behind the best passage's sentences by this share of the gap in passage
# score: the reranker has already weighed evidence the sentence alone does not show.
PASSAGE_GAP_WEIGHT = 0.5
# A "how many" question is answered by a sentence with a figure (that counts what it asks about, when it says): a
# small lead over one without.
QUANTITY_BONUS = 0.05
# A neighbour scoring this close below the best sentence goes on with what it says and is quoted with it.
WIDEN_WITHIN = 0.03
# Two sentences that share more than this part of the shorter one's words say the same thing: one is quoted.
NEAR_DUPLICATE = 0.8


@dataclass(frozen=True)
class Question:
    """The question as the answerer reads it."""

    text: str
    terms: QueryTerms
    lang: str  # the question's language: some gates hold only within one language
    wants_number: bool  # "how many", "how much": a figure answers it (`assistant.answer.asks.QUANTITY`)
    # What that figure measures, when the question says: money, or a count of something (`assistant.answer.measures`)
    measures: tuple[Measure, ...] = ()

    @classmethod
    def read(cls, text: str, lang: str) -> Question:
        return cls(
            text=text,
            terms=analyse(text),
            lang=lang,
            wants_number=bool(QUANTITY.search(text)),
            measures=asked_measures(text),
        )

    def answered_by(self, text: str) -> bool:
        """Whether `text` has the figure the question asks for: one that measures what it asks about when it says
        (`measures`), any quantity otherwise."""
        if self.measures:
            return gives_any(self.measures, [text], self.terms.numbers)
        return has_quantity(text, self.terms.numbers)


@dataclass(frozen=True)
class Similarity:
    """What candidate sentences are compared with: the question's e5 vector, its glossary renderings' vectors by
    language (cross-lingual similarities run lower), and the sentence embedder. Without an embedder or a vector,
    every similarity is 0."""

    query_vector: np.ndarray | None
    embed: SentenceEmbedder | None
    rendered_vectors: Mapping[str, np.ndarray]


@dataclass
class Candidate:
    text: str
    passage: ScoredChunk
    rank: int
    position: int = 0  # index of the (first) sentence in its passage
    end: int = 0  # index of the last sentence, for widened spans
    score: float = 0.0
    dense: float = 0.0
    # A sentence a page break cut: it goes on at the start of the document's next passage, cited as well.
    continued: ScoredChunk | None = None
    head: str = ""  # the sentence's words in that next passage


def score_candidates(candidates: list[Candidate], question: Question, similarity: Similarity) -> None:
    """Set each candidate's `dense` (e5 similarity) and `score` (see the module's docstring)."""
    dense = _similarities(candidates, similarity)
    terms = question.terms
    top_score = candidates[0].passage.score if candidates else 0.0
    for i, cand in enumerate(candidates):
        cov = coverage(terms, passage_stems(cand.text, cand.passage.chunk.lang))
        chunk = cand.passage.chunk
        found, total = key_term_hits(terms, f"{chunk.title} {chunk.section or ''} {chunk.text}")
        cand.dense = float(dense[i])
        score = cand.dense + COVERAGE_WEIGHT * cov + (KEY_TERM_WEIGHT * found / total if total else 0.0)
        score += PASSAGE_GAP_WEIGHT * (cand.passage.score - top_score)
        if question.wants_number and question.answered_by(cand.text):
            score += QUANTITY_BONUS
        cand.score = score


def _similarities(candidates: list[Candidate], similarity: Similarity) -> np.ndarray:
    """Each candidate's e5 similarity with the question. A sentence in another language than the question is also
    compared with the question's glossary rendering in its language (as retrieval does for passages), and keeps the
    higher of the two."""
    dense = np.zeros(len(candidates), dtype=np.float32)
    if similarity.embed is None or similarity.query_vector is None:
        return dense
    vectors = similarity.embed([c.text for c in candidates])
    dense = vectors @ similarity.query_vector
    for i, cand in enumerate(candidates):
        rendered = similarity.rendered_vectors.get(cand.passage.chunk.lang)
        if rendered is not None:
            dense[i] = max(dense[i], float(vectors[i] @ rendered))
    return dense


def widen(best: Candidate, candidates: list[Candidate], wants_number: bool, given: Sequence[str] = ()) -> Candidate:
    """Extend the best sentence with a neighbour that carries the answer it introduces: the next sentence
    when it scores close, or the one with the figure a "how many" question asks for."""
    if best.continued is not None:
        return best  # already runs into the next passage
    neighbours = {c.position: c for c in candidates if c.passage is best.passage}
    span = [best]
    for step in (1, -1):
        other = neighbours.get(best.position + step)
        if other is None:
            continue
        needs_figure = wants_number and not has_quantity(best.text, given) and has_quantity(other.text, given)
        dates_it = bool(given) and not _holds(best.text, given) and _holds(other.text, given)
        if needs_figure or dates_it or other.score >= best.score - WIDEN_WITHIN:
            span.append(other)
            break
    if len(span) == 1:
        return best
    span.sort(key=lambda c: c.position)
    text = best.passage.chunk.text
    start = text.find(span[0].text)
    end = text.find(span[-1].text, start) + len(span[-1].text)
    widened = text[start:end] if start >= 0 and end > start else best.text
    return Candidate(widened, best.passage, best.rank, span[0].position, span[-1].position, best.score, best.dense)


def _holds(text: str, numbers: Sequence[str]) -> bool:
    return set(numbers) <= numbers_in(text)


def overlaps(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates quote a sentence of the same passage twice."""
    return a.passage is b.passage and a.position <= b.end and b.position <= a.end


def similar(a: str, b: str) -> bool:
    """Whether two sentences say the same thing (most of the shorter one's words are in the other)."""
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) > NEAR_DUPLICATE
