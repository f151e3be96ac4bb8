"""The figures of a sentence that state a quantity, as opposed to the numbers that only date, number or point.

A "how many" question is answered by a quantity: "272 millones de migrantes", "$686 million", "233 respondents".
Documents are full of other numbers: the day of a date ("10 and 11 December 2018", "September 24, 2024"), a note
marker at the start of a sentence or glued behind punctuation ("16 Según su informe…", "Criminal Justice,1"), a
paragraph number ("32. Requests the Secretary-General…"), a page, paragraph or document reference ("p. 16",
"para. 139", "A/78/203", "resolution 78/217"). Counting those as figures lets a sentence with no quantity answer a
question that asks for one.
"""

from __future__ import annotations

import re

from gfmd.text.dates import MONTH_ALTERNATION
from gfmd.text.numbers import FIGURE, is_year, normalize_number

_DAY = r"\d{1,2}(?:er|º|°)?"
_NOT_QUANTITIES = re.compile(
    "|".join(
        (
            # the day of a date: "10 and 11 December", "19 de diciembre", "1er janvier", "September 24, 2024"
            rf"\b{_DAY}(?:\s*(?:and|y|et|to|al|au|-|–)\s*{_DAY})?\s+(?:de\s+)?(?:{MONTH_ALTERNATION})\b",
            rf"\b(?:{MONTH_ALTERNATION})\s+{_DAY}(?:\s*(?:-|–|to|and)\s*{_DAY})?\b",
            # a note marker opening the sentence, before a capitalised word: "16 Según su informe…"
            r"^\s*\d{1,3}\s+(?=(?-i:[A-ZÀ-Ý])|[«\"“])",
            # a note marker glued behind punctuation that follows a word or a year: "Criminal Justice,1",
            # "migrants;37", "held on 19 September 2016,12", "en 2020.17"
            r"(?<=\b(?:19|20)\d\d)[.,;:]\d{1,3}\b(?![.,]\d)",
            r"(?<=[^\W\d_][,;:)»”\"’])\d{1,3}\b",
            # a paragraph or list number, after a note marker too: "32. Requests…", "; 5. Calls upon…",
            # "sessions;37 32. Requests…"
            r"(?:^|[;:]\s*(?:\d{1,3}\s+)?)\s*\d{1,3}\.\s+(?=(?-i:[A-ZÀ-Ý]))",
            # a section number after the end of a sentence or at the end of the text: "…résultats ? 4.5"
            r"(?:^|(?<=[.?!:]\s))\d{1,2}(?:\.\d{1,2})+\.?(?=\s+(?-i:[A-ZÀ-Ý])|\s*$)|\s\d{1,2}(?:\.\d{1,2})+\s*$",
            # a note marker closing the text after a word: "…a stakeholder from Djibouti 6."
            r"(?<=[^\W\d_]{3})\s\d{1,2}\.?\s*$",
            # a page, paragraph, note or item reference: "p. 16", "pp. 3-4", "para. 139", "No. 5", "n° 3"
            r"\b(?:pp?|paras?|p[aá]rrs?|arts?|nos?|n[°º]|notes?|footnotes?)\.?\s*\d+(?:\s*[-–]\s*\d+)?",
            # a document symbol: "A/78/203", "78/217", "A/HRC/56/54"
            r"\b(?:[A-Z]+/)*\d+(?:/\d+)+\b",
        )
    ),
    re.IGNORECASE | re.MULTILINE,
)


def quantities_in(text: str) -> set[str]:
    """The normalised figures of `text` that can state a quantity: not years, and not the numbers
    `_NOT_QUANTITIES` describes (a year keeps its place, so "2016,12" is the year 2016 and note 12)."""
    return {figure for _, _, figure in quantity_spans(text)}


def quantity_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, normalised figure) of each figure of `text` that `quantities_in` counts, in order."""
    masked = _NOT_QUANTITIES.sub(lambda m: " " * len(m.group()), text)
    out = []
    for match in FIGURE.finditer(masked):
        figure = normalize_number(match.group())
        if not is_year(figure):
            out.append((match.start(), match.end(), figure))
    return out
