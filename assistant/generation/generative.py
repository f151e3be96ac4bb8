"""Generative answers: condense → retrieve → prompt with numbered passages → generate → verify.

The model writes in the asker's language and cites passages with [n]. Nothing it writes is shown as an
answer before `assistant.generation.verify` has checked each sentence against the passages it cites; unsupported
sentences are dropped and reported, and when too little survives the extractive answer is shown instead.

Two algorithms: evidence in another language than the question is translated quote by quote (translate.py);
otherwise the model answers from numbered passages, or from the extractive answer's quotes (`answer_from_prompt`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterator, Sequence

import numpy as np
from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import Runnable

from assistant.answer.condense import condense, looks_like_follow_up
from assistant.answer.messages import MODEL_DOUBTS, MODEL_UNAVAILABLE, say
from assistant.generation.assembly import assemble, fallback
from assistant.generation.deps import GenerationDeps
from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.prompts import (
    ANSWER_PROMPT,
    CONDENSE_PROMPT,
    LANGUAGE_NAMES,
    NO_ANSWER,
    QUOTES_PROMPT,
    format_passages,
)
from assistant.generation.translate import answer_by_translation, needs_translation
from assistant.generation.verify import Embed, verify
from gfmd.records import Answer, ScoredChunk, StreamEvent
from gfmd.text.sentences import split_sentences

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
    deps: GenerationDeps,
    question: str,
    lang: str,
    passages: list[ScoredChunk],
    extractive: Answer,
    timings: dict[str, float],
    query_vector: np.ndarray | None = None,
) -> Iterator[StreamEvent]:
    """Stream the model's answer, then yield the verified `Answer` (or the extractive fallback)."""
    settings = deps.settings
    t_prompt = time.perf_counter()
    context, excerpts = quoted_context(passages, extractive) if settings.llm_grounding == "quotes" else ([], [])
    if context and needs_translation(context, excerpts, lang):
        yield from answer_by_translation(deps, question, lang, context, excerpts, extractive, timings, t_prompt)
        return
    prompt = QUOTES_PROMPT if context else ANSWER_PROMPT
    if not context:
        context = passages[: settings.llm_context_passages]
        if query_vector is None:  # retrieval embedded the same question: callers pass its vector
            query_vector = np.asarray(deps.embed_query(question), dtype=np.float32)
        excerpts = [
            excerpt(deps.embed_sentences, p.chunk.text, query_vector, settings.llm_passage_chars) for p in context
        ]
    yield from answer_from_prompt(deps, prompt, question, lang, context, excerpts, extractive, timings, t_prompt)


def answer_from_prompt(
    deps: GenerationDeps,
    prompt: ChatPromptTemplate,
    question: str,
    lang: str,
    context: list[ScoredChunk],
    excerpts: list[str],
    extractive: Answer,
    timings: dict[str, float],
    t_prompt: float,
) -> Iterator[StreamEvent]:
    """Prompt the model with the numbered excerpts of `context`, stream its reply, then verify each sentence
    against the passage it cites."""
    inputs = {
        "language": LANGUAGE_NAMES.get(lang, "English"),
        "no_answer": NO_ANSWER,
        "passages": format_passages(
            [(p.chunk.title, text, p.chunk.page) for p, text in zip(context, excerpts, strict=True)]
        ),
        "question": question,
    }
    timings["prompt"] = round((time.perf_counter() - t_prompt) * 1000, 2)
    chain = prompt | deps.llm | StrOutputParser()
    started = time.perf_counter()
    try:
        text, first_token_ms = yield from _stream_reply(chain, inputs, started)
    except LLMUnavailableError as exc:  # the model crashed, hung or is down: the verified quotes answer
        yield fallback(extractive, lang, str(exc), timings, started, table=MODEL_UNAVAILABLE)
        return
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
        text, [p.chunk for p in context], deps.embed_sentences, deps.settings.support_threshold, question, lang
    )
    timings["verify"] = round((time.perf_counter() - t_verify) * 1000, 2)
    if not checked.kept or len(checked.kept) < len(checked.sentences) / 2:
        reasons = "; ".join(s.reason for s in checked.dropped)[:300]
        yield fallback(extractive, lang, f"unsupported sentences ({reasons})", timings, started, checked.sentences)
        return
    answer = assemble(deps.embed_sentences, extractive, context, checked.sentences, timings)
    yield StreamEvent(kind="answer", answer=answer)


def _stream_reply(
    chain: Runnable[dict[str, str], str], inputs: dict[str, str], started: float
) -> Generator[StreamEvent, None, tuple[str, float | None]]:
    """Stream the model's reply; returns it whole, and when its first token came (ms after `started`).

    Text that could be the start of NO_ANSWER is held back, and streamed once it cannot be.
    """
    pieces: list[str] = []
    shown = 0  # characters streamed so far
    first_token_ms: float | None = None
    for piece in chain.stream(inputs):
        if first_token_ms is None:
            first_token_ms = round((time.perf_counter() - started) * 1000, 2)
        pieces.append(piece)
        so_far = "".join(pieces)
        if NO_ANSWER not in so_far and not NO_ANSWER.startswith(so_far.strip()):
            yield StreamEvent(kind="token", text=so_far[shown:])
            shown = len(so_far)
    return "".join(pieces).strip(), first_token_ms


def quoted_context(passages: list[ScoredChunk], extractive: Answer) -> tuple[list[ScoredChunk], list[str]]:
    """The passages the extractive answer cites, each with the sentences it quotes from it (in its order).

    With GFMD_LLM_GROUNDING=quotes the model restates what the extractive gates already chose (the answer's
    evidence, checked for the question's figures, dates, names and references) instead of choosing evidence
    itself, which a small local model does poorly (docs/experiments.md). Its sentences are still verified against
    the whole cited passage.
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


def excerpt(embed_sentences: Embed, text: str, query_vector: np.ndarray, budget: int) -> str:
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
    similarity = embed_sentences(sentences) @ query_vector
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
