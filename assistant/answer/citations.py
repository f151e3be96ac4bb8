"""The extractive answer's sentences and citations: each passage cited once, each quote clean.

Two sentences chosen from one passage cite it under one number, with one quote: the span of the passage from the
first to the last of them. Quotes and answer sentences are cleaned as `gfmd.text.quotes` allows (footnote markers,
a footnote's own number, a heading run into the sentence), so a quote stays a span of its page, at its page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from assistant.answer.candidates import Candidate
from gfmd.records import SECTION_SEP, AnswerSentence, Chunk, Citation, ScoredChunk
from gfmd.text.quotes import clean_quote, footnote_number, marker_numbers

# Similarities and passage scores are reported to this many decimals: finer digits are noise.
SCORE_DIGITS = 4

# A footnote number may skip this many after the last one (a footnote the loader did not see as one).
FOOTNOTE_GAP = 3
# The footnote numbers of a passage's page (those its page shows as footnote markers or footnotes).
Footnotes = Callable[[Chunk], frozenset[int]]


def cite(
    chosen: Sequence[Candidate], footnotes: Footnotes | None = None
) -> tuple[list[AnswerSentence], list[Citation]]:
    """The chosen sentences in the document order of each passage, so the answer reads naturally, each citing its
    passage (a sentence a page break cut cites both of its passages); a passage is cited once."""
    numbers: dict[str, int] = {}
    passages: list[ScoredChunk] = []
    parts: list[list[str]] = []
    sentences: list[AnswerSentence] = []
    for cand in sorted(chosen, key=lambda c: (c.rank, c.passage.chunk.text.find(c.text))):
        if cand.continued is None:
            pieces = [(cand.passage, cand.text)]
        else:  # each part quoted from its own passage
            pieces = [(cand.passage, cand.text[: -len(cand.head)].rstrip()), (cand.continued, cand.head)]
        cited: list[int] = []
        for passage, piece in pieces:
            key = passage.chunk.chunk_id
            if key not in numbers:
                numbers[key] = len(passages) + 1
                passages.append(passage)
                parts.append([])
            parts[numbers[key] - 1].append(piece)
            if numbers[key] not in cited:
                cited.append(numbers[key])
        text = _clean(cand.text, cand.passage.chunk, footnotes)
        support = round(cand.dense, SCORE_DIGITS)
        sentences.append(AnswerSentence(text=text, citations=cited, supported=True, support_score=support))
    citations = [
        citation_for(n, passage, covering(passage.chunk.text, spans), footnotes)
        for n, (passage, spans) in enumerate(zip(passages, parts, strict=True), start=1)
    ]
    return sentences, citations


def covering(text: str, spans: Sequence[str]) -> str:
    """The span of `text` from the first to the last of `spans` (the longest of them when one is not in it)."""
    starts = [text.find(span) for span in spans]
    if any(start < 0 for start in starts):
        return max(spans, key=len)
    return text[min(starts) : max(start + len(span) for start, span in zip(starts, spans, strict=True))]


def citation_for(n: int, passage: ScoredChunk, quote: str, footnotes: Footnotes | None = None) -> Citation:
    """The citation [n] of `quote`, a span of `passage`, cleaned (`gfmd.text.quotes`)."""
    chunk = passage.chunk
    return Citation(
        n=n,
        chunk_id=chunk.chunk_id,
        doc_id=chunk.doc_id,
        title=chunk.title,
        source=chunk.source,
        page=chunk.page,
        section=chunk.section,
        lang=chunk.lang,
        quote=_clean(quote, chunk, footnotes),
        text=chunk.text,
        score=round(passage.score, SCORE_DIGITS),
    )


def _clean(text: str, chunk: Chunk, footnotes: Footnotes | None) -> str:
    """`text`, a span of `chunk`, cleaned: without the headings it may open with (the passage's section path, its
    document's title), the footnote number it may open with, and footnote markers. A number it opens with is a
    footnote's when its page shows it as one (`footnotes`, looked up only then), or, without a look-up, when the
    passage is that footnote."""
    headings = (chunk.title, *(h for h in (chunk.section or "").split(SECTION_SEP) if h))
    numbers: frozenset[int] = frozenset()
    opening = footnote_number(text)
    if opening is not None:
        if footnotes is not None:
            numbers = footnotes(chunk)
        elif chunk.kind == "footnote" and footnote_number(chunk.text) == opening:
            numbers = frozenset({opening})
    return clean_quote(text, headings=headings, footnotes=numbers)


def page_footnotes(chunks: Iterable[Chunk]) -> dict[int, frozenset[int]]:
    """A document's footnote numbers by page: those its body passages show as markers glued to their words, and
    those its footnote passages open with in sequence (a long footnote's later passage may open with a figure:
    "20 Estados" after footnote 16 is not footnote 20). By page, not by document: a report with 400 footnotes
    would otherwise take the figure opening "20 IOM staff ..." for a footnote's number."""
    chunks = sorted(chunks, key=lambda c: c.ordinal)
    pages: dict[int, set[int]] = {}
    for chunk in chunks:
        if chunk.kind == "body":
            pages.setdefault(chunk.page, set()).update(marker_numbers(chunk.text))
    last = 0
    for chunk in (c for c in chunks if c.kind == "footnote"):
        opening = footnote_number(chunk.text)
        if opening is not None and last < opening <= last + FOOTNOTE_GAP:
            pages.setdefault(chunk.page, set()).add(opening)
            last = opening
    return {page: frozenset(numbers) for page, numbers in pages.items()}
