"""Month names in English, Spanish and French, from one table.

A month's name dates a fact: ingest tells a date line from a heading by it, the answerer checks that a quote gives a
date, and a month in an answer is found in a passage that names the same month in another language.
"""

from __future__ import annotations

import re

from gfmd.text.languages import LANGUAGES
from gfmd.text.normalize import fold

# One row a month, one column a language (in `LANGUAGES` order), variant spellings separated by commas.
_TABLE = """
january   | enero                 | janvier
february  | febrero               | février
march     | marzo                 | mars
april     | abril                 | avril
may       | mayo                  | mai
june      | junio                 | juin
july      | julio                 | juillet
august    | agosto                | août
september | septiembre, setiembre | septembre
october   | octubre               | octobre
november  | noviembre             | novembre
december  | diciembre             | décembre
"""


def _rows(table: str) -> tuple[dict[str, tuple[str, ...]], ...]:
    rows = []
    for line in table.strip().splitlines():
        cells = [tuple(name.strip() for name in cell.split(",")) for cell in line.split("|")]
        rows.append(dict(zip(LANGUAGES, cells, strict=True)))
    return tuple(rows)


# Per month, in calendar order: language -> its names.
MONTH_NAMES = _rows(_TABLE)
# Per month, its folded names in every language: "June" in an answer is "junio" or "juin" in a passage.
MONTH_GROUPS = tuple(frozenset(fold(name) for names in row.values() for name in names) for row in MONTH_NAMES)


def month_names(lang: str) -> tuple[str, ...]:
    """The months' names in one language, in calendar order, variants after their month."""
    return tuple(name for row in MONTH_NAMES for name in row[lang])


def _spelling(name: str) -> str:
    # An accented letter also matches its plain form: "fevrier" and "aout" are written too.
    return "".join(f"[{fold(c)}{c}]" if fold(c) != c else re.escape(c) for c in name)


# Every month name of every language as a regex alternation, case left to the caller's flags (re.IGNORECASE).
MONTH_ALTERNATION = "|".join(_spelling(name) for lang in LANGUAGES for name in month_names(lang))
# A month name as a word of its own, in any case.
MONTH_WORD = re.compile(rf"\b(?:{MONTH_ALTERNATION})\b", re.IGNORECASE)


def months_in(text: str) -> frozenset[int]:
    """The months (1-12) a text names, in any of the three languages."""
    found = {fold(match.group()) for match in MONTH_WORD.finditer(text)}
    return frozenset(n for n, group in enumerate(MONTH_GROUPS, start=1) if found & group)
