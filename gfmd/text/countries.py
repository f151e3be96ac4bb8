"""Country names in English, Spanish and French, from the Unicode CLDR tables that `babel` ships.

A question about Qatar is not answered by a passage of a document that never names Qatar, in any language. Names
change across languages ("Qatar"/"Catar", "Turkey"/"Turquía"/"Turquie", "Dominican Republic"/"République
dominicaine"), so a check by spelling alone either refuses answerable cross-lingual questions or lets through an
answer about another country. The CLDR names solve that for countries, which questions name more than any other
kind of place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from gfmd.text.languages import LANGUAGES
from gfmd.text.normalize import fold

# Names CLDR does not give (older or informal English forms the corpus and users still write).
ALIASES: dict[str, tuple[str, ...]] = {
    "TR": ("Turkey",),
    "CI": ("Ivory Coast",),
    "US": ("United States of America", "EE. UU.", "EEUU"),
    "GB": ("Great Britain", "UK"),
    "CD": ("Democratic Republic of the Congo", "DRC", "RDC"),
    "CG": ("Republic of the Congo",),
    "KR": ("Republic of Korea",),
    "VE": ("Bolivarian Republic of Venezuela",),
    "HK": ("Hong Kong",),
    "MO": ("Macao", "Macau"),
}
# Territories whose name is also a common word or a person's name in one of the languages ("réunion" is a
# meeting), and CLDR's codes that are not countries (EU, UN, the euro zone, pseudo-territories).
AMBIGUOUS = frozenset({"RE", "TD", "JO", "JE", "GG", "AQ", "EU", "EZ", "UN", "QO", "XA", "XB", "XK", "ZZ"})


@lru_cache(maxsize=1)
def country_names() -> dict[str, frozenset[str]]:
    """Folded names of each country (ISO 3166-1 alpha-2 code) in every supported language."""
    from babel import Locale

    names: dict[str, set[str]] = {}
    for locale in LANGUAGES:
        for code, name in Locale.parse(locale).territories.items():
            if len(code) == 2 and code.isalpha() and code not in AMBIGUOUS:
                names.setdefault(code, set()).update(_folded_name(n) for n in _variants(name))
    for code, aliases in ALIASES.items():
        names.setdefault(code, set()).update(_folded_name(a) for a in aliases)
    return {code: frozenset(n for n in found if n) for code, found in names.items()}


def _variants(name: str) -> list[str]:
    """CLDR's name and the short forms inside it: "Myanmar (Burma)" is also "Myanmar" and "Burma", "Congo -
    Kinshasa" also "Congo"."""
    out = [name]
    if match := re.fullmatch(r"(.+?)\s*\((.+)\)", name):
        out += [match.group(1), match.group(2)]
    if " - " in name:
        out.append(name.split(" - ")[0])
    return out


def _folded_name(name: str) -> str:
    # CLDR writes "Congo - Kinshasa" and "Côte d’Ivoire": compare words, not punctuation.
    return " ".join(re.findall(r"\w+", fold(name)))


def _alternation(names: Iterable[str]) -> str:
    # Longest first, so "Guinea-Bissau" is read as itself and not as "Guinea"; words may be joined by any
    # punctuation ("Côte d'Ivoire", "EE. UU.", "Timor-Leste").
    ordered = sorted(set(names), key=len, reverse=True)
    return "|".join(r"\W+".join(map(re.escape, n.split())) for n in ordered)


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern[str]]:
    return {code: re.compile(rf"\b(?:{_alternation(names)})\b") for code, names in country_names().items()}


@lru_cache(maxsize=1)
def _any_country() -> tuple[re.Pattern[str], dict[str, frozenset[str]]]:
    codes: dict[str, set[str]] = {}
    for code, names in country_names().items():
        for name in names:
            codes.setdefault(name, set()).add(code)
    pattern = re.compile(rf"\b(?:{_alternation(codes)})\b")
    return pattern, {name: frozenset(found) for name, found in codes.items()}


def countries_in(text: str) -> set[str]:
    """Codes of the countries a text names, in any supported language."""
    pattern, codes = _any_country()
    found: set[str] = set()
    for match in pattern.finditer(fold(text)):
        found |= codes[_folded_name(match.group(0))]
    return found


def names_country(code: str, text: str) -> bool:
    """Whether a text names the country, in any supported language."""
    return _patterns()[code].search(fold(text)) is not None


def absent_countries(question: str, contexts: Iterable[str]) -> list[str]:
    """The countries the question names that none of the contexts names, by their English names."""
    named = countries_in(question)
    if not named:
        return []  # most questions name no country: nothing to fold or look up
    texts = [fold(t) for t in contexts]
    missing = [code for code in named if not any(_patterns()[code].search(t) for t in texts)]
    return sorted(_english_names().get(code, code) for code in missing)


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    from babel import Locale

    return dict(Locale.parse("en").territories)
