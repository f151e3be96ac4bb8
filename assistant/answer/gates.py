"""The extractive answerer's refusal gates: each checks one rule and returns its refusal reason, or None.

`assistant.answer.extractive.extract` runs them in this order, and the first reason refuses the question (the
order decides which reason a question that breaks several rules gets; the evaluation counts the reasons):

On the retrieved passages:
1. `no_passage`: nothing was retrieved.
2. `resolution_not_indexed`: the question names a resolution (symbol or year) no retrieved passage is from.
On the candidate sentences of the best passages:
3. `no_usable_sentence`: no sentence there can be quoted.
4. `unknown_acronyms`: the question's acronyms are unknown to the corpus.
5. `figures_not_found`: no sentence has the question's figures and references near it.
6. `written_before`: every such sentence's document predates the year the question asks about.
7. `weak_support`: the best remaining sentence is not similar enough to the question.
On the sentences chosen as the answer (`QUOTE_GATES`, an `Evidence` each):
8. `asked_kind_missing`: they do not give what the question asks for.
9. `measure_missing`: their figures do not measure what the question asks about (money, or a count of something).
10. `countries_not_quoted`: no quoted passage names the question's countries.

A gate stays only while it serves a class of dev questions; the gates removed, and why, are in docs/evaluation.md.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from assistant.answer.asks import missing
from assistant.answer.candidates import Candidate, Question
from assistant.answer.measures import Measure
from assistant.retrieval.docmatch import document_reference, names_resolution, referenced_sources, symbols_of
from gfmd.records import Document, ScoredChunk
from gfmd.text.countries import absent_countries
from gfmd.text.names import ACRONYM_EQUIVALENTS


@dataclass(frozen=True)
class Support:
    """How similar the best sentence must be to the question: `cross` (when set) for a sentence in another
    language than the question's, since cross-lingual similarities run lower."""

    same: float
    cross: float | None = None

    def threshold(self, passage_lang: str, question_lang: str) -> float:
        if self.cross is not None and passage_lang != question_lang:
            return self.cross
        return self.same


@dataclass(frozen=True)
class Evidence:
    """The sentences chosen to answer, best first, and what the retrieved passages show of their documents."""

    question: Question
    chosen: Sequence[Candidate]
    documents: Mapping[str, str]  # by document id (`assistant.answer.grounding.documents_of`)


def no_passage(top: Sequence[ScoredChunk]) -> str | None:
    """Refuses when no passage was retrieved."""
    return "no passage retrieved" if not top else None


def resolution_not_indexed(
    question: Question, passages: Sequence[ScoredChunk], indexed: Mapping[str, Document] | None = None
) -> str | None:
    """A question naming a resolution by symbol, or by its year ("the 2022 resolution on the protection of
    migrants", "adopted in December 2022"), is answered from that resolution or not at all: a look-alike of another
    year says something else (retrieval keeps to the named document when it is indexed). With the `indexed`
    documents, the named one is looked for among them as retrieval does (`docmatch.referenced_sources`: a year's
    resolution must also be on the subject the question gives); without, among the passages' documents, where a
    resolution whose year is unknown may be the one named."""
    reference = document_reference(question.text)
    if reference is None:
        return None
    if indexed is not None and not referenced_sources(reference, indexed, question.text):
        if reference.symbols:
            return f"no indexed document is resolution {', '.join(sorted(reference.symbols))}"
        return f"no indexed resolution dates from {reference.year} on the subject asked about"
    if reference.symbols:
        named = set(reference.symbols)
        if not any(symbols_of(p.chunk.source, p.chunk.title) & named for p in passages):
            return f"no indexed document is resolution {', '.join(sorted(named))}"
        return None
    if not any(
        p.chunk.year in (reference.year, None) and names_resolution(p.chunk.source, p.chunk.title) for p in passages
    ):
        return f"no indexed resolution dates from {reference.year}"
    return None


def no_usable_sentence(candidates: Sequence[Candidate]) -> str | None:
    """Refuses when the best passages hold no sentence that can be quoted."""
    return "no usable sentence in the retrieved passages" if not candidates else None


def unknown_acronyms(question: Question, known_term: Callable[[str], bool] | None) -> str | None:
    """An acronym the corpus never mentions, in any of its languages' forms (IOM/OIM), names something the
    documents do not cover. Without `known_term` every acronym passes."""
    if known_term is None:
        return None
    unknown = [t for t in question.terms.acronyms if not _known(t, known_term)]
    return f"no document mentions {', '.join(unknown)}" if unknown else None


def _known(acronym: str, known_term: Callable[[str], bool]) -> bool:
    options = next((group for group in ACRONYM_EQUIVALENTS if acronym in group), {acronym})
    return any(known_term(option) for option in options)


def figures_not_found(question: Question, grounded: Sequence[Candidate]) -> str | None:
    """Refuses when no sentence has the question's figures and dates near it and its references in its document
    (`assistant.answer.grounding`)."""
    if grounded:
        return None
    return f"no passage mentions {', '.join(question.terms.numbers + question.terms.references)}"


def written_before(question: Question, grounded: Sequence[Candidate], current: Sequence[Candidate]) -> str | None:
    """A document cannot report what happened after it was written: "raised by the end of 2023" is not answered by
    a 2020 paper's target for 2023. `current` are the `grounded` sentences whose documents may report the year the
    question asks about (`assistant.answer.asks.after_document`)."""
    if current:
        return None
    years = sorted({str(c.passage.chunk.year) for c in grounded})
    return f"the passages that mention {', '.join(question.terms.dated)} were written before it ({', '.join(years)})"


def weak_support(question: Question, best: Candidate, support: Support) -> str | None:
    """The best sentence's e5 similarity with the question must reach the support threshold."""
    threshold = support.threshold(best.passage.chunk.lang, question.lang)
    if best.dense < threshold:
        return f"best sentence similarity {best.dense:.3f} below {threshold:.3f}"
    return None


def asked_kind_missing(evidence: Evidence) -> str | None:
    """The evidence must give what the question asks for: a figure (news: a year or number the question itself
    states, "how many ... in 2023?", does not answer it), a rate, the date of an event, a day, a place."""
    terms = evidence.question.terms
    kind = missing(evidence.question.text, [c.text for c in evidence.chosen], terms.numbers)
    return f"the question asks for a {kind} and the evidence gives none" if kind is not None else None


def measure_missing(evidence: Evidence) -> str | None:
    """When the question says what its figure measures, a chosen sentence must have such a figure: a sum of money
    for "how much did it cost", a figure next to the counted noun for "how many caseworkers"
    (`assistant.answer.measures`); a figure of something else does not answer it."""
    question = evidence.question
    if not question.measures or any(question.answered_by(c.text) for c in evidence.chosen):
        return None
    asked = " or ".join(_measure_name(m) for m in question.measures)
    return f"no quoted figure is {asked}"


def _measure_name(measure: Measure) -> str:
    if measure.kind == "money":
        return "a sum of money"
    if measure.kind == "duration":
        return "a length of time"
    return f"a number of {measure.nouns[0]}"


def countries_not_quoted(evidence: Evidence) -> str | None:
    """A country the question names, in whatever language, must be named by a passage the answer quotes (its text,
    section or title): a question on Qatar's minimum wage is not answered by a resolution on domestic workers that
    never names Qatar, nor Canada's pledge by the paragraph on the United States' pledge in a fact sheet that names
    Canada elsewhere. Country names are known in every supported language (gfmd.text.countries), so this one holds
    across languages."""
    chunks = [c.passage.chunk for c in evidence.chosen]
    chunks += [c.continued.chunk for c in evidence.chosen if c.continued is not None]
    quoted = {f"{c.title} {c.section or ''} {c.text}" for c in chunks}
    absent = absent_countries(evidence.question.text, quoted)
    return f"no quoted passage mentions {', '.join(absent)}" if absent else None


QUOTE_GATES: tuple[Callable[[Evidence], str | None], ...] = (
    asked_kind_missing,
    measure_missing,
    countries_not_quoted,
)


def first_refusal(evidence: Evidence) -> str | None:
    """The first of `QUOTE_GATES` to refuse the chosen sentences, in order."""
    for gate in QUOTE_GATES:
        reason = gate(evidence)
        if reason is not None:
            return reason
    return None
