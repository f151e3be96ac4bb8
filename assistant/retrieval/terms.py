"""What a question asks for, in terms a passage can be checked against: content stems and key terms.

Key terms are the figures, years, acronyms and proper names of a question: a passage that lacks one of
them cannot be the answer ("remittances in 2015" is not answered by a passage about 2019).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.retrieval.glossary import equivalent_terms
from gfmd.text.languages import LANGUAGES
from gfmd.text.names import question_names
from gfmd.text.normalize import fold, stem_all, tokens, words
from gfmd.text.numbers import FIGURE, is_year, normalize_number, numbers_in

# A number that names a document or a part of one, not a figure: "objective 22", "module 4.1",
# "A/RES/78/217", "the 2022 declaration", "IOM (2019)".
_REFERENCE_BEFORE = re.compile(
    r"(?:\b(?:objectives?|goals?|targets?|modules?|sections?|chapters?|articles?|paragraphs?|recommendations?|"
    r"activit(?:y|ies)|annex|resolutions?|objetivos?|metas?|m[oó]dulos?|secci[oó]n|cap[ií]tulo|art[ií]culo|"
    r"p[aá]rrafo|recomendaci[oó]n|actividad|anexo|resoluci[oó]n|objectifs?|cibles?|chapitre|paragraphe|"
    r"recommandation|activit[eé]|annexe|r[eé]solution|the|this|its|el|la|le|l'|del|du|n[o°º]\.?)\s*|[/(])$",
    re.IGNORECASE,
)
# The kinds of part a reference names, with their names in every corpus language (folded): "objective 22" is
# grounded by "Objective 22" or "objetivo 22" in the document, not by "22 December" in another one.
_PART_KINDS: dict[str, str] = {
    "objective": r"objectives?|objetivos?|objectifs?",
    "target": r"goals?|targets?|metas?|cibles?",
    "module": r"modules?|modulos?",
    "section": r"sections?|seccion(?:es)?",
    "chapter": r"chapters?|capitulos?|chapitres?",
    "article": r"articles?|articulos?",
    "paragraph": r"paragraphs?|parrafos?|paragraphes?",
    "recommendation": r"recommendations?|recomendacion(?:es)?|recommandations?",
    "activity": r"activit(?:y|ies)|actividad(?:es)?|activites?",
    "annex": r"annex(?:es)?|anexos?|annexes?",
}
# A number sign between the kind and its number: "n° 3", "No. 3", "# 14" (a form's "Evaluation recommendation # 14").
_NUMBER_SIGN = r"(?:(?:n[o°º]\.?|#)\s*)?"
_PART_BEFORE = re.compile(rf"\b({'|'.join(_PART_KINDS.values())})\s*{_NUMBER_SIGN}$")


def part_pattern(reference: str, question: str) -> re.Pattern[str] | None:
    """For a reference the question gives with its kind ("objective 22", "módulo 4.1"), a pattern matching that
    kind and number in folded text, in any corpus language; None for a bare reference ("A/RES/78/217")."""
    for match in FIGURE.finditer(question):
        if normalize_number(match.group()) != reference:
            continue
        before = fold(question[max(0, match.start() - 20) : match.start()])
        kind = _PART_BEFORE.search(before)
        if kind:
            names = next(v for v in _PART_KINDS.values() if re.fullmatch(v, kind.group(1)))
            number = re.escape(match.group()).replace(r"\.", "[.-]")
            return re.compile(rf"\b(?:{names})\s*{_NUMBER_SIGN}{number}(?![.,-]?\d)")
    return None


# A year that dates the fact asked about ("in 2020", "by the end of 2023", "en el año fiscal 2022"), not the
# document ("the GFMD 2020 paper", "l'étude de 2023"): the answer itself must carry it, not only a title.
_DATED_BEFORE = re.compile(
    r"\b(?:in|by|during|since|until|en|durante|desde|hasta|pendant|depuis|jusqu'en|"
    r"(?:the\s+)?end\s+of|(?:a\s+)?(?:fin(?:ales)?|finales)\s+de|fin|(?:fiscal|financial)\s+year|"
    r"a[nñ]o\s+fiscal|exercice(?:\s+financier)?)\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class QueryTerms:
    stems: tuple[frozenset[str], ...] = ()  # per content word: its stems in every corpus language
    numbers: tuple[str, ...] = ()  # figures and dates the answer's passage must hold
    acronyms: tuple[str, ...] = ()  # folded: "palim", "r4v"
    names: tuple[str, ...] = ()  # other proper names, folded
    references: tuple[str, ...] = ()  # numbers naming a document or a part of one ("objective 22")
    dated: tuple[str, ...] = ()  # the years among `numbers` that date the fact asked about ("in 2020")
    parts: tuple[tuple[str, str], ...] = ()  # (reference, pattern of its kind and number) for "objective 22"

    @property
    def key_terms(self) -> tuple[str, ...]:
        return self.numbers + self.references + self.acronyms + self.names


@lru_cache(maxsize=512)
def analyse(question: str) -> QueryTerms:
    stems = [stem_all(word) for word in words(question) if not word[0].isdigit()]
    numbers: list[str] = []
    references: list[str] = []
    dated: list[str] = []
    for match in FIGURE.finditer(question):
        before = question[max(0, match.start() - 20) : match.start()]
        kind = references if _REFERENCE_BEFORE.search(before) else numbers
        kind.append(normalize_number(match.group()))
        if kind is numbers and is_year(match.group()) and _DATED_BEFORE.search(before):
            dated.append(match.group())
    acronyms, names = question_names(question)
    refs = tuple(n for n in dict.fromkeys(references) if n not in numbers)
    return QueryTerms(
        stems=tuple(stems),
        numbers=tuple(dict.fromkeys(numbers)),
        acronyms=acronyms,
        names=names,
        references=refs,
        dated=tuple(dict.fromkeys(dated)),
        parts=tuple((r, p.pattern) for r in refs if (p := part_pattern(r, question)) is not None),
    )


# A word of the question for `translated_coverage`: its stems in every corpus language, and their cognate prefixes.
Word = tuple[frozenset[str], frozenset[str]]
# A unit of the question: its alternatives, each a sequence of words. A glossary term's alternatives are its
# equivalents in every language; another content word is a unit of one alternative of one word.
Unit = tuple[tuple[Word, ...], ...]
# Cognates across en/es/fr share their first letters after stemming ("campaign"/"campaña", "integration"/
# "integración"): a stem of this length or more also matches a passage stem with the same first letters.
COGNATE_PREFIX = 5


def stem_prefixes(stems: frozenset[str]) -> frozenset[str]:
    return frozenset(s[:COGNATE_PREFIX] for s in stems if len(s) >= COGNATE_PREFIX)


def _word(word: str) -> Word:
    stems = stem_all(word)
    return stems, stem_prefixes(stems)


@lru_cache(maxsize=512)
def coverage_units(question: str) -> tuple[Unit, ...]:
    """The question's content, as units `translated_coverage` counts: each glossary term it uses (met by any of
    its equivalents in any language), then each other content word."""
    folded = fold(question)
    units: list[Unit] = []
    rest = list(folded)
    for start, end, terms in equivalent_terms(folded):
        rest[start:end] = " " * (end - start)
        alternatives: list[tuple[Word, ...]] = []
        for term in terms:
            found = tuple(_word(w) for w in words(term) if not w[0].isdigit())
            if found and found not in alternatives:
                alternatives.append(found)
        if alternatives:
            units.append(tuple(alternatives))
    units += [((_word(w),),) for w in words("".join(rest)) if not w[0].isdigit()]
    return tuple(units)


def translated_coverage(units: tuple[Unit, ...], stems: frozenset[str], prefixes: frozenset[str]) -> float:
    """Share of the question's units a passage holds, across languages: a glossary term by any of its
    equivalents, a word by any language's stem of it or by a cognate (`COGNATE_PREFIX`). `prefixes` is
    `stem_prefixes(stems)`, kept with the passage's stems."""
    if not units:
        return 0.0
    held = 0
    for unit in units:
        for alternative in unit:
            if all(
                not (w_stems.isdisjoint(stems) and w_prefixes.isdisjoint(prefixes))
                for w_stems, w_prefixes in alternative
            ):
                held += 1
                break
    return held / len(units)


def passage_stems(text: str, lang: str) -> frozenset[str]:
    return frozenset(tokens(text, lang if lang in LANGUAGES else "en"))


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
    numbers_in_text = numbers_in(text)
    found = sum(1 for n in terms.numbers + terms.references if n in numbers_in_text)
    found += sum(1 for name in terms.acronyms + terms.names if re.search(rf"\b{re.escape(name)}", folded))
    return found, len(terms.key_terms)


# A sentence addressed to a model, planted in a document (en/es/fr, matched on folded text).
_INSTRUCTION = re.compile(
    r"\b(ignore|disregard|forget|ignora|ignorez|ignorer|olvida|olvide|oublie|oubliez)\b[^.]{0,60}?"
    r"\b(instructions?|instrucciones|indicaciones|consignes|prompts?|rules|reglas|regles)\b"
)


def looks_like_instruction(sentence: str) -> bool:
    """A sentence addressed to a model ("ignore all previous instructions..."): document text that supports
    nothing and is never quoted as an answer."""
    return bool(_INSTRUCTION.search(fold(sentence)))
