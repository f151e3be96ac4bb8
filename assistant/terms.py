"""What a question asks for, in terms a passage can be checked against: content stems and key terms.

Key terms are the figures, years, acronyms and proper names of a question: a passage that lacks one of
them cannot be the answer ("remittances in 2015" is not answered by a passage about 2019).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from gfmd.textnorm import _stemmer, fold, normalize_number, tokens, words

_NUMBER = re.compile(r"(?<![\w.\-])\d+(?:[.,]\d+)*(?![\w\-]*[A-Za-z])")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,9}\b(?:-[A-Za-z0-9]+)?")
_NAME = re.compile(r"(?<![.!?¿¡]\s)(?<!^)\b[A-ZÁÉÍÓÚÑ][a-záéíóúñü]{2,}\b")
# Words that are capitalised in questions without being names.
_NOT_NAMES = frozenset(
    fold(w)
    for w in [
        "According",
        "Según",
        "Selon",
        "What",
        "Which",
        "Who",
        "How",
        "Why",
        "When",
        "Where",
        "Does",
        "Did",
        "Is",
        "Are",
        "Was",
        "Were",
        "Can",
        "Could",
        "Qué",
        "Cuál",
        "Cuáles",
        "Quién",
        "Quiénes",
        "Cómo",
        "Dónde",
        "Cuándo",
        "Cuánto",
        "Cuántos",
        "Cuántas",
        "Quel",
        "Quelle",
        "Quels",
        "Quelles",
        "Qui",
        "Comment",
        "Pourquoi",
        "Combien",
        "Quand",
        "The",
        "La",
        "Le",
        "Les",
        "El",
        "Los",
        "Las",
        "In",
        "En",
        "Dans",
        "Du",
        "Des",
        "De",
        "Del",
        "And",
        "Pour",
        "Para",
        "Por",
        "Un",
        "Une",
        "Una",
        "Dans",
        "GFMD",
        "FMMD",
        "Forum",
        "Foro",
        "Global",
        "Mundial",
        "Paper",
        "Document",
        "Documento",
    ]
)
LANGS = ("en", "es", "fr")


@dataclass(frozen=True)
class QueryTerms:
    stems: tuple[frozenset[str], ...]  # per content word: its stems in every corpus language
    numbers: tuple[str, ...]
    acronyms: tuple[str, ...]  # folded: "palim", "r4v"
    names: tuple[str, ...]  # other proper names, folded

    @property
    def key_terms(self) -> tuple[str, ...]:
        return self.numbers + self.acronyms + self.names


@lru_cache(maxsize=512)
def analyse(question: str) -> QueryTerms:
    stems = []
    for word in words(question):
        if word[0].isdigit():
            continue
        stems.append(frozenset(_stemmer(lang).stemWord(word) for lang in LANGS))
    numbers = tuple(dict.fromkeys(normalize_number(n) for n in _NUMBER.findall(question)))
    acronyms = [fold(m) for m in _ACRONYM.findall(question) if fold(m) not in _NOT_NAMES]
    names: list[str] = []
    for match in _NAME.findall(question):
        folded = fold(match)
        if folded not in _NOT_NAMES and folded not in names and folded not in acronyms:
            names.append(folded)
    return QueryTerms(tuple(stems), numbers, tuple(dict.fromkeys(acronyms)), tuple(names))


def passage_stems(text: str, lang: str) -> frozenset[str]:
    return frozenset(tokens(text, lang if lang in LANGS else "en"))


def coverage(terms: QueryTerms, stems: frozenset[str]) -> float:
    """Share of the question's content words found (in any language's stem form) in the passage."""
    if not terms.stems:
        return 0.0
    return sum(1 for options in terms.stems if options & stems) / len(terms.stems)


def key_term_hits(terms: QueryTerms, text: str) -> tuple[int, int]:
    """(found, total) key terms of the question present in `text`."""
    if not terms.key_terms:
        return 0, 0
    folded = fold(text)
    numbers_in_text = {normalize_number(n) for n in _NUMBER.findall(text)}
    found = sum(1 for n in terms.numbers if n in numbers_in_text)
    found += sum(1 for name in terms.acronyms + terms.names if re.search(rf"\b{re.escape(name)}", folded))
    return found, len(terms.key_terms)
