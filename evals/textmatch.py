"""Text comparison the metrics share: whitespace, case, accents and number formats made irrelevant.

Built on the core normalisation of `gfmd.text` (folding, number formats, whitespace) and the judge's own tables
(`evals.tables`), never on the product's glossary or name tables.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from evals.tables import FUNCTION_WORDS, NUMBER_WORDS, PREFIX, equivalents_of_word, same_word_group
from gfmd.text.normalize import fold, normalize_ws
from gfmd.text.numbers import NUMBER, normalize_number

_NUMBER = re.compile(NUMBER)
# "10 000" / "10 000" (French thousands): joined before numbers are compared. A leading \b keeps "2019 272"
# apart (a four-digit group cannot start a grouped number).
_SPACED_THOUSANDS = re.compile(r"\b\d{1,3}(?:[ \u00a0\u202f]\d{3})+\b")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "«": '"', "»": '"', "\u00a0": " "})
_WORD = re.compile(r"[^\W\d_][\w'’\-]*", re.UNICODE)
_OPENERS = frozenset('.:;!?¿¡"“«(-–—•')
_NUMBER_WORD = re.compile(
    r"(?<![\w-])(" + "|".join(sorted(map(re.escape, NUMBER_WORDS), key=len, reverse=True)) + r")(?![\w-])"
)


def canonical(text: str) -> str:
    """Lower case, no accents, straight quotes, single spaces, numbers in one format ('5,500' -> '5500')."""
    text = normalize_ws(text.translate(_QUOTES))
    text = _SPACED_THOUSANDS.sub(lambda m: re.sub(r"\s", "", m.group(0)), text)
    text = _NUMBER.sub(lambda m: normalize_number(m.group(0)), text)
    return fold(text)


def numbers(text: str) -> set[str]:
    """Figures and dates of a text, normalised."""
    return set(_NUMBER.findall(canonical(text)))


def spelled_numbers(text: str) -> set[str]:
    """Numbers a text writes as words, as figures ("eleven donors", "doce donantes": {"11", "12"})."""
    return {NUMBER_WORDS[word] for word in _NUMBER_WORD.findall(canonical(text))}


def names(text: str) -> set[str]:
    """Capitalised words and acronyms past the first word of each sentence, folded."""
    text = normalize_ws(text)
    out: set[str] = set()
    for match in _WORD.finditer(text):
        word = match.group(0).rstrip("'’-")
        before = text[: match.start()].rstrip()
        if not word[0].isupper() or not before or before[-1] in _OPENERS:
            continue  # lower case, or the first word of a sentence or clause (capitalised by grammar)
        folded = fold(word.translate(_QUOTES))
        if folded in FUNCTION_WORDS:
            continue  # "The", "Las" after a heading run into the sentence: articles are never names
        out.add(folded)
    return out


def contains_phrase(haystack_canonical: str, phrase: str) -> bool:
    """`phrase` (raw) inside an already canonical text, at word boundaries where the phrase starts/ends a word."""
    needle = canonical(phrase)
    if not needle:
        return False
    left = r"(?<!\w)" if needle[0].isalnum() else ""
    right = r"(?!\w)" if needle[-1].isalnum() else ""
    # A number must not be read inside a longer number: "3.5" is not in "3.55" nor in "13.5".
    if needle[-1].isdigit():
        right = r"(?!\w)(?![.,]\d)"
    if needle[0].isdigit():
        left = r"(?<!\w)(?<!\d[.,])"
    return re.search(left + re.escape(needle) + right, haystack_canonical) is not None


def has_word(haystack_canonical: str, word: str) -> bool:
    # A word starts after any non-letter: PDF text glues footnote numbers to the next word ("76According").
    left = r"(?<![^\W\d_])" if word[:1].isalpha() else r"(?<!\w)"
    right = r"(?![^\W\d_])" if word[-1:].isalpha() else r"(?!\w)"
    return re.search(left + re.escape(word) + right, haystack_canonical) is not None


def has_name(haystack_canonical: str, name: str) -> bool:
    """A name of an answer sentence in its cited passages, allowing for translation (answers may be written in
    another language than the passage): the name itself; a month or language name in any language; an
    equivalent from the judge's en/es/fr table ("Bank" for "Banco Mundial", "Turkey" for "Turquía"); or, for a
    word of 6+ letters, a word starting with its first 5 letters ("Mexican" for "México", "Venezuelans" for
    "venezolanos")."""
    if has_word(haystack_canonical, name):
        return True
    group = same_word_group(name)
    if group is not None:
        return any(has_word(haystack_canonical, m) for m in group)
    if any(has_word(haystack_canonical, term) for term in equivalents_of_word(name)):
        return True
    return len(name) > PREFIX and re.search(r"(?<!\w)" + re.escape(name[:PREFIX]), haystack_canonical) is not None


def longest_common(a: str, b: str) -> int:
    """Length of the longest common substring of two texts (whitespace-normalised by the caller)."""
    if not a or not b:
        return 0
    if a in b:
        return len(a)
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return int(match.size)


def quote_in(quote: str, passage: str, share: float = 0.6) -> bool:
    """The quote lies mostly inside the passage: a common run of at least `share` of the quote's length.

    Quotes can straddle two passages, so the whole quote need not fit; 60 % is enough.
    """
    q, p = normalize_ws(quote), normalize_ws(passage)
    need = min(len(q), share * len(q))
    return bool(q) and longest_common(q, p) >= need
