"""Is the question's evidence in a passage: its figures and dates in the passage (near the sentence that answers),
the numbers that name a document or a part of one ("objective 22") in that passage's document.

A document is what the retrieved passages show of it (`documents_of`): its title, file name and year, and the
sections and texts of its retrieved passages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache

from assistant.answer.candidates import Candidate
from assistant.retrieval.glossary import spelled_out
from assistant.retrieval.terms import QueryTerms, key_term_hits
from gfmd.records import Chunk, ScoredChunk
from gfmd.text.normalize import fold
from gfmd.text.sentences import split_sentences

# Folded documents kept: more than the documents one question's passages show, so each is folded once a question.
FOLDED_DOCUMENTS = 64


def documents_of(passages: Sequence[ScoredChunk]) -> dict[str, str]:
    """What the retrieved passages show of each document, by id: its title, file name, year, and their sections and
    texts."""
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


def grounded(terms: QueryTerms, chunk: Chunk, documents: Mapping[str, str]) -> bool:
    """The question's figures and dates must appear in the passage (or its title); the numbers that name a
    document or a part of one ("objective 22", "the 2022 declaration") in the passage's document."""
    if terms.numbers:
        context = f"{chunk.title} {chunk.section or ''} {chunk.text}"
        found, total = key_term_hits(_numbers(terms.numbers), context)
        if found < total:
            return False
    if terms.references:
        document = documents[chunk.doc_id]
        # A reference given with its kind ("objective 22") needs that kind and number; a bare one, the number.
        parts = dict(terms.parts)
        bare = tuple(r for r in terms.references if r not in parts)
        found, total = key_term_hits(_numbers(bare), document)
        if found < total:
            return False
        if parts and not all(re.search(pattern, _folded(document)) for pattern in parts.values()):
            return False
    return True


def near_figures(terms: QueryTerms, cand: Candidate) -> bool:
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
    in_text, _ = key_term_hits(_numbers(dated), window)
    in_context, _ = key_term_hits(_numbers(others), f"{chunk.title} {chunk.section or ''} {window}")
    return in_text + in_context == len(terms.numbers)


@lru_cache(maxsize=FOLDED_DOCUMENTS)
def _folded(text: str) -> str:
    """`fold` of a document's context, once per question: every candidate sentence of a passage asks again."""
    return fold(text)


def _numbers(numbers: tuple[str, ...]) -> QueryTerms:
    """Query terms of figures alone, to count which of them a text holds."""
    return QueryTerms(numbers=numbers)
