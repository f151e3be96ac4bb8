"""Which document does the question name? A per-document score for the reranker.

Questions often name their source: "Según el Manual de reintegración de la OIM (módulo 4.1)…", "In the 2024
evaluation of IOM Accountability to Affected Populations…". Passages of the English IOM evaluations look alike, so
the passage that answers can rank below a neighbour from a sister report. Each document's title and file name
(acronyms spelled out in en/es/fr, "Module4-1" read as 4.1) are matched with the question's words, their stems in
every corpus language and their glossary equivalents; matches are weighted by how few documents share the term
(a question naming "IOM" says little, one naming "module 4.1" says which file), and scaled so the best document
scores 1.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping

from assistant.glossary import expansions, spelled_out
from gfmd.records import Document
from gfmd.textnorm import stem_all, words

_DIGIT_DASH = re.compile(r"(?<=\d)-(?=\d)")
_SEPARATORS = re.compile(r"[_\-]+|(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)")

_cache: dict[tuple[str, str, str], frozenset[str]] = {}
_lock = threading.Lock()


def _forms(text: str) -> set[str]:
    """Every word of a text in all its stemmed forms, and its figures."""
    out: set[str] = set()
    for word in words(text):
        out.update([word] if word[0].isdigit() else stem_all(word))
    return out


def document_terms(document: Document) -> frozenset[str]:
    """The stems and figures of a document's title and file name, with its acronyms spelled out."""
    key = (document.doc_id, document.title, document.source)
    with _lock:
        found = _cache.get(key)
    if found is None:
        name = document.source.rsplit(".", 1)[0]
        # "A-RES-78-217" is resolution 78/217; "Module4-1" is module 4.1.
        plain, dotted, slashed = (_SEPARATORS.sub(" ", _DIGIT_DASH.sub(sep, name)) for sep in ("-", ".", "/"))
        text = " ".join([document.title, plain, dotted, slashed, *spelled_out(f"{document.title} {document.source}")])
        found = frozenset(_forms(text))
        with _lock:
            _cache[key] = found
    return found


def question_terms(question: str) -> list[frozenset[str]]:
    """The question's words (each as its set of stemmed forms) and figures, plus its glossary equivalents."""
    out: list[frozenset[str]] = []
    for word in words(f"{question} {' '.join(expansions(question))}"):
        forms = frozenset([word] if word[0].isdigit() else stem_all(word))
        if forms not in out:
            out.append(forms)
    return out


def document_scores(question: str, documents: Mapping[str, Document]) -> dict[str, float]:
    """Each key of `documents` (`Store.documents()` is keyed by file name) -> how strongly the question names that
    document: 1 for the best named, 0 when none is."""
    if not documents:
        return {}
    terms = {key: document_terms(doc) for key, doc in documents.items()}
    asked = question_terms(question)
    total = len(terms)
    raw: dict[str, float] = {}
    for forms in asked:
        holders = [doc_id for doc_id, found in terms.items() if forms & found]
        if not holders or len(holders) == total:
            continue  # a word every title shares says nothing about which one is meant
        weight = math.log(total / len(holders))
        for doc_id in holders:
            raw[doc_id] = raw.get(doc_id, 0.0) + weight
    best = max(raw.values(), default=0.0)
    return {doc_id: (raw.get(doc_id, 0.0) / best if best else 0.0) for doc_id in documents}
