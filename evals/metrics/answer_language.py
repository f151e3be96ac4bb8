"""Answer language: what a reader sees must be in the question's language, whatever the sources'.

Three views, each over answered items:
- `answer_language`: a generated answer (`mode == "generative"`) is written in the question's language. Fallbacks
  to the extractive quotes are not scored here, so it flatters: read it with the two below.
- `shown_translated`: every cross-lingual answer, in either mode, shows its sentences in the question's language
  (the model's verified translations, or quotes from a document already in that language).
- `shown_explained`: the same, counting as well a sentence quoted in another language that carries a key-points
  line in the question's language (`AnswerSentence.gloss`): no bare foreign paragraph.
The language of the shown sentences (citation markers removed) is detected with the same detector ingest uses;
text too short to tell counts as a miss, so the metrics cannot pass on empty answers.
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


# Text in quotation marks in a key-points line is the source's own (names as written), not the reader's language.
_QUOTED = re.compile(r"“[^”]*”|«[^»]*»")


def _sentence_shown_in(sentence_text: str, lang: str) -> bool:
    return detect_language(_QUOTED.sub(" ", _MARKER.sub(" ", sentence_text)), default="und") == lang


def score_shown_language(runs: Sequence[ItemRun]) -> tuple[MetricResult, MetricResult]:
    """(`shown_translated`, `shown_explained`) over the answered cross-lingual items (module docstring)."""
    translated: list[Verdict] = []
    explained: list[Verdict] = []
    for run in runs:
        item_id, answer = run.item.id, run.answer
        if run.crosslingual != "cross-lingual" or answer.refused:
            reason = "refused" if answer.refused else "not cross-lingual"
            translated.append(Verdict(item_id, None, 0, reason))
            explained.append(Verdict(item_id, None, 0, reason))
            continue
        wanted = run.item.lang
        shown = [s for s in answer.sentences if s.supported is not False]
        if not shown:
            whole = float(_sentence_shown_in(answer.answer, wanted))
            translated.append(Verdict(item_id, whole, 1, f"{answer.mode}, no sentences"))
            explained.append(Verdict(item_id, whole, 1, f"{answer.mode}, no sentences"))
            continue
        in_lang = [_sentence_shown_in(s.text, wanted) for s in shown]
        glossed = [
            ok or bool(s.gloss and _sentence_shown_in(s.gloss, wanted)) for s, ok in zip(shown, in_lang, strict=True)
        ]
        detail = f"{answer.mode}: {sum(in_lang)}/{len(shown)} sentences in {wanted}, {sum(glossed)} with key points"
        translated.append(Verdict(item_id, float(all(in_lang)), 1, detail))
        explained.append(Verdict(item_id, float(all(glossed)), 1, detail))
    return (
        aggregate("shown_translated", translated, empty_reason="no cross-lingual answer"),
        aggregate("shown_explained", explained, empty_reason="no cross-lingual answer"),
    )
