"""Answer language: a generated answer must be written in the question's language, whatever the sources'.

An English question about a Spanish paper gets an English answer. Only answers the model wrote are scored
(`mode == "generative"`, not refused): extractive answers quote the documents verbatim, in their own language, by
design. The language of the shown sentences (citation markers removed) is detected with the same stop-word
detector ingest uses; text too short to tell counts as a miss, so the metric cannot pass on empty answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from evals.metrics.base import ItemRun, MetricResult, Verdict, aggregate
from gfmd.text.languages import detect_language

_MARKER = re.compile(r"\[\d+(?:\s*[,;]\s*\d+)*\]")


def written_text(run: ItemRun) -> str:
    """The sentences the answer shows, without their [n] markers."""
    answer = run.answer
    shown = [s.text for s in answer.sentences if s.supported is not False] or [answer.answer]
    return _MARKER.sub(" ", " ".join(shown))


def score_answer_language(runs: Sequence[ItemRun]) -> MetricResult:
    verdicts: list[Verdict] = []
    for run in runs:
        item_id, answer = run.item.id, run.answer
        if answer.refused or answer.mode != "generative":
            verdicts.append(Verdict(item_id, None, 0, "refused" if answer.refused else f"{answer.mode} answer"))
            continue
        wanted = run.item.lang
        found = detect_language(written_text(run), default="und")
        verdicts.append(Verdict(item_id, float(found == wanted), 1, f"question {wanted}, answer {found}"))
    return aggregate("answer_language", verdicts, empty_reason="no generated answer")
