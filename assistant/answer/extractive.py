"""Extractive answers: the sentences of the retrieved passages that answer the question, each cited.

Nothing is written that is not in a passage. The evidence must clear every gate, or the answer is a refusal:
the question's acronyms must be known to the corpus; its figures and dates must appear in the passage that
answers it (numbers that name a document or a part of one, like "objective 22", in that passage's document);
the passage's document must date from no earlier than the year the question asks about (unless it asks for a
target or a forecast); the best sentence's e5 similarity must reach `min_support`; the quotes must give what the
question asks for, a figure the question did not already give, a rate, a date, a place (`assistant.answer.asks`); in the
question's own language, the names it asks about must be in the document, and in any language, its countries.

A sentence a page break cut is completed from the start of its document's next passage and cited to both.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from assistant.answer.asks import QUANTITY, after_document, has_quantity, missing
from assistant.answer.names import ACRONYM_EQUIVALENTS
from assistant.retrieval.docmatch import document_reference, symbols_of
from assistant.retrieval.glossary import spelled_out
from assistant.retrieval.terms import (
    QueryTerms,
    analyse,
    coverage,
    key_term_hits,
    looks_like_instruction,
    numbers_in,
    passage_stems,
)
from gfmd.records import AnswerSentence, Chunk, Citation, ScoredChunk, heading_of
from gfmd.text.countries import absent_countries
from gfmd.text.normalize import fold
from gfmd.text.sentences import is_preambular, split_sentences

SentenceEmbedder = Callable[[Sequence[str]], np.ndarray]


@dataclass
class Extraction:
    refused: bool
    reason: str
    sentences: list[AnswerSentence]
    citations: list[Citation]
    best_score: float


@dataclass
class _Candidate:
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
) -> Extraction:
    """Choose the answer sentences, or refuse.

    1. Take the sentences of the best passages and score each: e5 similarity to the question, lexical
       coverage of its content words, its key terms, and the rank of its passage.
    2. Gate: the best sentence's e5 similarity must reach `min_support` (`min_support_cross` when the
       passage is in another language than the question: cross-lingual similarities run lower).
    3. Keep up to `max_sentences` grounded sentences close to the best one, in document order.

    `following` gives the passage after a passage in its document: a sentence a page break cut is completed from it.
    """
    terms = analyse(question)
    # A masthead or distribution line describes its document; it answers nothing (ingest.furniture).
    passages = [p for p in passages if p.chunk.kind != "furniture"]
    top = passages[:k]
    if not top:
        return Extraction(True, "no passage retrieved", [], [], 0.0)
    # A question naming a resolution by symbol is answered from that resolution or not at all: a look-alike of
    # another year says something else (retrieval keeps to the named document when it is indexed).
    reference = document_reference(question)
    named = set(reference.symbols) if reference is not None else set()
    if named and not any(symbols_of(p.chunk.source, p.chunk.title) & named for p in passages):
        return Extraction(True, f"no indexed document is resolution {', '.join(sorted(named))}", [], [], 0.0)
    documents = _documents(passages)
    pool = top[:3]
    if not any(_grounded(terms, p.chunk, documents) for p in pool):
        # The best passages lack the question's figures or references: the answer, if any, is a little lower.
        pool = [p for p in passages[: 3 * k] if _grounded(terms, p.chunk, documents)][:3] or pool
    candidates = _sentences(pool, following)
    if not candidates:
        return Extraction(True, "no usable sentence in the retrieved passages", [], [], 0.0)
    _score(question, terms, candidates, query_vector, embed, rendered_vectors or {})
    candidates.sort(key=lambda c: -c.score)

    unknown = [t for t in terms.acronyms if known_term is not None and not _known(t, known_term)]
    if unknown:
        return Extraction(True, f"no document mentions {', '.join(unknown)}", [], [], 0.0)
    grounded = [c for c in candidates if _grounded(terms, c.passage.chunk, documents) and _near_figures(terms, c)]
    if not grounded:
        return Extraction(True, f"no passage mentions {', '.join(terms.numbers + terms.references)}", [], [], 0.0)
    # A document cannot report what happened after it was written: "raised by the end of 2023" is not answered by
    # a 2020 paper's target for 2023.
    current = [c for c in grounded if not after_document(terms.dated, c.passage.chunk.year, question)]
    if not current:
        years = sorted({str(c.passage.chunk.year) for c in grounded})
        reason = f"the passages that mention {', '.join(terms.dated)} were written before it ({', '.join(years)})"
        return Extraction(True, reason, [], [], 0.0)
    grounded = current
    best = grounded[0]
    threshold = min_support
    if min_support_cross is not None and best.passage.chunk.lang != question_lang:
        threshold = min_support_cross
    if best.dense < threshold:
        reason = f"best sentence similarity {best.dense:.3f} below {threshold:.3f}"
        return Extraction(True, reason, [], [], best.dense)

    wants_number = bool(QUANTITY.search(question))
    chosen: list[_Candidate] = []
    for cand in grounded:
        if len(chosen) >= max_sentences or cand.score < best.score - 0.04:
            break
        if any(_similar(cand.text, c.text) or _overlaps(cand, c) for c in chosen):
            continue
        widened = _widen(cand, candidates, wants_number, terms.numbers)
        if any(_overlaps(widened, c) for c in chosen):
            widened = cand  # widening would quote a chosen sentence twice
        chosen.append(widened)

    # The evidence must give what the question asks for: a figure (news: a year or number the question itself
    # states, "how many ... in 2023?", does not answer it), a rate, the date of an event, a place.
    kind = missing(question, [c.text for c in chosen], terms.numbers)
    if kind is not None:
        return Extraction(True, f"the question asks for a {kind} and the evidence gives none", [], [], best.dense)
    # A name the question asks about must be in the document that answers it, as far as the retrieved passages
    # show it: questions name the document too ("the Los Angeles Declaration fact sheet", "the Reintegration
    # Handbook"), which its every passage need not repeat. Checked only when question and passage share a
    # language: across languages names change ("Philippines"/"Filipinas", "Sub-Saharan"/"Subsahariana", "Corne de
    # l'Afrique"/"Horn of Africa"); a translation-tolerant check there refused answerable golden questions.
    best_chunk = chosen[0].passage.chunk
    if best_chunk.lang == question_lang:
        context = fold(documents[best_chunk.doc_id])
        absent = [n for n in terms.names if not re.search(rf"\b{re.escape(n)}", context)]
        if absent:
            return Extraction(True, f"the passage does not mention {', '.join(absent)}", [], [], best.dense)
    # A country the question names, in whatever language, must be named by a document the answer quotes (as far as
    # its retrieved passages show it): a question on Qatar's minimum wage is not answered by a resolution on
    # domestic workers that never names Qatar. Country names are known in every supported language
    # (gfmd.text.countries), so this one holds across languages.
    absent = absent_countries(question, {documents[c.passage.chunk.doc_id] for c in chosen})
    if absent:
        return Extraction(True, f"no quoted document mentions {', '.join(absent)}", [], [], best.dense)

    # Keep the document order of sentences from the same passage, so the answer reads naturally.
    chosen.sort(key=lambda c: (c.rank, c.passage.chunk.text.find(c.text)))
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    for cand in chosen:
        n = len(citations) + 1
        if cand.continued is None:
            citations.append(citation_for(n, cand.passage, cand.text))
        else:  # each part quoted from its own passage
            citations.append(citation_for(n, cand.passage, cand.text[: -len(cand.head)].rstrip()))
            citations.append(citation_for(n + 1, cand.continued, cand.head))
        cited = list(range(n, len(citations) + 1))
        sentences.append(
            AnswerSentence(text=cand.text, citations=cited, supported=True, support_score=round(cand.dense, 4))
        )
    return Extraction(False, "", sentences, citations, best.dense)


def citation_for(n: int, passage: ScoredChunk, quote: str) -> Citation:
    """The citation [n] of `quote`, a verbatim span of `passage`."""
    chunk = passage.chunk
    return Citation(
        n=n,
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        title=chunk.title,
        source=chunk.source,
        page=chunk.page,
        section=chunk.section,
        lang=chunk.lang,
        quote=quote,
        text=chunk.text,
        score=round(passage.score, 4),
    )


def _sentences(
    passages: list[ScoredChunk], following: Callable[[Chunk], Chunk | None] | None = None
) -> list[_Candidate]:
    out: list[_Candidate] = []
    for rank, passage in enumerate(passages):
        heading = heading_of(passage.chunk.section)
        split = split_sentences(passage.chunk.text)
        for position, sentence in enumerate(split):
            sentence = _without_heading(sentence, heading)
            if _answer_like(sentence) and sentence != heading and not looks_like_instruction(sentence):
                out.append(_Candidate(sentence, passage, rank, position, position))
        if split and following is not None and not _answer_like(split[-1]):
            continued = _continued(split[-1], passage, following)
            if continued is not None:
                text, after, head = continued
                last = len(split) - 1
                out.append(_Candidate(text, passage, rank, last, last, continued=after, head=head))
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
    if len(text) > MAX_CONTINUED or not _answer_like(text) or looks_like_instruction(text):
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


def _answer_like(sentence: str) -> bool:
    """A sentence that can be quoted as an answer: long enough, not a question, not cut off mid-way."""
    stripped = sentence.rstrip(" \"'”’»)]0123456789")
    if len(sentence) < 25 or "?" in sentence[-3:] or "¿" in sentence:
        return False
    if len(_WORD.findall(sentence)) < 5:
        return False  # a reference or footnote scrap ("19 December 2023 36 See A/78/203.")
    return stripped.endswith((".", "!", "…", ":", ";")) or is_preambular(sentence)


def _score(
    question: str,
    terms: QueryTerms,
    candidates: list[_Candidate],
    query_vector: np.ndarray | None,
    embed: SentenceEmbedder | None,
    rendered_vectors: Mapping[str, np.ndarray],
) -> None:
    dense = np.zeros(len(candidates), dtype=np.float32)
    if embed is not None and query_vector is not None:
        vectors = embed([c.text for c in candidates])
        dense = vectors @ query_vector
        # A sentence in another language than the question is also compared with the question's glossary
        # rendering in its language (as retrieval does for passages): cross-lingual similarities run lower.
        for i, cand in enumerate(candidates):
            rendered = rendered_vectors.get(cand.passage.chunk.lang)
            if rendered is not None:
                dense[i] = max(dense[i], float(vectors[i] @ rendered))
    wants_number = bool(QUANTITY.search(question))
    top_score = candidates[0].passage.score if candidates else 0.0
    for i, cand in enumerate(candidates):
        cov = coverage(terms, passage_stems(cand.text, cand.passage.chunk.lang))
        chunk = cand.passage.chunk
        found, total = key_term_hits(terms, f"{chunk.title} {chunk.section or ''} {chunk.text}")
        cand.dense = float(dense[i])
        score = cand.dense + 0.15 * cov + (0.12 * found / total if total else 0.0)
        score += 0.5 * (cand.passage.score - top_score)  # sentences of weaker passages start behind
        if wants_number and has_quantity(cand.text, terms.numbers):
            score += 0.05
        cand.score = score


def _grounded(terms: QueryTerms, chunk: Chunk, documents: dict[str, str]) -> bool:
    """The question's figures and dates must appear in the passage (or its title); the numbers that name a
    document or a part of one ("objective 22", "the 2022 declaration") in the passage's document."""
    if terms.numbers:
        context = f"{chunk.title} {chunk.section or ''} {chunk.text}"
        found, total = key_term_hits(QueryTerms((), terms.numbers, (), ()), context)
        if found < total:
            return False
    if terms.references:
        document = documents[chunk.doc_id]
        # A reference given with its kind ("objective 22") needs that kind and number; a bare one, the number.
        parts = dict(terms.parts)
        bare = tuple(r for r in terms.references if r not in parts)
        found, total = key_term_hits(QueryTerms((), bare, (), ()), document)
        if found < total:
            return False
        if parts and not all(re.search(pattern, _folded(document)) for pattern in parts.values()):
            return False
    return True


@lru_cache(maxsize=64)
def _folded(text: str) -> str:
    """`fold` of a document's context, once per question: every candidate sentence of a passage asks again."""
    return fold(text)


def _near_figures(terms: QueryTerms, cand: _Candidate) -> bool:
    """The question's figures and dates must be in the sentence or a neighbour: a passage that mentions 2023 in
    its last line does not date a figure its first line gives for 2020."""
    if not terms.numbers:
        return True
    chunk = cand.passage.chunk
    sentences = split_sentences(chunk.text)
    window = " ".join([*sentences[max(0, cand.position - 1) : cand.end + 2], cand.head])
    # A year that dates the fact ("in 2020") must be in the text: the title's year dates the document.
    dated = tuple(n for n in terms.numbers if n in terms.dated)
    others = tuple(n for n in terms.numbers if n not in terms.dated)
    in_text, _ = key_term_hits(QueryTerms((), dated, (), ()), window)
    in_context, _ = key_term_hits(QueryTerms((), others, (), ()), f"{chunk.title} {chunk.section or ''} {window}")
    return in_text + in_context == len(terms.numbers)


def _documents(passages: Sequence[ScoredChunk]) -> dict[str, str]:
    """What the retrieved passages show of each document: its title, file name, year, and their sections and texts."""
    parts: dict[str, list[str]] = {}
    for passage in passages:
        chunk = passage.chunk
        if chunk.doc_id not in parts:
            # File names carry references too: "..._A-RES-78-217_..." (78, 217), "...Module4-1..." (4, 4.1), and
            # names written in camel case ("HornOfAfrica").
            source = re.sub(r"(?<=[A-Za-z])(?=\d)|(?<=[a-z])(?=[A-Z])", " ", chunk.source)
            dotted = re.sub(r"[_\-]+", " ", re.sub(r"(?<=\d)-(?=\d)", ".", source))
            parts[chunk.doc_id] = [chunk.title, re.sub(r"[_\-]+", " ", source), dotted, str(chunk.year or "")]
            parts[chunk.doc_id] += spelled_out(f"{chunk.source} {chunk.title}")  # "GCM_..." names the Compact
        parts[chunk.doc_id] += [chunk.section or "", chunk.text]
    return {doc_id: " ".join(texts) for doc_id, texts in parts.items()}


_WORD = re.compile(r"[^\W\d_]{2,}")


def _holds(text: str, numbers: Sequence[str]) -> bool:
    return set(numbers) <= numbers_in(text)


def _widen(best: _Candidate, candidates: list[_Candidate], wants_number: bool, given: Sequence[str] = ()) -> _Candidate:
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
        if needs_figure or dates_it or other.score >= best.score - 0.03:
            span.append(other)
            break
    if len(span) == 1:
        return best
    span.sort(key=lambda c: c.position)
    text = best.passage.chunk.text
    start = text.find(span[0].text)
    end = text.find(span[-1].text, start) + len(span[-1].text)
    widened = text[start:end] if start >= 0 and end > start else best.text
    return _Candidate(widened, best.passage, best.rank, span[0].position, span[-1].position, best.score, best.dense)


def _overlaps(a: _Candidate, b: _Candidate) -> bool:
    return a.passage is b.passage and a.position <= b.end and b.position <= a.end


def _known(acronym: str, known_term: Callable[[str], bool]) -> bool:
    options = next((group for group in ACRONYM_EQUIVALENTS if acronym in group), {acronym})
    return any(known_term(option) for option in options)


def _similar(a: str, b: str) -> bool:
    wa, wb = set(a.lower().split()), set(b.lower().split())
    return len(wa & wb) / max(1, min(len(wa), len(wb))) > 0.8
