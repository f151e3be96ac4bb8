"""Extractive answers: the sentences of the retrieved passages that answer the question, each cited.

Nothing is written that is not in a passage. The evidence must clear every gate, or the answer is a refusal
(`assistant.answer.gates` lists them in the order they run): the question's acronyms must be known to the corpus;
its figures and dates must appear in the passage that answers it (numbers that name a document or a part of one,
like "objective 22", in that passage's document, `assistant.answer.grounding`); the passage's document must date
from no earlier than the year the question asks about (unless it asks for a target or a forecast); the best
sentence's e5 similarity must reach `min_support`; the quotes must give what the question asks for, a figure the
question did not already give, a rate, a date, a place (`assistant.answer.asks`); in the question's own language,
the names it asks about must be in the document, and in any language, its countries.

A sentence a page break cut is completed from the start of its document's next passage and cited to both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from assistant.answer import gates
from assistant.answer.asks import after_document
from assistant.answer.candidates import (
    LOOK_BACK,
    Candidate,
    Question,
    SentenceEmbedder,
    Similarity,
    overlaps,
    score_candidates,
    similar,
    widen,
)
from assistant.answer.citations import Footnotes, cite
from assistant.answer.gates import Evidence, Support
from assistant.answer.grounding import documents_of, grounded, near_figures
from assistant.retrieval.terms import looks_like_instruction
from gfmd.records import AnswerSentence, Chunk, Citation, Document, ScoredChunk, heading_of
from gfmd.text.prose import reads_as_form, without_run_in_heading
from gfmd.text.sentences import is_preambular, split_sentences

# The answer is quoted from this many of the best passages: enough for an answer a page break or a list splits,
# few enough that weaker passages do not crowd the quotes.
POOL_SIZE = 3
# When none of those holds the question's figures and references, grounded passages are looked for this many times
# `k` deep (retrieval returns as many, `assistant.retrieval.retrieve.ANSWER_DEPTH`).
GROUNDING_DEPTH = 3
# Sentences scoring this close below the best one are quoted with it; lower ones add more noise than answer.
KEEP_WITHIN = 0.04


@dataclass
class Extraction:
    refused: bool
    reason: str
    sentences: list[AnswerSentence]
    citations: list[Citation]
    best_score: float  # the best sentence's e5 similarity with the question (0 when refused before it was scored)
    threshold: float = 0.0  # the support threshold it was held to (same-language or cross-lingual)


def extract(
    question: str,
    passages: list[ScoredChunk],
    *,
    k: int,
    min_support: float,
    max_sentences: int,
    query_vector: np.ndarray | None = None,
    embed: SentenceEmbedder | None = None,
    question_lang: str = "und",
    min_support_cross: float | None = None,
    known_term: Callable[[str], bool] | None = None,
    rendered_vectors: Mapping[str, np.ndarray] | None = None,
    following: Callable[[Chunk], Chunk | None] | None = None,
    footnotes: Footnotes | None = None,
    indexed: Mapping[str, Document] | None = None,
) -> Extraction:
    """Choose the answer sentences, or refuse (the gates run in `assistant.answer.gates`' order).

    The best sentence's e5 similarity must reach `min_support` (`min_support_cross` when its passage is in another
    language than the question: cross-lingual similarities run lower). At most `max_sentences` are quoted.
    `known_term` tells whether the corpus knows a word (the question's acronyms are checked with it);
    `rendered_vectors` are the question's glossary renderings' e5 vectors by language; `following` gives the
    passage after a passage in its document: a sentence a page break cut is completed from it; `footnotes` gives
    a passage's page's footnote numbers (a quote that opens with one of them is a footnote's: the number is left out);
    `indexed` are the index's documents by file name: a resolution the question names is looked for among them.
    """
    asked = Question.read(question, question_lang)
    # 1. The retrieved passages, less mastheads and distribution lines: they describe their document and answer
    #    nothing (ingest.furniture). Gates 1-2.
    passages = [p for p in passages if p.chunk.kind != "furniture"]
    refusal = gates.no_passage(passages[:k]) or gates.resolution_not_indexed(asked, passages, indexed)
    if refusal is not None:
        return _refusal(refusal)
    # 2. The sentences of the best passages that hold the question's figures and references, scored. Gate 3.
    documents = documents_of(passages)
    candidates = _sentences(_pool(asked, passages, k, documents), following)
    if (refusal := gates.no_usable_sentence(candidates)) is not None:
        return _refusal(refusal)
    score_candidates(candidates, asked, Similarity(query_vector, embed, rendered_vectors or {}))
    candidates.sort(key=lambda c: -c.score)
    # 3. The question's acronyms must be known, its figures near a sentence, that sentence's document no older than
    #    the year asked about, and the best such sentence close enough to the question. Gates 4-7.
    if (refusal := gates.unknown_acronyms(asked, known_term)) is not None:
        return _refusal(refusal)
    found = [
        c for c in candidates if grounded(asked.terms, c.passage.chunk, documents) and near_figures(asked.terms, c)
    ]
    if (refusal := gates.figures_not_found(asked, found)) is not None:
        return _refusal(refusal)
    current = [c for c in found if not after_document(asked.terms.dated, c.passage.chunk.year, question)]
    if (refusal := gates.written_before(asked, found, current)) is not None:
        return _refusal(refusal)
    best = current[0]
    support = Support(min_support, min_support_cross)
    threshold = support.threshold(best.passage.chunk.lang, asked.lang)
    if (refusal := gates.weak_support(asked, best, support)) is not None:
        return _refusal(refusal, best.dense, threshold)
    # 4. The sentences to quote, and what they must give and name. Gates 8-10.
    chosen = _choose(current, candidates, asked, max_sentences)
    if (refusal := gates.first_refusal(Evidence(asked, chosen, documents))) is not None:
        return _refusal(refusal, best.dense, threshold)
    # 5. The answer: the chosen sentences, clean, each passage cited once (`assistant.answer.citations`).
    sentences, citations = cite(chosen, footnotes)
    return Extraction(False, "", sentences, citations, best.dense, threshold)


def _refusal(reason: str, best_score: float = 0.0, threshold: float = 0.0) -> Extraction:
    return Extraction(True, reason, [], [], best_score, threshold)


def _pool(asked: Question, passages: list[ScoredChunk], k: int, documents: Mapping[str, str]) -> list[ScoredChunk]:
    """The passages to quote from: the best few, or when none of them holds the question's figures or references,
    the best few lower down that do (the answer, if any, is a little lower). When the question says what its
    figure measures and none of them has such a figure, the best of the other `k` passages that has one joins
    them: "how many employees" is answered by the passage that counts employees, even ranked fourth."""
    terms = asked.terms
    pool = passages[:k][:POOL_SIZE]
    if not any(grounded(terms, p.chunk, documents) for p in pool):
        lower = [p for p in passages[: GROUNDING_DEPTH * k] if grounded(terms, p.chunk, documents)]
        pool = lower[:POOL_SIZE] or pool
    if asked.measures and not any(asked.answered_by(p.chunk.text) for p in pool):
        pool += [p for p in passages[:k] if p not in pool and asked.answered_by(p.chunk.text)][:1]
    return pool


def _choose(ranked: list[Candidate], candidates: list[Candidate], asked: Question, most: int) -> list[Candidate]:
    """Up to `most` of the `ranked` sentences (best first) scoring close to the best, each widened to a neighbour
    that carries its answer; a sentence that repeats or overlaps a chosen one is left out."""
    best = ranked[0]
    chosen: list[Candidate] = []
    for cand in ranked:
        if len(chosen) >= most or cand.score < best.score - KEEP_WITHIN:
            break
        if any(similar(cand.text, c.text) or overlaps(cand, c) for c in chosen):
            continue
        widened = widen(cand, candidates, asked.wants_number, asked.terms.numbers)
        if any(overlaps(widened, c) for c in chosen):
            widened = cand  # widening would quote a chosen sentence twice
        chosen.append(widened)
    if asked.measures and len(chosen) < most and not any(asked.answered_by(c.text) for c in chosen):
        # The best sentence does not give the figure asked for and its passage has one further on: quoted too
        # ("el GCFF es un esfuerzo…" then "se han aprobado $622 millones…"), whether or not the question's own
        # figures are near it (they are in the passage: it was grounded).
        same = [
            c
            for c in candidates
            if c.passage is best.passage and asked.answered_by(c.text) and not any(overlaps(c, o) for o in chosen)
        ]
        chosen += same[:1]
    return chosen


def _sentences(
    passages: list[ScoredChunk], following: Callable[[Chunk], Chunk | None] | None = None
) -> list[Candidate]:
    """The quotable sentences of `passages`, each with its passage's rank; a last sentence a page break cut is
    completed from the next passage (`following`)."""
    out: list[Candidate] = []
    for rank, passage in enumerate(passages):
        heading = heading_of(passage.chunk.section)
        split = split_sentences(passage.chunk.text)
        run: list[str] = []  # the sentences just before this one: what it may refer back to
        for position, sentence in enumerate(split):
            sentence = without_run_in_heading(_without_heading(sentence, heading))
            if looks_like_instruction(sentence) or reads_as_form(sentence):
                run = []  # never quoted, not even as what a sentence refers to
                continue
            if _answer_like(sentence) and sentence != heading:
                out.append(Candidate(sentence, passage, rank, position, position, before=tuple(run[-LOOK_BACK:])))
            run.append(sentence)
        if split and following is not None and not _answer_like(split[-1]):
            continued = _continued(split[-1], passage, following)
            if continued is not None:
                text, after, head = continued
                last = len(split) - 1
                out.append(Candidate(text, passage, rank, last, last, continued=after, head=head))
    return out


# Words no sentence ends with: a passage whose last sentence stops on one was cut by a page break.
_CUT = re.compile(
    r"(?:,|\b(?:of|the|a|an|to|in|on|for|and|by|with|de|del|la|el|los|las|en|y|con|por|para|du|des|le|les|et|à|"
    r"au|aux|pour|sur|avec))$"
)
_SENTENCE_START = re.compile(r"[\"'“‘«¿¡]?[A-ZÁÉÍÓÚÑÀÂÇÈÊÎÔÛ0-9]")
# Longer "sentences" that run over a page break are tables or lists flattened into text, not sentences.
MAX_CONTINUED = 800


def _continued(
    fragment: str, passage: ScoredChunk, following: Callable[[Chunk], Chunk | None]
) -> tuple[str, ScoredChunk, str] | None:
    """A passage's last sentence, cut by a page break, completed with the start of its document's next passage:
    when the next passage starts mid-sentence (lower case, a figure, a bracket) or the cut fell after a comma or
    a word no sentence ends with."""
    after = following(passage.chunk)
    if after is None or after.doc_id != passage.chunk.doc_id:
        return None
    parts = split_sentences(after.text)
    if not parts:
        return None
    head = parts[0]
    if head[0].isupper() and not _CUT.search(fragment.rstrip()):
        return None  # the next passage starts a sentence (or a heading) of its own
    if not _SENTENCE_START.match(fragment):
        return None  # the passage itself began mid-sentence: a run of table cells or list items, not a sentence
    text = f"{fragment.rstrip()} {head}"
    if len(text) > MAX_CONTINUED or not _answer_like(text) or looks_like_instruction(text) or reads_as_form(text):
        return None
    return text, ScoredChunk(chunk=after, score=passage.score, dense=passage.dense), head


def _without_heading(sentence: str, heading: str | None) -> str:
    """A sentence the splitter ran into its section's heading ("Private sector engagement Private–public
    partnerships can ...") is quoted without the heading; a sentence that only starts with the heading's words
    ("Private sector engagement is ...") is kept whole."""
    if heading and sentence != heading and sentence.startswith(heading):
        rest = sentence[len(heading) :].lstrip()
        if rest[:1].isupper():
            return rest
    return sentence


# A quotable sentence has at least this many characters and words: shorter ones are headings, captions, or
# reference and footnote scraps that answer nothing.
MIN_SENTENCE_CHARS = 25
MIN_SENTENCE_WORDS = 5
# A question mark this close to the end (before a closing quote or bracket) makes the sentence a question.
QUESTION_MARK_TAIL = 3
_WORD = re.compile(r"[^\W\d_]{2,}")  # a word of letters (figures and one-letter words do not count)
_URL = re.compile(r"(?:https?://|www\.)\S+")  # a web address: its parts are not words of the sentence


def _answer_like(sentence: str) -> bool:
    """A sentence that can be quoted as an answer: long enough, not a question, not cut off mid-way."""
    stripped = sentence.rstrip(" \"'”’»)]0123456789")
    if len(sentence) < MIN_SENTENCE_CHARS or "?" in sentence[-QUESTION_MARK_TAIL:] or "¿" in sentence:
        return False
    if len(_WORD.findall(_URL.sub(" ", sentence))) < MIN_SENTENCE_WORDS:
        return False  # a reference or footnote scrap ("19 December 2023 36 See A/78/203.", "Retrieved from <URL>.")
    return stripped.endswith((".", "!", "…", ":", ";")) or is_preambular(sentence)
