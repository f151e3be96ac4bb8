"""Generative answers: condense → retrieve → prompt with numbered passages → generate → verify.

The model writes in the asker's language and cites passages with [n]. Nothing it writes is shown as an
answer before `assistant.generation.verify` has checked each sentence against the passages it cites; unsupported
sentences are dropped and reported, and when too little survives the extractive answer is shown instead.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser

from assistant.answer.condense import condense, looks_like_follow_up
from assistant.answer.extractive import citation_for
from assistant.answer.messages import FELL_BACK, MODEL_DOUBTS, MODEL_UNAVAILABLE, say
from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.prompts import (
    ANSWER_PROMPT,
    CONDENSE_PROMPT,
    LANGUAGE_NAMES,
    NO_ANSWER,
    QUOTES_PROMPT,
    format_passages,
)
from assistant.generation.translate import needs_translation, translated_answer
from assistant.generation.verify import verify
from gfmd.records import Answer, AnswerSentence, Citation, ScoredChunk, StreamEvent
from gfmd.text.sentences import split_sentences

if TYPE_CHECKING:
    from assistant.api import Assistant

log = logging.getLogger(__name__)


def condense_with_model(llm: BaseChatModel, question: str, history: Sequence[str]) -> str:
    """LLM rewrite of a follow-up question; the heuristic rewrite when the model fails or rambles."""
    fallback = condense(question, history)
    if not history or not looks_like_follow_up(question):
        return question
    try:
        chain = CONDENSE_PROMPT | llm | StrOutputParser()
        rewritten = chain.invoke({"history": "\n".join(f"- {h}" for h in history[-3:]), "question": question})
    except Exception as exc:  # the model unavailable, or any other failure: the heuristic rewrite still answers
        log.warning("condense failed (%s); using the heuristic rewrite", exc)
        return fallback
    rewritten = rewritten.strip().splitlines()[0].strip() if rewritten.strip() else ""
    if not rewritten or len(rewritten) > 3 * len(question) + 200:
        return fallback
    return rewritten


def generate(
    assistant: Assistant,
    llm: BaseChatModel,
    question: str,
    lang: str,
    passages: list[ScoredChunk],
    extractive: Answer,
    timings: dict[str, float],
    query_vector: np.ndarray | None = None,
) -> Iterator[StreamEvent]:
    """Stream the model's answer, then yield the verified `Answer` (or the extractive fallback)."""
    settings = assistant.settings
    t_prompt = time.perf_counter()
    context, excerpts = quoted_context(passages, extractive) if settings.llm_grounding == "quotes" else ([], [])
    if context and needs_translation(context, excerpts, lang):
        done = yield from translated_answer(assistant, llm, question, lang, context, excerpts, timings)
        if not done.any_kept(excerpts):
            if done.failure:  # the model failed (crashed, hung, down), not the verification
                yield _fallback(extractive, lang, done.failure, timings, t_prompt, table=MODEL_UNAVAILABLE)
                return
            reasons = "; ".join(v.reason for v in done.verdicts if not v.supported)[:300]
            yield _fallback(extractive, lang, f"unverified translation ({reasons})", timings, t_prompt, done.verdicts)
            return
        # Each citation quotes, verbatim, the span of its passage that holds everything that was translated.
        translated = [covering_quote(p.chunk.text, text) for p, text in zip(context, excerpts, strict=True)]
        answer = _assemble(
            assistant, extractive, context, done.verdicts, timings, notice=done.notice, quotes=translated
        )
        yield StreamEvent(kind="answer", answer=answer)
        return
    prompt = QUOTES_PROMPT if context else ANSWER_PROMPT
    if not context:
        context = passages[: settings.llm_context_passages]
        if query_vector is None:  # retrieval embedded the same question: callers pass its vector
            query_vector = np.asarray(assistant.index.embeddings.embed_query(question), dtype=np.float32)
        excerpts = [excerpt(assistant, p.chunk.text, query_vector, settings.llm_passage_chars) for p in context]
    inputs = {
        "language": LANGUAGE_NAMES.get(lang, "English"),
        "no_answer": NO_ANSWER,
        "passages": format_passages(
            [(p.chunk.title, text, p.chunk.page) for p, text in zip(context, excerpts, strict=True)]
        ),
        "question": question,
    }
    timings["prompt"] = round((time.perf_counter() - t_prompt) * 1000, 2)
    chain = prompt | llm | StrOutputParser()
    started = time.perf_counter()
    pieces: list[str] = []
    shown = 0  # characters streamed so far: text held back while it could be the start of NO_ANSWER follows later
    first_token_ms: float | None = None
    try:
        for piece in chain.stream(inputs):
            if first_token_ms is None:
                first_token_ms = round((time.perf_counter() - started) * 1000, 2)
            pieces.append(piece)
            so_far = "".join(pieces)
            if NO_ANSWER not in so_far and not NO_ANSWER.startswith(so_far.strip()):
                yield StreamEvent(kind="token", text=so_far[shown:])
                shown = len(so_far)
    except LLMUnavailableError as exc:  # the model crashed, hung or is down: the verified quotes answer
        yield _fallback(extractive, lang, str(exc), timings, started, table=MODEL_UNAVAILABLE)
        return
    text = "".join(pieces).strip()
    timings["generate"] = round((time.perf_counter() - started) * 1000, 2)
    if first_token_ms is not None:
        timings["first_token"] = first_token_ms
    if NO_ANSWER in text or not text:
        # The extractive answer already passed every gate; the small model's "no answer" is mostly wrong (see
        # MODEL_DOUBTS), so its quotes are shown with a warning rather than refused.
        notice = say(MODEL_DOUBTS, lang)
        doubted = extractive.model_copy(
            update={"notice": f"{notice} {extractive.notice}".strip(), "timings_ms": timings}
        )
        yield StreamEvent(kind="answer", answer=doubted)
        return
    t_verify = time.perf_counter()
    checked = verify(
        text,
        [p.chunk for p in context],
        assistant.embed_sentences,
        settings.support_threshold,
        question=question,
        lang=lang,
    )
    timings["verify"] = round((time.perf_counter() - t_verify) * 1000, 2)
    if not checked.kept or len(checked.kept) < len(checked.sentences) / 2:
        reasons = "; ".join(s.reason for s in checked.dropped)[:300]
        yield _fallback(extractive, lang, f"unsupported sentences ({reasons})", timings, started, checked.sentences)
        return
    yield StreamEvent(kind="answer", answer=_assemble(assistant, extractive, context, checked.sentences, timings))


def quoted_context(passages: list[ScoredChunk], extractive: Answer) -> tuple[list[ScoredChunk], list[str]]:
    """The passages the extractive answer cites, each with the sentences it quotes from it (in its order).

    With GFMD_LLM_GROUNDING=quotes the model restates what the extractive gates already chose (the answer's
    evidence, checked for the question's figures, dates, names and references) instead of choosing evidence
    itself: on 60 golden questions the bundled 0.5B model, given three passage excerpts, replied NO_ANSWER to 24
    answerable ones and wrote unverifiable sentences for 9. Its sentences are still verified against the whole
    cited passage.
    """
    by_id = {p.chunk.chunk_id: p for p in passages}
    context: list[ScoredChunk] = []
    quotes: dict[str, list[str]] = {}
    for citation in extractive.citations:
        passage = by_id.get(citation.chunk_id)
        if passage is None:
            continue
        if citation.chunk_id not in quotes:
            context.append(passage)
            quotes[citation.chunk_id] = []
        if citation.quote not in quotes[citation.chunk_id]:
            quotes[citation.chunk_id].append(citation.quote)
    return context, [" … ".join(quotes[p.chunk.chunk_id]) for p in context]


def covering_quote(passage_text: str, excerpt_text: str) -> str:
    """The shortest span of the passage holding every quote of an excerpt ("quote … quote"), verbatim: the
    citation of a translated answer must show the source of each translated sentence, and a quote must be one
    span of the passage. The longest quote alone when a part cannot be found (never expected)."""
    parts = excerpt_text.split(" … ")
    starts = [passage_text.find(part) for part in parts]
    if any(start < 0 for start in starts):
        return max(parts, key=len)
    return passage_text[min(starts) : max(start + len(part) for start, part in zip(starts, parts, strict=True))]


def excerpt(assistant: Assistant, text: str, query_vector: np.ndarray, budget: int) -> str:
    """The passage's sentences closest to the question, in document order, within `budget` characters.

    The prompt is the local model's cost: on 2 cores it reads ~150-250 tokens a second before it writes the
    first one, so three whole passages (~1,300 tokens) cost seconds that three excerpts do not. Each excerpt is
    verbatim text of its passage (gaps marked "…"), and answers are verified against the whole passage.
    """
    if len(text) <= budget:
        return text
    sentences = split_sentences(text)
    if len(sentences) < 2:
        return text[:budget].rsplit(" ", 1)[0] + " …"
    similarity = assistant.embed_sentences(sentences) @ query_vector
    keep: set[int] = set()
    used = 0
    for i in np.argsort(-similarity):
        size = len(sentences[i]) + 1
        if keep and used + size > budget:
            continue
        keep.add(int(i))
        used += size
    parts: list[str] = []
    for i in sorted(keep):
        if parts and i - 1 not in keep:
            parts.append("…")
        parts.append(sentences[i])
    return " ".join(parts)


def _assemble(
    assistant: Assistant,
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
                quote = quotes[old - 1] if quotes else _closest_sentence(assistant, verdict.text, passage.chunk.text)
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


def _closest_sentence(assistant: Assistant, sentence: str, passage_text: str) -> str:
    candidates = split_sentences(passage_text) or [passage_text]
    vectors = assistant.embed_sentences([*candidates, sentence])
    best = int(np.argmax(vectors[:-1] @ vectors[-1]))
    return candidates[best]


def _fallback(
    extractive: Answer,
    lang: str,
    reason: str,
    timings: dict[str, float],
    started: float,
    verdicts: list[AnswerSentence] | None = None,
    table: dict[str, str] = FELL_BACK,
) -> StreamEvent:
    log.warning("generative answer not shown: %s", reason)
    timings.setdefault("generate", round((time.perf_counter() - started) * 1000, 2))
    notice = say(table, lang, reason=re.sub(r"\s+", " ", reason)[:200])
    if extractive.notice:
        notice = f"{notice} {extractive.notice}"
    update: dict[str, object] = {"notice": notice, "timings_ms": timings}
    if verdicts is not None:
        update["sentences"] = list(extractive.sentences) + [v for v in verdicts if not v.supported]
    return StreamEvent(kind="answer", answer=extractive.model_copy(update=update))
