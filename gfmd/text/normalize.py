"""Text in one form for comparison and lexical search: case and accent folding, whitespace, word tokens with
stop words dropped, and es/en/fr stemming."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer

from gfmd.text.languages import LANGUAGE_NAMES, LANGUAGES
from gfmd.text.numbers import normalize_number

_TOKEN = re.compile(r"\d+(?:[.,/]\d+)*|[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
# Snowball names its stemmers by the language's English name.
_STEMMERS = {lang: LANGUAGE_NAMES["en"][lang].lower() for lang in LANGUAGES}
# Function words of the three languages, question words and elided forms ("l'", "qu'"): no evidence of a topic.
STOP = frozenset(
    """a an and are as at be been by de del des di du el en et for from has have in is it its la las le les los of on
    or par para por que qui the to un una une was were what which who with y l d qu s c n how many much does did do
    when where why quel quelle quels quelles combien comment pourquoi cual cuales cuantos cuantas cuanto como donde
    cuando segun est sont son ce cette ces este esta esto se su sus sur au aux al lo there their they this that
    these those tiene tienen hay existe il ya""".split()
)


def fold(text: str) -> str:
    """Lower case, accents removed ("Migración" -> "migracion")."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_ws(text: str) -> str:
    """Runs of whitespace (line breaks, tabs, no-break spaces) as one space, none at either end."""
    return " ".join(text.split())


@lru_cache(maxsize=8)
def _stemmer(lang: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMERS[lang])


def words(text: str) -> list[str]:
    """Folded word and number tokens, stop words dropped."""
    out: list[str] = []
    for raw in _TOKEN.findall(fold(text)):
        if raw[0].isdigit():
            out.append(normalize_number(raw))
        elif raw not in STOP and len(raw) > 1:
            out.append(raw.replace("’", "'").split("'")[-1])
    return out


def tokens(text: str, lang: str) -> list[str]:
    """Index-side tokens: words stemmed with the passage's language (numbers untouched)."""
    stemmer = _stemmer(lang) if lang in _STEMMERS else None
    toks = words(text)
    if stemmer is None:
        return toks
    return [t if t[0].isdigit() else stemmer.stemWord(t) for t in toks]


def stem_all(word: str) -> frozenset[str]:
    """A folded word's stems in every corpus language."""
    return frozenset(_stemmer(lang).stemWord(word) for lang in LANGUAGES)


def query_tokens(text: str) -> list[str]:
    """Query-side tokens: each word stemmed by every corpus language, so a term meets passages in any."""
    out: list[str] = []
    for word in words(text):
        if word[0].isdigit():
            out.append(word)
            continue
        for lang in LANGUAGES:
            stem = _stemmer(lang).stemWord(word)
            if stem not in out:
                out.append(stem)
    return out
