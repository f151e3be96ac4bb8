"""Sentence splitting for English, Spanish and French prose as it comes out of PDFs.

Spans are returned as offsets into the input, so every sentence is a verbatim slice of its passage.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = frozenset(
    [
        "e.g",
        "i.e",
        "etc",
        "cf",
        "vs",
        "al",
        "fig",
        "figs",
        "no",
        "nos",
        "núm",
        "art",
        "arts",
        "vol",
        "vols",
        "pp",
        "p",
        "approx",
        "ca",
        "sr",
        "sra",
        "srs",
        "dr",
        "dra",
        "mr",
        "mrs",
        "ms",
        "st",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "gen",
        "gov",
        "univ",
        "jr",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "ene",
        "abr",
        "ago",
        "dic",
        "ej",
        "p.ej",
        "mme",
        "mlle",
        "m",
        "para",
        "cap",
    ]
)
# A boundary: terminal punctuation, optional closing quotes/brackets and footnote digits, then whitespace.
_BOUNDARY = re.compile(r"[.!?…](?:[\"'”’»)\]]*)(?:\d{1,2}(?=\s))?(?=\s+)")
_NEXT_START = re.compile(r"\s+[\"'“‘«(¿¡]*[A-ZÁÉÍÓÚÑÀÂÇÈÊÎÔÛ0-9•\-–]")


# UN resolutions: preambular paragraphs end with a comma and open with a participle ("Welcoming ..., Recalling
# ..."). Each is a sentence of its own, although no full stop separates them once line breaks are gone.
_PREAMBLE_OPENERS = (
    "Recalling|Reaffirming|Recogni[sz]ing|Welcoming|Noting|Taking note|Acknowledging|Bearing in mind|Mindful|"
    "(?:Deeply |Gravely )?[Cc]oncerned|Convinced|Emphasi[sz]ing|Stressing|Underlining|Underscoring|Expressing|"
    "Affirming|Considering|Reiterating|Highlighting|Alarmed|Determined|Guided|Encouraged|Appreciating|Commending|"
    "Rappelant|Réaffirmant|Reconnaissant|Se félicitant|Notant|Prenant note|Considérant|Soulignant|Constatant|"
    "Consciente|Convaincue|(?:Profondément |Vivement )?[Pp]réoccupée|Sachant|Ayant à l'esprit|Affirmant|Accueillant|"
    "Réitérant|Guidée|Résolue|Saluant|Recordando|Reafirmando|Reconociendo|Acogiendo|Observando|Tomando nota|"
    "Considerando|Destacando|Subrayando|Convencida|(?:Profundamente |Gravemente )?[Pp]reocupada|Teniendo presente|"
    "Poniendo de relieve|Expresando|Afirmando|Reiterando|Guiada|Decidida|Celebrando|Haciendo notar"
)
_PREAMBLE_BREAK = re.compile(rf",(?:\s*\d{{1,3}})?(?=\s+(?:{_PREAMBLE_OPENERS})\b)")
_PREAMBLE_START = re.compile(rf"(?:{_PREAMBLE_OPENERS})\b")


def is_preambular(sentence: str) -> bool:
    """A resolution's preambular paragraph: opens with a participle and ends with a comma."""
    return bool(_PREAMBLE_START.match(sentence)) and sentence.rstrip(" 0123456789").endswith(",")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of `text`, whitespace between them excluded."""
    return [part for span in _full_stop_spans(text) for part in _preamble_spans(text, span)]


def _preamble_spans(text: str, span: tuple[int, int]) -> list[tuple[int, int]]:
    start, end = span
    parts: list[tuple[int, int]] = []
    for match in _PREAMBLE_BREAK.finditer(text, start, end):
        parts.append((start, match.end()))
        start = _skip_space(text, match.end())
    parts.append((start, end))
    return parts


def _full_stop_spans(text: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = _skip_space(text, 0)
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        if end <= start or not _NEXT_START.match(text, end):
            continue
        if _is_abbreviation(text, match.start()):
            continue
        spans.append((start, end))
        start = _skip_space(text, end)
    if start < len(text.rstrip()):
        spans.append((start, len(text.rstrip())))
    return [s for s in spans if text[s[0] : s[1]].strip()]


def split_sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def _skip_space(text: str, i: int) -> int:
    while i < len(text) and text[i].isspace():
        i += 1
    return i


def _is_abbreviation(text: str, dot: int) -> bool:
    if text[dot] != ".":
        return False
    j = dot
    while j > 0 and not text[j - 1].isspace() and text[j - 1] not in '("“«':
        j -= 1
    word = text[j:dot].lower().rstrip(".")
    if word in _ABBREVIATIONS:
        return True
    # Initials and acronyms with dots: "U.S.", "D.C.", "J."
    return bool(re.fullmatch(r"(?:[a-z]\.)*[a-z]", word)) and len(word) <= 4
