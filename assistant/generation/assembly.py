"""The end of both generation algorithms (generative.py, translate.py): the verified sentences become an `Answer`,
or, when too little was verified or the model failed, the extractive answer is shown with the reason."""

from __future__ import annotations

import logging
import re
import time

import numpy as np

from assistant.answer.citations import citation_for
from assistant.answer.messages import FELL_BACK, say
from assistant.generation.verify import Embed
from gfmd.records import Answer, AnswerSentence, Citation, ScoredChunk, StreamEvent
from gfmd.text.quotes import find_quote
from gfmd.text.sentences import split_sentences

log = logging.getLogger(__name__)


def assemble(
    embed_sentences: Embed,
    extractive: Answer,
    context: list[ScoredChunk],
    verdicts: list[AnswerSentence],
    timings: dict[str, float],
    notice: str | None = None,
    quotes: list[str] | None = None,
) -> Answer:
    """Renumber the kept sentences' citations in order of appearance. Each quote is the one given for that passage
    (`quotes`: what a translation translated) or else the passage sentence closest to the generated sentence, so it
    is verbatim in the document."""
    citations: list[Citation] = []
    by_passage: dict[int, int] = {}
    sentences: list[AnswerSentence] = []
    parts: list[str] = []
    for verdict in verdicts:
        if not verdict.supported:
            sentences.append(verdict)
            continue
        numbers = []
        for old in verdict.citations:
            if old not in by_passage:
                passage = context[old - 1]
                quote = (
                    quotes[old - 1] if quotes else closest_sentence(embed_sentences, verdict.text, passage.chunk.text)
                )
                by_passage[old] = len(citations) + 1
                citations.append(citation_for(len(citations) + 1, passage, quote))
            numbers.append(by_passage[old])
        sentences.append(verdict.model_copy(update={"citations": numbers}))
        parts.append(verdict.text + "".join(f" [{n}]" for n in numbers))
    dropped = [s for s in verdicts if not s.supported]
    if notice is None:
        notice = f"{len(dropped)} unsupported sentence(s) removed." if dropped else ""
    timings["total"] = round(sum(v for k, v in timings.items() if k in ("retrieve", "answer", "generate", "verify")), 2)
    return extractive.model_copy(
        update={
            "answer": " ".join(parts),
            "refused": False,
            "mode": "generative",
            "citations": citations,
            "sentences": sentences,
            "notice": notice,
            "timings_ms": timings,
        }
    )


def closest_sentence(embed_sentences: Embed, sentence: str, passage_text: str) -> str:
    """The sentence of the passage closest in meaning to `sentence` (the whole passage when it has none)."""
    candidates = split_sentences(passage_text) or [passage_text]
    vectors = embed_sentences([*candidates, sentence])
    best = int(np.argmax(vectors[:-1] @ vectors[-1]))
    return candidates[best]


def covering_quote(passage_text: str, excerpt_text: str) -> str:
    """The shortest span of the passage holding every quote of an excerpt ("quote … quote"), verbatim: the
    citation of a translated answer must show the source of each translated sentence, and a quote must be one
    span of the passage. The longest quote alone when a part cannot be found (never expected)."""
    parts = excerpt_text.split(" … ")
    spans = [find_quote(part, passage_text) for part in parts]  # a quote is clean: markers of the passage skipped
    if any(span is None for span in spans):
        return max(parts, key=len)
    return passage_text[min(s[0] for s in spans if s) : max(s[1] for s in spans if s)]


def fallback(
    extractive: Answer,
    lang: str,
    reason: str,
    timings: dict[str, float],
    started: float,
    verdicts: list[AnswerSentence] | None = None,
    table: dict[str, str] = FELL_BACK,
) -> StreamEvent:
    """The extractive answer, with a notice saying why the generated one is not shown (`table`: its wording);
    the dropped sentences (`verdicts`) are kept with it, reported."""
    log.warning("generative answer not shown: %s", reason)
    timings.setdefault("generate", round((time.perf_counter() - started) * 1000, 2))
    notice = say(table, lang, reason=re.sub(r"\s+", " ", reason)[:200])
    if extractive.notice:
        notice = f"{notice} {extractive.notice}"
    update: dict[str, object] = {"notice": notice, "timings_ms": timings}
    if verdicts is not None:
        update["sentences"] = list(extractive.sentences) + [v for v in verdicts if not v.supported]
    return StreamEvent(kind="answer", answer=extractive.model_copy(update=update))
