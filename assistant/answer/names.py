"""Is a name of a sentence or question in a text, allowing for translation across en/es/fr?

Shared by the extractive gates and the verification of generated sentences: acronyms in their other-language form
(IOM/OIM), month and language names in any language, countries in any language, glossary terms ("trust fund":
"fondo fiduciario"), and a word of 6+ letters by its first 5 ("Venezuelans", "venezolanos").
"""

from __future__ import annotations

import re

from assistant.retrieval.glossary import expansions
from gfmd.text.countries import countries_in, names_country
from gfmd.text.dates import MONTH_GROUPS
from gfmd.text.names import ACRONYM_EQUIVALENTS, LANGUAGE_NAME_GROUPS

# Month and language names are dates and languages, not names: "June" is checked as any language's name of the
# sixth month, "inglés" as any language's name of English ("por sus siglas en inglés" is "by its English acronym").
_SAME_WORD_GROUPS = LANGUAGE_NAME_GROUPS + MONTH_GROUPS
# A name written in the answer's language may differ from the passage's after its first letters ("Venezuelans",
# "venezolanos"; "Colombie", "Colombia"): a word of 6+ letters is found when a word of the passage starts with its
# first 5.
PREFIX = 5


def word_found(word: str, folded_context: str) -> bool:
    if re.search(rf"\b{re.escape(word)}", folded_context):
        return True
    return len(word) > PREFIX and re.search(rf"\b{re.escape(word[:PREFIX])}", folded_context) is not None


def name_found(name: str, folded_context: str) -> bool:
    """Whether a folded name is in a folded text, or its translation is."""
    same = next((group for group in _SAME_WORD_GROUPS if name in group), None)
    if same is not None:
        return any(re.search(rf"\b{word}\b", folded_context) for word in same)
    if any(names_country(code, folded_context) for code in countries_in(name)):
        return True  # a country, in any language ("Turkey", "Turquía")
    options = next((group for group in ACRONYM_EQUIVALENTS if name in group), {name})
    if any(re.search(rf"\b{re.escape(opt)}\b", folded_context) for opt in options):
        return True
    if any(re.search(rf"\b{re.escape(term)}\b", folded_context) for term in expansions(name)):
        return True  # a glossary term ("trust fund": "fondo fiduciario")
    # Word by word (word order differs across languages), allowing for translation.
    return all(word_found(w, folded_context) for w in name.split())
