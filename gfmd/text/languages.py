"""The corpus's languages (English, Spanish, French): their codes and names, and which one a text is written in.

Detection counts function words first (deterministic, and right on any sentence), then asks lingua's
statistical model, restricted to the three languages, about text too short for that (keyword questions).
"""

from __future__ import annotations

import re
from functools import lru_cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

# The corpus's languages: every table of the text toolkit has a row or a column for each.
LANGUAGES = ("en", "es", "fr")
# Each language's name in each language: LANGUAGE_NAMES[reader][language] ("inglés" is English to a Spanish reader).
LANGUAGE_NAMES = {
    "en": {"en": "English", "es": "Spanish", "fr": "French"},
    "es": {"en": "inglés", "es": "español", "fr": "francés"},
    "fr": {"en": "anglais", "es": "espagnol", "fr": "français"},
}

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        [
            "the",
            "of",
            "and",
            "to",
            "in",
            "is",
            "are",
            "was",
            "were",
            "for",
            "on",
            "with",
            "by",
            "that",
            "this",
            "which",
            "what",
            "who",
            "how",
            "why",
            "when",
            "where",
            "does",
            "did",
            "do",
            "has",
            "have",
            "had",
            "be",
            "been",
            "from",
            "as",
            "at",
            "or",
            "an",
            "it",
            "its",
            "their",
            "there",
            "these",
            "those",
            "than",
            "into",
            "many",
            "much",
            "according",
        ]
    ),
    "es": frozenset(
        [
            "el",
            "la",
            "los",
            "las",
            "de",
            "del",
            "y",
            "en",
            "que",
            "es",
            "son",
            "fue",
            "por",
            "para",
            "con",
            "una",
            "uno",
            "un",
            "al",
            "se",
            "su",
            "sus",
            "como",
            "qué",
            "quién",
            "cuál",
            "cuáles",
            "cuántos",
            "cuántas",
            "cuánto",
            "cómo",
            "dónde",
            "cuándo",
            "por",
            "qué",
            "según",
            "entre",
            "sobre",
            "este",
            "esta",
            "estos",
            "lo",
            "más",
            "ha",
            "han",
        ]
    ),
    "fr": frozenset(
        [
            "le",
            "la",
            "les",
            "des",
            "du",
            "de",
            "et",
            "en",
            "est",
            "sont",
            "été",
            "pour",
            "par",
            "avec",
            "une",
            "un",
            "au",
            "aux",
            "dans",
            "qui",
            "que",
            "quoi",
            "quel",
            "quelle",
            "quels",
            "quelles",
            "combien",
            "comment",
            "pourquoi",
            "où",
            "quand",
            "ce",
            "cette",
            "ces",
            "selon",
            "sur",
            "ont",
            "a",
            "été",
            "il",
            "elle",
            "ils",
            "leur",
            "leurs",
            "pas",
            "plus",
        ]
    ),
}
# Letters that only one of the three languages uses: strong evidence on short text.
_MARKERS: dict[str, re.Pattern[str]] = {
    "es": re.compile(r"[ñ¿¡]|ción\b|ciones\b"),
    "fr": re.compile(r"[èêàùçœ]|\b(?:l|d|qu|n|s|c)['’]\w"),
    "en": re.compile(r"\b(?:the|and|of)\b"),
}
_WORD = re.compile(r"[a-záéíóúñüàâçèêëîïôûùœ]+", re.IGNORECASE)


def stop_words(lang: str) -> frozenset[str]:
    """The most frequent function words of a corpus language."""
    return _STOPWORDS.get(lang, frozenset())


# Languages lingua may answer with: only the corpus's, so a short question is never "detected" as Portuguese.
_LINGUA = {Language.ENGLISH: "en", Language.SPANISH: "es", Language.FRENCH: "fr"}
# How far lingua's most likely language must lead the next one before it is believed: keywords shared by English
# and French ("management response", "Objective 1") stay undecided and take the caller's default (the
# document's language for a passage, English for a question).
MIN_LINGUA_MARGIN = 0.2


@lru_cache(maxsize=1)
def _lingua() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*_LINGUA).build()


def detect_language(text: str, default: str = "und") -> str:
    """Return 'en', 'es', 'fr', or `default` when the text does not say.

    Function words decide first: on a sentence they are deterministic and near certain. Text without enough of
    them (keyword questions such as "Remesas Nigeria 2019", headings) goes to lingua's statistical model, which
    is believed only when it is clearly sure.
    """
    sample = text[:5000]
    if not _WORD.search(sample):
        return default
    by_words = function_word_language(sample)
    if by_words is not None:
        return by_words
    ranked = _lingua().compute_language_confidence_values(sample)
    if len(ranked) >= 2 and ranked[0].value - ranked[1].value >= MIN_LINGUA_MARGIN:
        return _LINGUA[ranked[0].language]
    return default


def function_word_language(text: str) -> str | None:
    """The language whose function words and letters a text uses most, or None when the evidence is too thin."""
    words = [w.lower() for w in _WORD.findall(text[:5000])]
    if not words:
        return None
    scores = {lang: 0.0 for lang in LANGUAGES}
    for word in words:
        for lang, stop in _STOPWORDS.items():
            if word in stop:
                scores[lang] += 1.0
    lowered = text[:5000].lower()
    for lang, pattern in _MARKERS.items():
        scores[lang] += 1.5 * len(pattern.findall(lowered))
    best = max(scores, key=lambda k: scores[k])
    ranked = sorted(scores.values(), reverse=True)
    if ranked[0] < 1.0 or ranked[0] == ranked[1]:
        return None
    return best
