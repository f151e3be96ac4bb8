"""Which document does the question name? A per-document score for the reranker.

Questions often name their source: "Según el Manual de reintegración de la OIM (módulo 4.1)…", "In the 2024
evaluation of IOM Accountability to Affected Populations…". Passages of the English IOM evaluations look alike, so
the passage that answers can rank below a neighbour from a sister report. Each document's title and file name
(acronyms spelled out in en/es/fr, "Module4-1" read as 4.1) are matched with the question's words, their stems in
every corpus language and their glossary equivalents; matches are weighted by how few documents share the term
(a question naming "IOM" says little, one naming "module 4.1" says which file), and scaled so the best document
scores 1.

A question may also name its resolution outright, by symbol ("resolution 78/217", "A/RES/79/156") or by year ("the
2024 resolution"): `document_reference` reads it and `referenced_sources` finds the indexed documents it names, to
which retrieval then keeps (assistant.retrieval.retrieve);
a symbol or year no indexed resolution carries is refused by the answerer. A year names a resolution together with
its subject when the question gives one ("the 2023 resolution on violence against women migrant workers"): when the
indexed resolutions of that year are on another subject than an indexed resolution of another year, the one named is
not indexed either — its look-alike of another year says something else.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass

from assistant.retrieval.glossary import expansions, spelled_out
from gfmd.records import Document
from gfmd.text.dates import MONTH_ALTERNATION
from gfmd.text.normalize import stem_all, words
from gfmd.text.numbers import YEAR

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


# A resolution named by its symbol: "resolution 78/217", "A/RES/79/156", "la résolution 80/187", "resolución 78/185",
# "resolutions 78/217 and 80/218".
_SYMBOL = r"(?:A/RES/)?\d{2,3}/\d{1,4}\b"
_SYMBOL_ASKED = re.compile(
    rf"\bA/RES/\d{{2,3}}/\d{{1,4}}\b|\b(?:resolutions?|r[ée]solutions?|resoluci[oó]n(?:es)?)\s+{_SYMBOL}"
    rf"(?:\s*(?:,|and|et|y)\s*{_SYMBOL})*",
    re.IGNORECASE,
)
_SYMBOL_NUMBER = re.compile(r"(\d{2,3})/(\d{1,4})\b")
# A resolution named by its year: "the 2024 resolution", "in its 2025 resolution", "la résolution de 2025",
# "la resolución de 2023", "the resolution of 2024", or by its date of adoption: "the resolution on the protection
# of migrants adopted in December 2022", "la résolution ... adoptée le 19 décembre 2023", "aprobada en 2021".
_ADOPTED = (
    r"(?:adopted|approved|passed|adopt[ée]e?s?|approuv[ée]e?s?|aprobad[ao]s?|adoptad[ao]s?)\s+(?:in|on|en|le|el)\s+"
    rf"(?:\d{{1,2}}\s+(?:de\s+)?)?(?:(?:{MONTH_ALTERNATION})\s+(?:de\s+)?)?"
)
# The Assembly may be named between the year and the word: "the 2025 General Assembly resolution", "la resolución de
# la Asamblea General de 2023", "la résolution de l'Assemblée générale de 2025".
_ASSEMBLY = (
    r"(?:(?:UN|UNGA|United Nations|General Assembly)\s+|"
    r"(?:of\s+the\s+General\s+Assembly|de\s+la\s+Asamblea\s+General|de\s+l['’]Assembl[ée]e\s+g[ée]n[ée]rale)\s+)?"
)
_YEAR_ASKED = re.compile(
    rf"\b({YEAR})\s+{_ASSEMBLY}(?:resolution|r[ée]solution|resoluci[oó]n)\b|"
    rf"\b(?:resolution|r[ée]solution|resoluci[oó]n)\s+{_ASSEMBLY}(?:of|de|du)\s+({YEAR})\b|"
    rf"\b(?:resolution|r[ée]solution|resoluci[oó]n)\b[^.?!]{{0,90}}?\b{_ADOPTED}({YEAR})\b",
    re.IGNORECASE,
)
# The symbol a document carries, in its file name ("UNGA_A-RES-78-217_2023_...") or its title ("78/217. ...").
_SYMBOL_IN_NAME = re.compile(r"RES[-_](\d{2,3})[-_](\d{1,4})(?!\d)", re.IGNORECASE)
_SYMBOL_IN_TITLE = re.compile(r"(?:A/RES/|\b)(\d{2,3})/(\d{1,4})\b")
_RESOLUTION = re.compile(r"\bRES\b|r[ée]solution|resoluci[oó]n", re.IGNORECASE)


@dataclass(frozen=True)
class DocumentReference:
    """The document a question names: resolution symbols ("78/217") and/or the year of a resolution."""

    symbols: tuple[str, ...] = ()
    year: int | None = None


def document_reference(question: str) -> DocumentReference | None:
    """The resolution(s) a question names by symbol, or the year it names one by ("the 2024 resolution"); None when
    it names neither."""
    found = (f"{a}/{b}" for m in _SYMBOL_ASKED.finditer(question) for a, b in _SYMBOL_NUMBER.findall(m.group()))
    symbols = tuple(dict.fromkeys(found))
    year_match = _YEAR_ASKED.search(question)
    year = int(next(g for g in year_match.groups() if g)) if year_match else None
    if not symbols and year is None:
        return None
    return DocumentReference(symbols, year)


def document_symbols(document: Document) -> frozenset[str]:
    """The resolution symbols a document carries in its file name or title ("78/217")."""
    return symbols_of(document.source, document.title)


def symbols_of(source: str, title: str) -> frozenset[str]:
    """The resolution symbols in a file name or title ("UNGA_A-RES-78-217_2023_...", "78/217. Protection ...")."""
    found = {f"{a}/{b}" for a, b in _SYMBOL_IN_NAME.findall(source)}
    if _RESOLUTION.search(f"{source} {title}"):
        found.update(f"{a}/{b}" for a, b in _SYMBOL_IN_TITLE.findall(title))
    return frozenset(found)


def is_resolution(document: Document) -> bool:
    return names_resolution(document.source, document.title)


def names_resolution(source: str, title: str) -> bool:
    """Whether a file name or title is a resolution's (it carries a symbol, or says "resolution")."""
    return bool(symbols_of(source, title)) or bool(_RESOLUTION.search(f"{source} {title}"))


# A resolution of the year asked about is on the question's subject when its title matches the question at least this
# share as well as the best-matching resolution of any year (`document_scores` among resolutions only).
SUBJECT_SHARE = 0.5


def referenced_sources(
    reference: DocumentReference, documents: Mapping[str, Document], question: str = ""
) -> tuple[str, ...]:
    """The keys of `documents` the reference names: those carrying one of its symbols; failing symbols, the
    resolutions of its year — those on the `question`'s subject, when its words match some resolution's title
    better than that year's (`SUBJECT_SHARE`). Empty when no indexed document is the one named."""
    if reference.symbols:
        wanted = set(reference.symbols)
        return tuple(key for key, doc in documents.items() if document_symbols(doc) & wanted)
    of_year = tuple(key for key, doc in documents.items() if doc.year == reference.year and is_resolution(doc))
    if not of_year or not question:
        return of_year
    words = subject_words(question)
    resolutions = {key: doc for key, doc in documents.items() if is_resolution(doc)}
    subject = document_scores(words, resolutions) if words else {}
    if not any(subject.values()):
        return of_year  # the question gives no subject a title has: every resolution of the year may be the one
    return tuple(key for key in of_year if subject[key] >= SUBJECT_SHARE)


# The subject a question gives its resolution: the words after "resolution [of 2023] on / sur / sobre …" up to the
# end of the clause, at most SUBJECT_WORDS of them ("… 2023 resolution on violence against women migrant workers
# request …"). Words after "say about" are what is asked of it, not which one it is.
SUBJECT_WORDS = 6
_SUBJECT = re.compile(
    rf"\b(?:resolution|r[ée]solution|resoluci[oó]n)\s+{_ASSEMBLY}(?:(?:of|de|du)\s+{YEAR}\s+)?"
    r"(?:on|concerning|regarding|sur|concernant|relative\s+(?:à|aux?)|sobre|relativa\s+a)\s+([^,;:?!()]+)",
    re.IGNORECASE,
)


def subject_words(question: str) -> str:
    """The subject the question gives the resolution it names (see `_SUBJECT`), or "" when it gives none."""
    match = _SUBJECT.search(question)
    return " ".join(match.group(1).split()[:SUBJECT_WORDS]) if match else ""
