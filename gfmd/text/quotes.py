"""Clean quotes: what may be taken out of a verbatim span of a document before it is shown, and how a cleaned
quote is still found in its page.

A quote stays verbatim: only these are ever removed, and nothing is added, reordered or changed.
1. A footnote reference marker glued to the end of a word: 1 to 3 digits directly after a lowercase word of 3+
   letters ("Rights7 and"), after punctuation that closes a word, a bracket, a quote or a year ("voluntaria.14",
   "Rights,8", "(JI-HOA)6", "junio de 2020.17"), or after a closing bracket or quote ("reintegration”12").
   Figures are never markers: a number after a space ("in 2019, 272 million"), a decimal ("17.2", "3.5"), a
   page reference after an abbreviation ("p.14"), an acronym's number ("COVID19", "IDA18"), a 4-digit year.
2. At the start of a quote: a footnote's own number ("14 El mecanismo ..."), when it is one of its page's
   footnote numbers (a footnote passage's first number, or a marker of rule 1 in the page's text).
3. At the start of a quote: a heading the sentence splitter ran into the sentence, with or without its number
   ("2.1. Context and design of the JI-HoA According to data ...", "Requisitos para alianzas efectivas Las
   complejidades ..."): a known heading of the passage (its section path, its document's title), or a short
   heading-like phrase (no comma, not ending on a function word) before a word that opens sentences ("The",
   "According", "Las", "En", "Les" ...).

Rules 2 and 3 only shorten a quote at its start, so a cleaned quote is still a span of its page; rule 1 takes
digits out of its middle, so a validator finds a quote in the page as written or in the page with rule 1's
markers removed (`quoted_in`), never in a page altered any other way: a changed word or figure is still caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from gfmd.text.normalize import normalize_ws

# A token that ends in 1-3 digits after something other than a digit (group "prefix"); `_is_marker` decides.
# It may be followed by a stop or a bracket: "include12: ...".
_GLUED = re.compile(r"(?<!\S)(?P<prefix>\S*\D)(?P<n>\d{1,3})(?=[.,;:)]?(?:\s|$))")
_CLOSERS = ")]”’»\"'"
_STOPS = ".,;:!?…"
# Abbreviations a page or item number follows ("p.14", "art.5", "núm.3"): the number is a reference, not a marker.
_ABBREVIATIONS = frozenset("p pp para art arts no nos núm vol fig chap cap sec ch n".split())
# The letters a marker follows: a word's last letters, of which the last two must be lowercase and 3 or more.
_LETTERS = re.compile(r"(?:^|[^\w])([^\W\d_]+)$")
_YEAR = re.compile(r"(?:^|\D)(?:1[89]|20)\d\d$")


def _is_marker(prefix: str) -> bool:
    """Whether digits glued to the end of `prefix` are a footnote reference marker (see the module's rule 1)."""
    if "/" in prefix or "@" in prefix:
        return False  # a path, an address, a symbol ("A/78/203")
    body = prefix.rstrip(_STOPS)
    if body != prefix and len(prefix) - len(body) > 1:
        return False  # "...14" is an ellipsis with a number, not a marker
    if body and body[-1] in _CLOSERS:
        return True  # "(JI-HOA)6", "travelling.”14", ").15"
    word = _LETTERS.search(body)
    if body == prefix:  # glued to a word: "Rights7", not "COVID19", "IDA18", "km2"
        return word is not None and len(word.group(1)) >= 3 and word.group(1)[-2:].islower()
    # Directly after a stop: the word before it must be a lowercase word that is not an abbreviation, or a year.
    if _YEAR.search(body):
        return True
    if word is None:
        return False
    letters = word.group(1)
    return len(letters) >= 2 and letters[-1].islower() and letters.lower() not in _ABBREVIATIONS


def strip_markers(text: str) -> str:
    """`text` without the footnote reference markers glued to its words (rule 1)."""
    return _GLUED.sub(lambda m: m.group("prefix") if _is_marker(m.group("prefix")) else m.group(0), text)


def marker_numbers(text: str) -> set[int]:
    """The footnote numbers `text` shows as markers glued to its words (rule 1)."""
    return {int(m.group("n")) for m in _GLUED.finditer(text) if _is_marker(m.group("prefix"))}


# A footnote's number at the start of a quote: "14 El mecanismo", "76According".
_LEADING_NUMBER = re.compile(r"^(?P<n>\d{1,3}) ?(?=[\"“«(¿¡]?[A-ZÁÉÍÓÚÑÀÂÇÈÊÎÔÛ])")


def footnote_number(text: str) -> int | None:
    """The number a footnote passage opens with ("14 El mecanismo ..." -> 14), or None."""
    match = _LEADING_NUMBER.match(text)
    return int(match.group("n")) if match else None


def without_footnote_number(quote: str, footnotes: Iterable[int]) -> str:
    """`quote` without the footnote number it opens with, when that number is one of `footnotes` (rule 2)."""
    match = _LEADING_NUMBER.match(quote)
    if match is None or int(match.group("n")) not in set(footnotes):
        return quote
    return quote[match.end() :].lstrip()


# Heading numbers: "2.1.", "4.", "A.1", "IV."
_HEADING_NUMBER = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.\d{1,2}(?:\.\d{1,2})*\.?|[IVX]{1,5}\.)\s+")
# Words that open a sentence after a heading (an article opening a sentence is followed by a lowercase word).
_ARTICLES = frozenset("The A An La El Los Las Le Les Un Una Une".split())
_OPENERS = _ARTICLES | frozenset(
    """This These Those It Its We Our In According As For On To With By Since During Following After While Although
    However Finally Overall Despite Este Esta Estos Estas En Para Por Con Según Desde Durante Tras Ce Cette Ces Il
    Elle Ils Dans Pour Selon Depuis Lors Après""".split()
)
# A heading does not end on these words, nor open with a preposition or a determiner ("In 2019 The Hague ...").
_FUNCTION = frozenset(
    """the a an of and or to in on at for by with from within between among across through into about over under
    de del la el los las y o en con por para entre sobre du des le les et ou à au aux pour par sur dans avec vers
    un una une""".split()
)
MAX_HEADING_WORDS = 12
# A heading of more words than this has capitals on at least half of them ("Focus Group Discussions: For ...").
SHORT_HEADING = 6
# What follows a heading is a sentence of at least this many words.
MIN_SENTENCE_WORDS = 5


def without_heading(sentence: str, headings: Sequence[str] = ()) -> str:
    """`sentence` without a heading run into its start (rule 3): one of `headings` (with or without its number),
    or a short heading-like phrase before a word that opens sentences."""
    for heading in headings:
        for form in dict.fromkeys((normalize_ws(heading), _HEADING_NUMBER.sub("", normalize_ws(heading)))):
            if len(form) < 3 or form.split()[-1].lower() in _FUNCTION or sentence[: len(form)].lower() != form.lower():
                continue  # a heading cut short ("To what extent was the") is no heading to take off
            rest = sentence[len(form) :].lstrip()
            if rest and (rest[0].isupper() or rest[0] in '"“«¿¡'):
                return rest
    words = sentence.split(" ")
    for i in range(1, min(MAX_HEADING_WORDS, len(words) - MIN_SENTENCE_WORDS) + 1):
        opener = words[i]
        if opener not in _OPENERS:
            continue
        if opener in _ARTICLES and not words[i + 1][:1].islower():
            continue  # "The Hague", "Los Angeles": a name, not a sentence's start
        if _looks_like_heading(words[:i]):
            return " ".join(words[i:])
        break  # the first opener decides: a heading is the first thing in the sentence
    return sentence


def _looks_like_heading(words: Sequence[str]) -> bool:
    text = " ".join(words)
    if any(c in text for c in ",;()") or text[-1] in _STOPS:
        return False
    first = _HEADING_NUMBER.sub("", text + " ").split()
    if not first or first[0].lower() in _FUNCTION or first[0] in _OPENERS:
        return False  # "In 2019 The Hague ...": a sentence, not a heading
    if words[-1].lower() in _FUNCTION or words[-1].isdigit():
        return False
    if len(words) <= SHORT_HEADING:
        return True
    capitals = sum(1 for w in words if w[:1].isupper() or w[:1].isdigit())
    return 2 * capitals >= len(words)


def clean_quote(quote: str, *, headings: Sequence[str] = (), footnotes: Iterable[int] = ()) -> str:
    """`quote` without footnote markers, the footnote number or the heading it opens with (the module's rules)."""
    cleaned = without_heading(without_footnote_number(normalize_ws(quote), footnotes), headings)
    return strip_markers(cleaned)


def quoted_in(quote: str, text: str) -> bool:
    """Whether `quote` is a span of `text`, whitespace aside, as written or with footnote markers removed."""
    quote, text = normalize_ws(quote), normalize_ws(text)
    return bool(quote) and (quote in text or quote in normalize_ws(strip_markers(text)))


def find_quote(quote: str, text: str) -> tuple[int, int] | None:
    """(start, end) of `quote` in `text`, whitespace aside and with footnote markers in `text` skipped; None when
    the quote is not there."""
    words = quote.split()
    if not words:
        return None
    exact = re.search(r"\s+".join(re.escape(w) for w in words), text)
    if exact is not None:
        return exact.start(), exact.end()
    # Between two words of the quote, the text may hold a footnote marker glued to the first one.
    marker = r"(?:\d{1,3})?"
    pattern = (marker + r"\s+").join(re.escape(w) for w in words)
    for match in re.finditer(pattern, text):
        if quoted_in(quote, match.group(0)):
            return match.start(), match.end()
    return None
