"""Candidate answer sentences: the question as the answerer reads it, each sentence's score, and how a chosen
sentence is widened to a neighbour or told apart from another.

A sentence's score is in similarity units: its e5 similarity with the question, plus smaller shares for the
question's words and key terms it holds and for a figure a "how many" question asks for, less how far its passage
ranks behind the best one (the reranker's passage scores are in the same units, `assistant.retrieval.rerank`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.asks import QUANTITY, has_quantity
from assistant.answer.measures import Measure, asked_measures, gives_any
from assistant.retrieval.terms import QueryTerms, analyse, coverage, key_term_hits, passage_stems
from gfmd.records import ScoredChunk
from gfmd.text.normalize import fold
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
    before: tuple[str, ...] = ()  # the sentences before it in its passage, at most `LOOK_BACK`, in order
    in_context: bool = False  # its similarity was read with `before`, which names what it refers back to


# A sentence is read with at most this many sentences before it when it refers back to what they name (a noun's
# antecedent is rarely further back).
LOOK_BACK = 2
# A noun phrase that refers back ("the project", "este fondo", "cette initiative"): its noun was named just before.
_BACK = re.compile(
    r"\b(?:the|this|these|that|those|such|el|la|los|las|del|al|este|esta|estos|estas|ese|esa|esos|esas|dicho|dicha|"
    r"dichos|dichas|le|les|du|au|aux|ce|cet|cette|ces)\s+(\w{4,})"
)


def refers_back(text: str, before: str, lang: str) -> bool:
    """Whether `text` names with a definite or demonstrative article a noun that `before` named."""
    return _refers_to(text, passage_stems(before, lang), lang)


def _refers_to(text: str, named: frozenset[str], lang: str) -> bool:
    return any(named & passage_stems(noun, lang) for noun in _BACK.findall(fold(text)))


def score_candidates(candidates: list[Candidate], question: Question, similarity: Similarity) -> None:
    """Set each candidate's `dense` (e5 similarity) and `score` (see the module's docstring)."""
    terms = question.terms
    dense = _similarities(candidates, similarity, terms)
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


def _similarities(candidates: list[Candidate], similarity: Similarity, terms: QueryTerms) -> np.ndarray:
    """Each candidate's e5 similarity with the question. A sentence in another language than the question is also
    compared with the question's glossary rendering in its language (as retrieval does for passages), and keeps the
    higher of the two. A sentence that refers back to a noun of the sentence before it, when that one holds a word
    of the question it lacks, is also read with it ("Este proyecto piloto (PALIM)…" + "El presupuesto del proyecto
    asciende a…"); when that reading is closer to the question, the sentence gets the mean of the two and is quoted
    with the sentences before it."""
    dense = np.zeros(len(candidates), dtype=np.float32)
    if similarity.embed is None or similarity.query_vector is None:
        return dense
    contexts = [i for i, c in enumerate(candidates) if _needs_context(c, terms)]
    texts = [c.text for c in candidates] + [" ".join([*candidates[i].before, candidates[i].text]) for i in contexts]
    vectors = similarity.embed(texts)
    scores = vectors @ similarity.query_vector
    for i, cand in enumerate(candidates):
        rendered = similarity.rendered_vectors.get(cand.passage.chunk.lang)
        if rendered is not None:
            scores[i] = max(scores[i], float(vectors[i] @ rendered))
    for j, i in enumerate(contexts, start=len(candidates)):
        rendered = similarity.rendered_vectors.get(candidates[i].passage.chunk.lang)
        with_before = max(float(scores[j]), float(vectors[j] @ rendered) if rendered is not None else -1.0)
        if with_before > scores[i]:
            # the mean of the two readings: read with its antecedent a sentence gains the subject it refers to,
            # but much of the pair's similarity is the antecedent's own
            scores[i] = (scores[i] + with_before) / 2
            candidates[i].in_context = True
    return np.asarray(scores[: len(candidates)], dtype=np.float32)


def _needs_context(cand: Candidate, terms: QueryTerms) -> bool:
    if not cand.before:
        return False
    lang = cand.passage.chunk.lang
    before = passage_stems(" ".join(cand.before), lang)
    if not _refers_to(cand.text, before, lang):
        return False
    own = passage_stems(cand.text, lang)
    return any(options & before and not options & own for options in terms.stems)


def widen(best: Candidate, candidates: list[Candidate], wants_number: bool, given: Sequence[str] = ()) -> Candidate:
    """Extend the best sentence with a neighbour that carries the answer it introduces: the next sentence
    when it scores close, or the one with the figure a "how many" question asks for."""
    if best.continued is not None:
        return best  # already runs into the next passage
    best = _with_before(best)
    neighbours = {c.position: c for c in candidates if c.passage is best.passage}
    span = [best]
    for step in (1, -1):
        other = neighbours.get(best.end + 1 if step == 1 else best.position - 1)
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


def _with_before(cand: Candidate) -> Candidate:
    """A sentence read with the ones before it (`in_context`) quoted with them: they name what it refers to."""
    if not cand.in_context or not cand.before:
        return cand
    text = cand.passage.chunk.text
    end = text.find(cand.text)
    start = text.rfind(cand.before[0], 0, end) if end > 0 else -1
    if start < 0:
        return cand
    first = cand.position - len(cand.before)
    return Candidate(
        text[start : end + len(cand.text)], cand.passage, cand.rank, first, cand.end, cand.score, cand.dense
    )


def _holds(text: str, numbers: Sequence[str]) -> bool:
    return set(numbers) <= numbers_in(text)


def overlaps(a: Candidate, b: Candidate) -> bool:
    """Whether two candidates quote a sentence of the same passage twice."""
    return a.passage is b.passage and a.position <= b.end and b.position <= a.end


def similar(a: str, b: str) -> bool:
    """Whether two sentences say the same thing (most of the shorter one's words are in the other)."""
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) > NEAR_DUPLICATE
