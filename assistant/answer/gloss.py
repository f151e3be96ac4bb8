"""A key-points line, in the asker's language, for a sentence quoted in another language.

When no verified translation of a quote is available (extractive mode, the model down, or its translation failed
verification), the verbatim quote is shown with one line that tells the asker, in their language, what it gives:
its figures with their magnitude words rewritten ("€ 17.7 mil millones" -> "€ 17.7 billion"), its years, its
acronyms and names as written (in quotation marks: they are the source's words), and the words of the question
it is about (matched across languages through the glossary and cognates). Nothing in the line is invented: every
figure and name is the quote's, every topic word is the asker's own. It says plainly that it is not a translation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.retrieval.glossary import equivalent_terms
from assistant.retrieval.terms import COGNATE_PREFIX, stem_prefixes
from gfmd.records import AnswerSentence, Citation
from gfmd.text.languages import LANGUAGE_NAMES, LANGUAGES, function_word_language, stop_words
from gfmd.text.magnitudes import scale_word, scaled_figures
from gfmd.text.names import NOT_NAMES_IN_QUESTIONS, NOT_NAMES_IN_STATEMENTS
from gfmd.text.normalize import fold, stem_all, tokens
from gfmd.text.numbers import FIGURE, figures_as_digits, normalize_number
from gfmd.text.quantities import quantities_in

MAX_FIGURES = 4
MAX_NAMES = 3
MAX_TOPICS = 4

_LINE = {
    "en": "In brief ({source} quote, not a translation): {points}.",
    "es": "En breve (cita en {source}, no es una traducción): {points}.",
    "fr": "En bref (citation en {source}, pas une traduction) : {points}.",
}
_GIVES = {"en": "gives {}", "es": "da {}", "fr": "donne {}"}
_NAMES = {"en": "names {}", "es": "nombra {}", "fr": "nomme {}"}
_ABOUT = {"en": "about {}", "es": "sobre {}", "fr": "sur {}"}
_NOTHING = {
    "en": "see the highlighted passage in the sources",
    "es": "vea el pasaje resaltado en las fuentes",
    "fr": "voir le passage surligné dans les sources",
}
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*%")  # percent words are "%" by then (`_PERCENT_WORDS`)
_PERCENT_WORDS = re.compile(r"\s*\b(?:por\s+ciento|pour\s+cent|per\s*cent)\b", re.IGNORECASE)
_CURRENCY = re.compile(r"(?:US\$|\$|€|£|USD|EUR|CHF)\s*$")
_YEARS = re.compile(r"\b(?:19|20)\d\d(?:\s*[–-]\s*(?:19|20)?\d\d)?\b")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,9}(?:-[A-Za-z0-9]+)?\b")
_NAME_RUN = re.compile(
    r"(?<=[\s(«“\"'])[A-ZÁÉÍÓÚÑ][a-záéíóúñü]{2,}(?:\s+(?:de\s+la\s+|de\s+|del\s+|for\s+|of\s+)?[A-ZÁÉÍÓÚÑ][a-záéíóúñü]{2,})+"
)
_WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


def with_key_points(
    sentences: Sequence[AnswerSentence], citations: Sequence[Citation], question: str, lang: str
) -> list[AnswerSentence]:
    """The sentences, each quoted in another language than `lang` given its key-points line."""
    langs = {c.n: c.lang for c in citations}
    out = []
    for sentence in sentences:
        written = function_word_language(sentence.text) or langs.get(next(iter(sentence.citations), 0), lang)
        if written != lang and written in LANGUAGES and sentence.supported is not False:
            sentence = sentence.model_copy(update={"gloss": key_points(sentence.text, written, question, lang)})
        out.append(sentence)
    return out


def key_points(quote: str, quote_lang: str, question: str, lang: str) -> str:
    """One line in `lang` saying what `quote` (written in `quote_lang`) gives: figures, years, names and the
    question's topics it covers."""
    points = []
    # "por ciento" first: read as number words, "ciento" would become a figure of its own (100).
    with_percent = _PERCENT_WORDS.sub(" %", quote)
    if figures := _figures(figures_as_digits(with_percent, quote_lang), quote_lang, lang):
        points.append(_GIVES.get(lang, _GIVES["en"]).format(", ".join(figures)))
    if names := _names(quote, quote_lang):
        points.append(_NAMES.get(lang, _NAMES["en"]).format(", ".join(f"“{n}”" for n in names)))
    if topics := _topics(quote, quote_lang, question, lang):
        points.append(_ABOUT.get(lang, _ABOUT["en"]).format(", ".join(topics)))
    source = LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES["en"]).get(quote_lang, quote_lang)
    said = "; ".join(points) if points else _NOTHING.get(lang, _NOTHING["en"])
    return _LINE.get(lang, _LINE["en"]).format(source=source, points=said)


def _figures(quote: str, quote_lang: str, lang: str) -> list[str]:
    """The quote's figures as `lang` writes them: magnitude words rewritten, percentages as "%", currency kept,
    years and year ranges as they are; note markers and paragraph numbers left out (`quantities_in`)."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, text: str) -> None:
        if not any(start < e and s < end for s, e in taken) and text not in (t for _, t in found):
            found.append((start, text))
            taken.append((start, end))

    def currency_before(start: int) -> str:
        found = _CURRENCY.search(quote[max(0, start - 5) : start])
        return f"{found.group().strip()} " if found else ""

    for start, end, raw, word, power in scaled_figures(quote, quote_lang):
        add(start, end, f"{currency_before(start)}{raw} {scale_word(raw, power, lang) or word}")
    for match in _PERCENT.finditer(quote):
        add(match.start(), match.end(), f"{match.group(1)} %")
    quantities = quantities_in(quote)
    for match in FIGURE.finditer(quote):
        if normalize_number(match.group()) in quantities:
            add(match.start(), match.end(), f"{currency_before(match.start())}{match.group()}")
    for match in _YEARS.finditer(quote):
        add(match.start(), match.end(), match.group())
    return [text for _, text in sorted(found)][:MAX_FIGURES]


def _names(quote: str, quote_lang: str) -> list[str]:
    """Acronyms and runs of capitalised words, as the quote writes them (names are not translated)."""
    skip = NOT_NAMES_IN_QUESTIONS | NOT_NAMES_IN_STATEMENTS
    openers = skip | stop_words(quote_lang)  # "The", "La": a run's first word that names nothing
    found: list[str] = []
    for match in sorted([*_ACRONYM.finditer(quote), *_NAME_RUN.finditer(quote)], key=lambda m: m.start()):
        first, _, rest = match.group().partition(" ")
        name = rest.strip() if rest and fold(first) in openers else match.group()
        if fold(name) in skip or any(name in other for other in found):
            continue
        found.append(name)
    return found[:MAX_NAMES]


def _topics(quote: str, quote_lang: str, question: str, lang: str) -> list[str]:
    """The question's glossary terms and content words that the quote holds in its own language (a glossary
    equivalent, a stem in any language, or a cognate), as the question writes them, adjacent words joined."""
    folded_quote = fold(quote)
    stems = frozenset(tokens(quote, quote_lang))
    prefixes = stem_prefixes(stems)
    folded_question = fold(question)
    same_length = len(folded_question) == len(question)
    spans: list[tuple[int, int]] = []
    for start, end, terms in equivalent_terms(folded_question):
        if any(re.search(rf"\b{re.escape(term)}\b", folded_quote) for term in terms):
            spans.append((start, end))
    stop = stop_words(lang) | NOT_NAMES_IN_QUESTIONS
    for match in _WORD.finditer(question):
        word = fold(match.group())
        if len(word) < 4 or word in stop or any(s <= match.start() < e for s, e in spans):
            continue
        word_stems = stem_all(word)
        held = not word_stems.isdisjoint(stems) or (
            len(word) >= COGNATE_PREFIX and not stem_prefixes(word_stems).isdisjoint(prefixes)
        )
        if held:
            spans.append((match.start(), match.end()))
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and re.fullmatch(r"[\s-]*", question[merged[-1][1] : start]):
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    text = question if same_length else folded_question
    topics = list(dict.fromkeys(text[s:e].strip() for s, e in merged))
    return topics[:MAX_TOPICS]
