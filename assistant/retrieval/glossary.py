"""A small en/es/fr glossary of the domain's vocabulary, for cross-lingual query expansion without an LLM.

An English question about Spanish papers shares figures and acronyms with its answer, but rarely words:
"remittances" is "remesas", "partnership" is "alianza" or "asociación". Expanding the lexical query with the
glossary's equivalents lets BM25 meet passages in the other languages; `translate_words` gives the dense
retriever a rough word-by-word rendering of the question in each corpus language.
"""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.retrieval.glossary_data import ACRONYMS, DOMAIN, QUESTION_WORDS
from gfmd.text.languages import LANGUAGES
from gfmd.text.normalize import fold

Row = list[list[str]]


def _entries(rows: str) -> list[Row]:
    out = []
    for line in rows.splitlines():
        cells = [[fold(t.strip()) for t in cell.split(",") if t.strip()] for cell in line.split("|")]
        if len(cells) == 3:
            out.append(cells)
    return out


def _longest_first(rows: list[Row]) -> list[tuple[str, Row]]:
    return sorted(((t, row) for row in rows for cell in row for t in cell), key=lambda x: -len(x[0]))


_DOMAIN = _entries(DOMAIN)
_TERMS = _longest_first(_DOMAIN)
_RENDER_TERMS = _longest_first(_DOMAIN + _entries(QUESTION_WORDS))
LANG_INDEX = {lang: i for i, lang in enumerate(LANGUAGES)}  # the glossary's columns


_WORD = re.compile(r"\w+")


_TABLES = {"domain": _TERMS, "render": _RENDER_TERMS}


@lru_cache(maxsize=256)  # retrieval asks this of one question four times (expansions, renderings, coverage units)
def _find(folded: str, table: str = "domain") -> tuple[tuple[int, int, Row], ...]:
    """(start, end, row) of glossary terms found in a folded text, longest terms first, no overlaps. `table`:
    "domain" (the corpus's terms) or "render" (those plus question words, for renderings)."""
    terms = _TABLES[table]
    found: list[tuple[int, int, Row]] = []
    taken: list[tuple[int, int]] = []
    words = set(_WORD.findall(folded))
    for term, row in terms:
        # A term can only match where its first word is a word of the text: skip the other ~1,000 regexes.
        first = _WORD.match(term)
        if first is None or first.group() not in words:
            continue
        for match in re.finditer(rf"\b{re.escape(term)}\b", folded):
            span = (match.start(), match.end())
            if any(a < span[1] and span[0] < b for a, b in taken):
                continue
            taken.append(span)
            found.append((span[0], span[1], row))
    return tuple(sorted(found, key=lambda f: f[0]))


def expansions(question: str) -> list[str]:
    """Equivalent terms, in all three languages, of the glossary terms a question uses."""
    out: list[str] = []
    for _, _, row in _find(fold(question)):
        for cell in row:
            for term in cell:
                if term not in out:
                    out.append(term)
    return out


def equivalent_terms(folded_question: str) -> list[tuple[int, int, list[str]]]:
    """(start, end, terms) of each glossary term found in a folded question: its span, and the row's terms in
    every language ("remittance costs" -> "remittance costs", "costos de las remesas", "couts des envois de
    fonds", ...)."""
    return [(start, end, [term for cell in row for term in cell]) for start, end, row in _find(folded_question)]


def _rows_by_word() -> dict[str, list[Row]]:
    index: dict[str, list[Row]] = {}
    for row in _DOMAIN:
        for word in {w for cell in row for term in cell for w in _WORD.findall(term)}:
            index.setdefault(word, []).append(row)
    return index


_BY_WORD = _rows_by_word()


def equivalents_of_word(word: str) -> list[str]:
    """Every language's terms of the glossary rows one of whose terms has `word` (folded) as a word: "bank" gives
    "world bank", "banco mundial", "banque mondiale"."""
    out: list[str] = []
    for row in _BY_WORD.get(fold(word), []):
        for cell in row:
            out += [term for term in cell if term not in out]
    return out


def translate_words(question: str, lang: str) -> str:
    """A rough rendering of the question in `lang`: glossary terms replaced, everything else kept."""
    folded = fold(question)
    column = LANG_INDEX[lang]
    pieces: list[str] = []
    cursor = 0
    for start, end, row in _find(folded, "render"):
        pieces.append(folded[cursor:start])
        pieces.append(row[column][0])
        cursor = end
    pieces.append(folded[cursor:])
    return "".join(pieces)


def _acronym_table() -> dict[str, list[str]]:
    table: dict[str, list[str]] = {}
    for line in ACRONYMS.splitlines():
        short, *names = line.split("|")
        spelled = [fold(n.strip()) for cell in names for n in cell.split(";") if n.strip()]
        for acronym in short.split(","):
            table[acronym.strip()] = spelled
    return table


_ACRONYMS = _acronym_table()
_CAPITALS = re.compile(r"(?<![A-Za-z])[A-Z]{2,7}(?![a-z])")


def spelled_out(text: str) -> list[str]:
    """What the domain acronyms written in `text` (a file name, a title) stand for, in every corpus language:
    "GCM_A-RES-73-195_..." gives "global compact for safe, orderly and regular migration", "pacto mundial...".
    Acronyms count only in capitals, so "la" and "ji" in prose are not taken for LA or JI."""
    out: list[str] = []
    for acronym in dict.fromkeys(_CAPITALS.findall(text)):
        for name in _ACRONYMS.get(acronym, []):
            if name not in out:
                out.append(name)
    return out
