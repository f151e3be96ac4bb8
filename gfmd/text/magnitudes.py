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

    The small model sometimes turns "554 mil millones" into "554 million"; the source says which power of ten each
    figure has, so the word is rewritten in `lang` ("554 billion") rather than the translation lost. Only a figure
    the source gives with exactly one magnitude is rewritten; anything else is left for verification to judge."""
    if lang not in SCALE_WORDS:
        return translation
    given: dict[str, set[int]] = {}
    for figure, power in magnitudes(figures_as_digits(source, source_lang), source_lang):
        given.setdefault(figure, set()).add(power)

    def rewrite(match: re.Match[str]) -> str:
        raw, space, word = match.groups()
        powers = given.get(normalize_grouped(raw), set())
        if len(powers) != 1 or _power(word, lang) in powers:
            return match.group()
        written = scale_word(raw, next(iter(powers)), lang)
        return match.group() if written is None else f"{raw}{space or ' '}{written}"

    return _SCALED_RAW.sub(rewrite, translation)


def scaled_figures(text: str, lang: str) -> list[tuple[int, int, str, str, int]]:
    """(start, end, raw figure, magnitude word as written, power of ten in `lang`) of each figure followed by a
    magnitude word, in order."""
    out = []
    for match in _SCALED_RAW.finditer(text):
        raw, _, word = match.groups()
        out.append((match.start(), match.end(), raw, word, _power(word, lang)))
    return out


def scale_word(figure: str, power: int, lang: str) -> str | None:
    """How `lang` writes `power` after `figure` ("millones", "millón" after 1); None for a power it has no word for."""
    words = SCALE_WORDS.get(lang, {}).get(power)
    if words is None:
        return None
    plural, singular = words
    return singular if normalize_grouped(figure) == "1" else plural


def _power(word: str, lang: str) -> int:
    """The power of ten a magnitude word as written stands for in `lang` (-1 for none)."""
    table = _SCALE_OF.get(fold(re.sub(r"\s+", " ", word)), {"*": -1})
    return table.get(lang, table["*"])
