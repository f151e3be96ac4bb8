"""The corpus's languages (English, Spanish, French): their codes and names, and which one a text is written in.

Function-word counting is deterministic and works on a six-word question, where statistical detectors
trained on long text guess. Anything else is reported as 'und' (undetermined).
"""

from __future__ import annotations

import re

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


def detect_language(text: str, default: str = "und") -> str:
    """Return 'en', 'es', 'fr', or `default` when the evidence is too thin."""
    words = [w.lower() for w in _WORD.findall(text[:5000])]
    if not words:
        return default
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
        return default
    return best
