"""Magnitude words after figures ("554 mil millones", "3 millions", "1.2 billion"), in English, Spanish and French:
which power of ten a figure has, and how each language writes it.

Shared by the verification of generated sentences (a translated figure keeps its magnitude) and the key-points
line of a quote in another language than the asker's (`assistant.answer.gloss`).
"""

from __future__ import annotations

import re

from gfmd.text.normalize import fold
from gfmd.text.numbers import GROUPED_NUMBER, figures_as_digits, normalize_grouped

# Magnitude words after a figure, longest first, folded; "billion" depends on the language (long scale in French).
_SCALES: list[tuple[str, dict[str, int]]] = [
    ("miles de millones", {"*": 9}),
    ("mil millones", {"*": 9}),
    ("millardos", {"*": 9}),
    ("millardo", {"*": 9}),
    ("milliards", {"*": 9}),
    ("milliard", {"*": 9}),
    ("billones", {"*": 12}),
    ("billon", {"*": 12}),
    ("trillions", {"en": 12, "*": 18}),
    ("trillion", {"en": 12, "*": 18}),
    ("billions", {"fr": 12, "*": 9}),
    ("billion", {"fr": 12, "*": 9}),
    ("bn", {"*": 9}),
    ("millones", {"*": 6}),
    ("millon", {"*": 6}),
    ("millions", {"*": 6}),
    ("million", {"*": 6}),
    ("thousand", {"*": 3}),
    ("miles", {"*": 3}),
    ("mille", {"*": 3}),
    ("mil", {"*": 3}),
]
_SCALED = re.compile(rf"(?<![\w.])({GROUPED_NUMBER})\s*(" + "|".join(re.escape(w) for w, _ in _SCALES) + r")\b")
_SCALE_OF = dict(_SCALES)


def magnitudes(text: str, lang: str) -> set[tuple[str, int]]:
    """(figure, power of ten) for each figure followed by a magnitude word: "$554 mil millones" -> ("554", 9)."""
    found = set()
    for raw, word in _SCALED.findall(fold(text)):
        table = _SCALE_OF[word]
        found.add((normalize_grouped(raw), table.get(lang, table["*"])))
    return found


# The word each language writes for a power of ten after a figure (plural; "1" takes the singular).
SCALE_WORDS = {
    "en": {3: ("thousand", "thousand"), 6: ("million", "million"), 9: ("billion", "billion")},
    "es": {3: ("mil", "mil"), 6: ("millones", "millón"), 9: ("mil millones", "mil millones")},
    "fr": {3: ("mille", "mille"), 6: ("millions", "million"), 9: ("milliards", "milliard")},
}
_ACCENTED = {"a": "[aá]", "e": "[eé]", "i": "[ií]", "o": "[oó]", "u": "[uú]", " ": r"\s+"}
_SCALED_RAW = re.compile(
    rf"(?<![\w.])({GROUPED_NUMBER})(\s*)("
    + "|".join("".join(_ACCENTED.get(c, re.escape(c)) for c in w) for w, _ in _SCALES)
    + r")\b",
    re.IGNORECASE,
)


def restore_magnitudes(translation: str, lang: str, source: str, source_lang: str) -> str:
    """`translation` with each figure's magnitude word set to the one its source gives that figure.

    The small model turns "554 mil millones" into "554 million" often enough to cost a third of the translations
    that cite figures; the source says which power of ten each figure has, so the word is rewritten in `lang`
    ("554 billion") rather than the translation lost. Only a figure the source gives with exactly one magnitude is
    rewritten; anything else is left for verification to judge."""
    words = SCALE_WORDS.get(lang)
    if not words:
        return translation
    given: dict[str, set[int]] = {}
    for figure, power in magnitudes(figures_as_digits(source, source_lang), source_lang):
        given.setdefault(figure, set()).add(power)

    def rewrite(match: re.Match[str]) -> str:
        raw, space, word = match.groups()
        figure = normalize_grouped(raw)
        powers = given.get(figure, set())
        table = _SCALE_OF.get(fold(re.sub(r"\s+", " ", word)), {"*": -1})
        stated = table.get(lang, table["*"])
        if len(powers) != 1 or stated in powers or (power := next(iter(powers))) not in words:
            return match.group()
        plural, singular = words[power]
        return f"{raw}{space or ' '}{singular if figure == '1' else plural}"

    return _SCALED_RAW.sub(rewrite, translation)


def scaled_figures(text: str, lang: str) -> list[tuple[int, int, str, str, int]]:
    """(start, end, raw figure, magnitude word as written, power of ten in `lang`) of each figure followed by a
    magnitude word, in order."""
    out = []
    for match in _SCALED_RAW.finditer(text):
        raw, _, word = match.groups()
        table = _SCALE_OF.get(fold(re.sub(r"\s+", " ", word)), {"*": -1})
        out.append((match.start(), match.end(), raw, word, table.get(lang, table["*"])))
    return out


def scale_word(figure: str, power: int, lang: str) -> str | None:
    """How `lang` writes `power` after `figure` ("millones", "millón" after 1); None for a power it has no word for."""
    words = SCALE_WORDS.get(lang, {}).get(power)
    if words is None:
        return None
    plural, singular = words
    return singular if normalize_grouped(figure) == "1" else plural
