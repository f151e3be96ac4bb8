"""Figures and years: how a text writes them, and one format to compare them in.

Two readers of figures, because two checks ask different questions. A question's or a passage's figures are key
terms (`numbers_in`): a number inside a code or a word ("COVID-19", "4th") names nothing a passage must hold, and
a space separates numbers. An answer sentence's figures are claims (`figures_in_order`, `figure_forms`): prose
groups thousands with spaces ("5 500"), writes English decimals after grouped thousands ("5,500.25"), and the
order of the figures is checked too, so they are read as written, "COVID-19" included.
"""

from __future__ import annotations

import re

from text_to_num import alpha2digit

# A number as text writes it: digits with "." or "," between groups ("5,500", "3.5", "10.7.1").
NUMBER = r"\d+(?:[.,]\d+)*"
# A quantity as prose writes it: thousands grouped by ".", "," or a space ("5 500"), then a decimal part.
GROUPED_NUMBER = r"\d+(?:[.,\s]\d{3})*(?:[.,]\d+)?"
# A year of the documents' era.
YEAR = r"(?:19|20)\d\d"

# A figure as a key term: not glued to a word, a code or a range before it ("COVID-19", "2017-18"), nor followed by
# letters ("4th", "2019-nCoV").
FIGURE = re.compile(rf"(?<![\w.\-]){NUMBER}(?![\w\-]*[A-Za-z])")
_STATED_FIGURE = re.compile(rf"(?<![\w.]){GROUPED_NUMBER}(?![\w])")
_SPACED_THOUSANDS = re.compile(r"(?<=\d)\s(?=\d{3})")
_YEAR_WORD = re.compile(rf"\b{YEAR}\b")


def normalize_number(token: str) -> str:
    """'5,500' and '5.500' -> '5500'; '3,5' -> '3.5'; '10.7.1' stays."""
    if re.fullmatch(r"\d{1,3}(?:[.,]\d{3})+", token):
        return re.sub(r"[.,]", "", token)
    if re.fullmatch(r"\d+,\d{1,2}", token):
        return token.replace(",", ".")
    return token


def normalize_grouped(raw: str) -> str:
    """A `GROUPED_NUMBER` in one format: spaces between thousands dropped, then `normalize_number` ("5 500" ->
    "5500")."""
    return normalize_number(_SPACED_THOUSANDS.sub("", raw))


def numbers_in(text: str) -> set[str]:
    """The figures of a text as key terms (`FIGURE`), normalised ('5,500' and '5.500' -> '5500')."""
    return {normalize_number(n) for n in FIGURE.findall(text)}


def figures_in_order(text: str) -> list[str]:
    """The figures of a text as stated, in order, normalised ("5 500" -> "5500")."""
    return [normalize_grouped(raw) for raw in _STATED_FIGURE.findall(text)]


def figure_forms(text: str) -> set[str]:
    """The stated figures of a text, each also without its commas: "5,500.25", which `normalize_number` leaves as
    it is, matches "5500.25" too."""
    found = set()
    for figure in figures_in_order(text):
        found.add(figure)
        found.add(figure.replace(",", ""))
    return found


def is_year(figure: str) -> bool:
    """Whether a normalised figure is a year ("2019")."""
    return re.fullmatch(YEAR, figure) is not None


def has_year(text: str) -> bool:
    """Whether a text holds a year as a word of its own."""
    return _YEAR_WORD.search(text) is not None


# Magnitude words (en/es/fr), which stay words when number words become digits: "tres millones" is "3 millones",
# compared with a passage's "3 millones" by figure and magnitude, not "3000000".
_MAGNITUDE_WORD = re.compile(
    r"\b(?:miles\s+de\s+millones|mil\s+millones|millones|mill[oó]n|millions?|milliards?|millardos?|billones|"
    r"bill[oó]n|billions?|trillions?|thousand|miles|mille|mil|bn)\b",
    re.IGNORECASE,
)
_TEXT2NUM_LANG = {"en": "en", "es": "es", "fr": "fr"}


def figures_as_digits(text: str, lang: str) -> str:
    """`text` with its number words in `lang` written as digits ("twenty-two objectives" -> "22 objectives",
    "tres millones" -> "3 millones"), so figure checks see a figure however it is written. Articles that are also
    numbers ("one of", "un plan", "una alianza") stay words. Text in another language is returned unchanged."""
    if lang not in _TEXT2NUM_LANG:
        return text
    pieces: list[str] = []
    last = 0
    for match in _MAGNITUDE_WORD.finditer(text):
        pieces.append(alpha2digit(text[last : match.start()], _TEXT2NUM_LANG[lang]))
        pieces.append(match.group())
        last = match.end()
    pieces.append(alpha2digit(text[last:], _TEXT2NUM_LANG[lang]))
    return "".join(pieces)
