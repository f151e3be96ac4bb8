"""Acronyms and proper names: what a question or a sentence names, what is capitalised without naming anything,
and the acronyms and language names that differ across English, Spanish and French.

A question's names are key terms a passage must hold; an answer sentence's names must be in the passages it cites.
The two are read differently (see `question_names` and `statement_names`), from the same patterns.
"""

from __future__ import annotations

import re

from gfmd.text.dates import month_names
from gfmd.text.languages import LANGUAGE_NAMES, LANGUAGES
from gfmd.text.normalize import fold

# An acronym: a capital, then one to nine capitals or digits ("IOM", "R4V", "SDG16").
ACRONYM = r"\b[A-Z][A-Z0-9]{1,9}\b"
# A capitalised word of three letters or more, in English or Spanish spelling ("Nigeria", "Ámsterdam").
CAPITALISED = r"[A-ZÁÉÍÓÚÑ][a-záéíóúñü]{2,}"

# Words capitalised in questions without naming what they ask about, by why they are capitalised.
_QUESTION_WORDS = """According Según Selon What Which Who How Why When Where Does Did Is Are Was Were Can Could Qué
    Cuál Cuáles Quién Quiénes Cómo Dónde Cuándo Cuánto Cuántos Cuántas Quel Quelle Quels Quelles Qui Comment Pourquoi
    Combien Quand"""
_FUNCTION_WORDS = "The La Le Les El Los Las In En Dans Du Des De Del And Pour Para Por Un Une Una"
# The forum and its papers: every document of the corpus is one, so naming them tells no passage from another.
_FORUM_WORDS = "GFMD FMMD Forum Foro Global Mundial Paper Document Documento"
# English capitalises months and days; they date a fact, they name nothing (Spanish and French write them in lower
# case, so only the English names are listed).
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday"
NOT_NAMES_IN_QUESTIONS = frozenset(
    fold(word)
    for word in (
        *_QUESTION_WORDS.split(),
        *_FUNCTION_WORDS.split(),
        *_FORUM_WORDS.split(),
        *month_names("en"),
        *_WEEKDAYS.split(),
    )
)
# Capitalised words of an answer sentence that name nothing to check in its passages: clause openers and the
# title-case words of document parts and kinds. Shorter than the question's list on purpose: a month or the forum's
# name in an answer is a claim its passages must support (in any language, see `assistant.answer.names`).
NOT_NAMES_IN_STATEMENTS = frozenset(
    fold(word) for word in "The This These According Article Objective Section Paper Report Fund Facility".split()
)

# A question's acronym may carry a suffix ("EU-IOM", "COVID-19"); its names are single words, not the first of a
# sentence (capitalised by grammar).
_QUESTION_ACRONYM = re.compile(rf"{ACRONYM}(?:-[A-Za-z0-9]+)?")
_QUESTION_NAME = re.compile(rf"(?<![.!?¿¡]\s)(?<!^)\b{CAPITALISED}\b")
# An answer sentence's names are runs of capitalised words ("Banco Mundial"), after a space, a bracket or a quote.
_STATEMENT_ACRONYM = re.compile(ACRONYM)
_STATEMENT_NAME = re.compile(rf"(?<=[\s(\[«“\"']){CAPITALISED}(?:\s+{CAPITALISED})*")


def question_names(question: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(acronyms, other names) of a question, folded, in order, each once; a word in both counts as an acronym."""
    acronyms = [fold(m) for m in _QUESTION_ACRONYM.findall(question) if fold(m) not in NOT_NAMES_IN_QUESTIONS]
    names: list[str] = []
    for match in _QUESTION_NAME.findall(question):
        folded = fold(match)
        if folded not in NOT_NAMES_IN_QUESTIONS and folded not in names and folded not in acronyms:
            names.append(folded)
    return tuple(dict.fromkeys(acronyms)), tuple(names)


def statement_names(sentence: str) -> list[str]:
    """The acronyms, then the names, of an answer sentence, folded, each once."""
    names = [fold(a) for a in _STATEMENT_ACRONYM.findall(sentence)]
    names += [fold(n) for n in _STATEMENT_NAME.findall(sentence) if fold(n) not in NOT_NAMES_IN_STATEMENTS]
    return list(dict.fromkeys(names))


# Acronyms that differ across the corpus's languages, folded: a sentence saying "IOM" is supported by "OIM".
ACRONYM_EQUIVALENTS: tuple[frozenset[str], ...] = tuple(
    frozenset(row.split())
    for row in (
        "iom oim", "un onu", "eu ue", "undp pnud", "ifad fida", "oecd ocde", "unhcr acnur hcr", "ilo oit",
        "sdg sdgs ods odd", "gfmd fmmd", "uae eau", "gcm pmm", "fdi ied", "oda aod apd", "unicef", "who oms",
    )
)  # fmt: skip
# Each language's names in every language, folded ("english", "ingles", "anglais").
LANGUAGE_NAME_GROUPS = tuple(
    frozenset(fold(LANGUAGE_NAMES[reader][lang]) for reader in LANGUAGES) for lang in LANGUAGES
)
