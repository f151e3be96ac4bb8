"""Check every sentence of a generated answer against the passages it cites, before it is shown.

A sentence is kept only when:
1. it cites at least one passage, and every cited number exists;
2. every figure and date in it appears in its cited passages (number formats normalised: 3,5 = 3.5,
   5 500 = 5,500 = 5500; "$554 billion" may be written "$554 mil millones" in a Spanish source);
3. every acronym and proper name in it appears in its cited passages (acronyms may have
   their other-language form: IOM/OIM; names are compared without accents and case, glossary terms, countries,
   month and language names in any of the three languages, and a word of 6+ letters by its first 5, for
   translated names). The
   question's own figures and names get no pass: a sentence that says "the 2022 declaration" cites a passage
   that says 2022, or is dropped;
4. its e5 similarity to the best sentence of its cited passages clears a calibrated threshold;
5. its figures (years aside) come in the order the cited passage gives them, so two figures are not swapped, and
   a figure with a magnitude word has the same magnitude in the passage: "554 mil millones" is 554 billion, never
   554 million (a slip a model makes when translating); "billion" is 10^12 in French and "billón" in Spanish;
6. it is written in the question's language, when the detector can tell (a French question about a Spanish
   paper gets no Spanish sentence);
7. it answers rather than restates the question: a question mark, or no figure and at most one content word that
   the question did not already have, is an echo (the small local model often rewrites the question as its answer,
   which every other check would pass).
A passage sentence that tells the reader to ignore instructions (a planted prompt injection) supports nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.answer.names import name_found
from assistant.retrieval.terms import analyse, looks_like_instruction
from gfmd.records import AnswerSentence, Chunk
from gfmd.text.languages import detect_language
from gfmd.text.magnitudes import magnitudes
from gfmd.text.names import statement_names
from gfmd.text.normalize import fold
from gfmd.text.numbers import (
    figure_forms,
    figures_as_digits,
    figures_in_order,
    is_year,
)
from gfmd.text.quotes import strip_markers
from gfmd.text.sentences import split_sentences

Embed = Callable[[Sequence[str]], np.ndarray]
_MARKER = re.compile(r"\s*\[(\d+(?:\s*[,;]\s*\d+)*)\]")
# Markers written after the full stop ("… in 2017. [1] Next …"): moved before it, so the sentences still split.
_MARKERS_AFTER_STOP = re.compile(r"([.!?…])((?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])+)")


@dataclass
class Verified:
    sentences: list[AnswerSentence]
    kept: list[AnswerSentence]
    dropped: list[AnswerSentence]


def parse_cited_sentences(text: str) -> list[tuple[str, list[int]]]:
    """Split a generated answer into (sentence without markers, cited numbers)."""
    out: list[tuple[str, list[int]]] = []
    for sentence in split_sentences(_MARKERS_AFTER_STOP.sub(r"\2\1", " ".join(text.split()))):
        numbers = [int(n) for m in _MARKER.finditer(sentence) for n in re.split(r"[,;]", m.group(1))]
        clean = _MARKER.sub("", sentence).strip()
        if clean:
            out.append((clean, list(dict.fromkeys(numbers))))
    # A marker standing after the final period belongs to the sentence before it.
    merged: list[tuple[str, list[int]]] = []
    for sentence, numbers in out:
        if merged and re.fullmatch(r"[\W\d]*", sentence):
            merged[-1] = (merged[-1][0], merged[-1][1] + numbers)
        else:
            merged.append((sentence, numbers))
    return merged


def wrong_magnitudes(sentence: str, lang: str, passages: Sequence[Chunk]) -> list[str]:
    """The sentence's figures whose magnitude word the cited passages never give them: "554 million" from a
    passage saying "554 mil millones". A figure the passages state without a magnitude word gets no pass either."""
    given = {pair for p in passages for pair in magnitudes(figures_as_digits(p.text, p.lang), p.lang)}
    return [
        f"{figure} (10^{power})" for figure, power in sorted(magnitudes(sentence, lang)) if (figure, power) not in given
    ]


def out_of_order(sentence: str, context: str) -> list[str]:
    """The sentence's figures (years aside) when they come in another order than in the passage: a small model
    that read "1.2 million granted, 1.5 million promised" and wrote "1.5 million granted, 1.2 million promised"
    cites figures that are all in the passage, so only their order gives the swap away. Restating keeps the
    order of figures in practice; years move ("In 2019, X reached 554" / "X reached 554 in 2019") and are left out.
    """
    figures = [f for f in dict.fromkeys(figures_in_order(sentence)) if not is_year(f)]
    if len(figures) < 2:
        return []
    first_seen: dict[str, int] = {}
    for position, value in enumerate(figures_in_order(context)):
        first_seen.setdefault(value, position)
    positions = [first_seen[f] for f in figures if f in first_seen]
    return figures if positions != sorted(positions) else []


_SOURCE_WORDS = re.compile(
    r"\b(?:paper|document|documento|report|informe|rapport|fact sheet|hoja informativa|fiche|declaration|declaracion"
    r"|resolution|resolucion|compact|pacto|pacte|handbook|manual|evaluation|evaluacion|study|estudio|etude|note|nota"
    r"|brief|background|referencia|reference)\b"
)
_REFERS = r"(?:according to|as stated in|per|under|in|selon|d'apres|d'après|dans|según|segun|de acuerdo con|en)"
_LEAD = re.compile(rf"^{_REFERS}\s+(?P<clause>[^,;:]{{3,200}}),\s+(?P<rest>\S.*)$", re.IGNORECASE)
_TAIL = re.compile(rf"^(?P<rest>.*\S),?\s+{_REFERS}\s+(?P<clause>[^,;:]{{3,200}}?)(?P<end>[.!?]?)$", re.IGNORECASE)


def _names_the_source(clause: str, question: str) -> bool:
    """Whether a clause only names the document the question named ("the GFMD 2020 background paper"): a source
    word, and every word and figure taken from the question."""
    if not _SOURCE_WORDS.search(fold(clause)):
        return False
    stems = analyse(clause).stems
    asked = analyse(question).stems
    return all(any(s & a for a in asked) for s in stems) and figure_forms(clause) <= figure_forms(question)


def drop_echoed_clauses(sentence: str, question: str) -> str:
    """The sentence without a leading or trailing clause that names the source as the question did: "According to
    the GFMD 2020 background paper, remittances reached …" -> "Remittances reached …". The small model opens most
    answers with the question's framing, whose figures (the "2020" of a title) the cited passage rarely holds, and
    the citation names the source anyway; what is left is the claim, checked like any other."""
    if not question:
        return sentence
    lead = _LEAD.match(sentence)
    if lead and _names_the_source(lead["clause"], question):
        rest = lead["rest"]
        sentence = rest[0].upper() + rest[1:]
    tail = _TAIL.match(sentence)
    if tail and _names_the_source(tail["clause"], question) and len(tail["rest"].split()) >= 3:
        sentence = tail["rest"].rstrip(",") + (tail["end"] or ".")
    return sentence


def restates(sentence: str, question: str) -> bool:
    """Whether a sentence only echoes the question (see rule 7 above)."""
    if sentence.rstrip().endswith("?"):
        return True
    if figure_forms(sentence) - figure_forms(question):
        return False
    asked = analyse(question).stems
    new = [stems for stems in analyse(sentence).stems if not any(stems & other for other in asked)]
    return len(new) <= 1


def verify(
    answer_text: str,
    passages: Sequence[Chunk],
    embed: Embed,
    threshold: float,
    question: str = "",
    lang: str = "",
) -> Verified:
    """Verdict for each sentence of `answer_text`, whose [n] markers refer to `passages` (1-based); `lang`, when
    given, is the language the sentences must be written in (the question's)."""
    results: list[AnswerSentence] = []
    parsed = [(drop_echoed_clauses(s, question), cited) for s, cited in parse_cited_sentences(answer_text)]
    texts = [s for s, _ in parsed]
    vectors = embed(texts) if texts else np.zeros((0, 1), dtype=np.float32)
    for i, (sentence, cited) in enumerate(parsed):
        reason = ""
        valid = [n for n in cited if 1 <= n <= len(passages)]
        score: float | None = None
        if not cited:
            reason = "cites no passage"
        elif len(valid) < len(cited):
            reason = f"cites a passage that does not exist: {sorted(set(cited) - set(valid))}"
        else:
            cited_passages = [passages[n - 1] for n in valid]
            candidates = [
                (s, p.lang) for p in cited_passages for s in split_sentences(p.text) if not looks_like_instruction(s)
            ]
            if candidates:
                score = float(np.max(embed([s for s, _ in candidates]) @ vectors[i]))
            reason = _first_failure(sentence, cited_passages, candidates, question, lang)
            if not reason and (score is None or score < threshold):
                reason = f"semantic support {score if score is not None else 0:.3f} below {threshold:.3f}"
        results.append(
            AnswerSentence(
                text=sentence,
                citations=valid or cited,
                supported=not reason,
                support_score=round(score, 4) if score is not None else None,
                reason=reason,
            )
        )
    kept = [s for s in results if s.supported]
    dropped = [s for s in results if not s.supported]
    return Verified(results, kept, dropped)


def _first_failure(
    sentence: str, cited: Sequence[Chunk], candidates: Sequence[tuple[str, str]], question: str, lang: str
) -> str:
    """The first of rules 2-7 (module docstring) that `sentence` breaks against the sentences of the passages it
    cites (each with its passage's language), or "" when it breaks none."""
    context = " ".join(s for s, _ in candidates)
    # Figures are compared as digits, however they are written ("twenty-two", "tres millones").
    stated = figures_as_digits(sentence, lang or detect_language(sentence, default="en"))
    # Footnote markers are no figures: "junio de 2020.17" gives 2020 (gfmd.text.quotes).
    given = " ".join(figures_as_digits(strip_markers(s), s_lang) for s, s_lang in candidates)
    written = detect_language(sentence, default="und") if lang else "und"
    if question and restates(sentence, question):
        return "restates the question instead of answering it"
    if written not in ("und", lang):
        return f"written in {written}, not in the question's language ({lang})"
    if missing := sorted(figure_forms(stated) - figure_forms(given)):
        return f"figures not in the cited passages: {', '.join(missing)}"
    if wrong := wrong_magnitudes(stated, lang or written, cited):
        return f"figures with another magnitude than in the cited passages: {', '.join(wrong)}"
    if swapped := out_of_order(stated, given):
        return f"figures in another order than in the cited passage (swapped?): {', '.join(swapped)}"
    folded = fold(context)
    if missing_names := [n for n in statement_names(sentence) if not name_found(n, folded)]:
        return f"names not in the cited passages: {', '.join(missing_names)}"
    return ""
