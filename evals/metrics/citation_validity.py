"""Citation validity: is each quote verbatim (whitespace aside) in the page of the document it cites?

A quote may be cleaned as `gfmd.text.quotes` allows (footnote markers glued to words taken out, a heading or a
footnote's number it opened with left off): it is found in the page as written or in the page less those markers
(`quoted_in`), never in a page altered any other way.

Reads the documents themselves (`ingest.loaders.load_file`), not the index, so a quote altered anywhere
between the file and the answer is caught. Files are loaded once per evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from evals.metrics.base import ItemRun, MetricResult, Verdict, aggregate
from gfmd.text.normalize import normalize_ws
from gfmd.text.quotes import quoted_in
from ingest.errors import IngestError
from ingest.loaders import LoadedFile, load_file


class PageTexts:
    """Whitespace-normalised page texts by (source, page), loading each file once."""

    def __init__(self, corpus: Mapping[str, Path], loader: Callable[[Path], LoadedFile] = load_file) -> None:
        self.corpus = corpus
        self.loader = loader
        self._files: dict[str, LoadedFile | None] = {}
        self._pages: dict[tuple[str, int], str] = {}

    def page(self, source: str, page: int) -> str | None:
        """The page's text, or None when the source is not in the corpus or cannot be read."""
        key = (source, page)
        if key not in self._pages:
            loaded = self._file(source)
            if loaded is None:
                return None
            self._pages[key] = normalize_ws(loaded.page_text(page))
        return self._pages[key]

    def _file(self, source: str) -> LoadedFile | None:
        if source not in self._files:
            path = self.corpus.get(source)
            try:
                self._files[source] = self.loader(path) if path is not None else None
            except IngestError:
                self._files[source] = None
        return self._files[source]


def score_citation_validity(runs: Sequence[ItemRun], pages: PageTexts) -> MetricResult:
    verdicts: list[Verdict] = []
    for run in runs:
        citations = run.answer.citations
        # 1. Refusals and uncited answers have nothing to check.
        if not citations:
            reason = "refused" if run.answer.refused else "no citation"
            verdicts.append(Verdict(run.item.id, None, 0, reason))
            continue
        # 2. Each citation: the quote must appear in the cited page (an unknown source counts as invalid).
        valid = 0
        problems: list[str] = []
        for citation in citations:
            text = pages.page(citation.source, citation.page)
            quote = normalize_ws(citation.quote)
            if text is None:
                problems.append(f"[{citation.n}] {citation.source} is not in the corpus")
            elif not quote:
                problems.append(f"[{citation.n}] empty quote")
            elif quoted_in(quote, text):
                valid += 1
            else:
                problems.append(f"[{citation.n}] quote not on p. {citation.page} of {citation.source}")
        # 3. The item's score is its share of valid citations, weighted by its number of citations.
        detail = "; ".join(problems) or f"{valid}/{len(citations)} quotes verbatim"
        verdicts.append(Verdict(run.item.id, valid / len(citations), len(citations), detail))
    return aggregate(
        "citation_validity", verdicts, unit="citations", empty_reason="no answer with citations (all refused?)"
    )
