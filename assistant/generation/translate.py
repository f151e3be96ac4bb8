"""Cross-lingual generative answers: the extractive answer's quotes, translated into the question's language.

When the evidence is written in another language than the question (an English question about the Spanish seed
paper), the model translates each quote the extractive gates chose, one at a time, and each translated sentence
cites the passage it came from. Every sentence is verified like any generated one (figures and their magnitude,
names, order of figures, language, semantic support). A quote whose translation fails is shown verbatim instead,
saying so: a translator's mistake never costs the answer a fact, and never shows a wrong one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass

from langchain_core.output_parsers import StrOutputParser

from assistant.answer.gloss import key_points
from assistant.answer.messages import KEPT_IN_SOURCE, MODEL_UNAVAILABLE, TRANSLATED, say
from assistant.generation.assembly import assemble, covering_quote, fallback
from assistant.generation.deps import GenerationDeps
from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.prompts import translation_requests
from assistant.generation.verify import verify
from gfmd.records import Answer, AnswerSentence, ScoredChunk, StreamEvent
from gfmd.text.languages import detect_language, function_word_language
from gfmd.text.magnitudes import restore_magnitudes
from gfmd.text.sentences import split_sentences

log = logging.getLogger(__name__)

_TOKENS_PER_CHAR = 0.5  # a generous budget: a translation runs ~1 token per 3-4 characters


@dataclass
class Translation:
    verdicts: list[AnswerSentence]  # in answer order: kept translations, failed ones (reported), verbatim quotes
    notice: str
    failure: str = ""  # why the model stopped translating (unavailable, timeout), if it did

    def any_kept(self, quotes: list[str]) -> bool:
        """Whether a verified translation survived (otherwise the answer is the extractive one)."""
        verbatim = {part for quote in quotes for part in quote.split(" … ")}
        return any(v.supported and v.text not in verbatim for v in self.verdicts)


def quote_language(text: str, passage: ScoredChunk) -> str:
    """The language a quote is written in; its passage's language when its words cannot tell."""
    return function_word_language(text) or passage.chunk.lang or "und"


def needs_translation(context: list[ScoredChunk], quotes: list[str], lang: str) -> bool:
    return any(quote_language(q, p) != lang for p, q in zip(context, quotes, strict=True))


def answer_by_translation(
    deps: GenerationDeps,
    question: str,
    lang: str,
    context: list[ScoredChunk],
    quotes: list[str],
    extractive: Answer,
    timings: dict[str, float],
    started: float,
) -> Iterator[StreamEvent]:
    """Stream the translations of the extractive answer's quotes, then yield the answer they make: each cited by
    the verbatim span of its passage that holds what was translated, or the extractive answer when no verified
    translation survived."""
    done = yield from translated_answer(deps, question, lang, context, quotes, timings)
    if not done.any_kept(quotes):
        if done.failure:  # the model failed (crashed, hung, down), not the verification
            yield fallback(extractive, lang, done.failure, timings, started, table=MODEL_UNAVAILABLE)
            return
        reasons = "; ".join(v.reason for v in done.verdicts if not v.supported)[:300]
        yield fallback(extractive, lang, f"unverified translation ({reasons})", timings, started, done.verdicts)
        return
    # Each citation quotes, verbatim, the span of its passage that holds everything that was translated.
    translated = [covering_quote(p.chunk.text, text) for p, text in zip(context, quotes, strict=True)]
    answer = assemble(
        deps.embed_sentences, extractive, context, done.verdicts, timings, notice=done.notice, quotes=translated
    )
    yield StreamEvent(kind="answer", answer=answer)


def translated_answer(
    deps: GenerationDeps,
    question: str,
    lang: str,
    context: list[ScoredChunk],
    quotes: list[str],
    timings: dict[str, float],
) -> Generator[StreamEvent, None, Translation]:
    """Stream each quote's translation, then verify them.

    Quotes already in the question's language are kept verbatim. Verdicts of translations that failed are kept
    (reported, unsupported) next to the verbatim quote that replaces them.
    """
    pieces, failure = yield from _translate_each(deps, lang, context, quotes, timings)
    t_verify = time.perf_counter()
    marked = " ".join(
        f"{sentence} [{n}]" for n, text in pieces.items() for sentence in split_sentences(text) if sentence.strip()
    )
    checked = verify(
        marked, [p.chunk for p in context], deps.embed_sentences, deps.settings.support_threshold, question, lang
    )
    timings["verify"] = round((time.perf_counter() - t_verify) * 1000, 2)
    verdicts, kept_in_source = _with_quotes_kept(checked.sentences, pieces, context, quotes, question, lang)
    notice = say(TRANSLATED, lang)
    if kept_in_source:
        notice = f"{say(KEPT_IN_SOURCE, lang, n=kept_in_source)} {notice}"
    return Translation(verdicts, notice, failure)


def _translate_each(
    deps: GenerationDeps, lang: str, context: list[ScoredChunk], quotes: list[str], timings: dict[str, float]
) -> Generator[StreamEvent, None, tuple[dict[int, str], str]]:
    """Ask the model for each quote not in `lang`, one at a time, streaming its tokens and each quote's [n];
    returns the translations by quote number, and why the model stopped (unavailable, timeout) if it did."""
    settings = deps.settings
    started = time.perf_counter()
    deadline = started + settings.llm_timeout
    pieces: dict[int, str] = {}
    failure = ""
    for n, (passage, quote) in enumerate(zip(context, quotes, strict=True), start=1):
        source = quote_language(quote, passage)
        if source == lang or time.perf_counter() > deadline:
            continue
        budget = max(settings.llm_max_tokens, int(len(quote) * _TOKENS_PER_CHAR))
        fenced = quote.replace("<<<", "«").replace(">>>", "»")
        # The model sometimes copies the quote, or writes a third language: then the next way of asking is tried.
        for prompt, inputs in translation_requests(fenced, source, lang):
            written: list[str] = []
            try:
                for token in (prompt | deps.llm.bind(max_tokens=budget) | StrOutputParser()).stream(inputs):
                    if "first_token" not in timings:
                        timings["first_token"] = round((time.perf_counter() - started) * 1000, 2)
                    written.append(token)
                    yield StreamEvent(kind="token", text=token)
            except LLMUnavailableError as exc:
                log.warning("translation failed (%s); the remaining quotes are shown verbatim", exc)
                failure = str(exc)
                break
            pieces[n] = restore_magnitudes("".join(written).strip(), lang, quote, source)
            if detect_language(pieces[n], default=lang) == lang or time.perf_counter() > deadline:
                break
            yield StreamEvent(kind="token", text=" … ")
        if failure:
            break
        yield StreamEvent(kind="token", text=f" [{n}] ")
    timings["generate"] = round((time.perf_counter() - started) * 1000, 2)
    return pieces, failure


def _with_quotes_kept(
    checked: list[AnswerSentence],
    pieces: dict[int, str],
    context: list[ScoredChunk],
    quotes: list[str],
    question: str,
    lang: str,
) -> tuple[list[AnswerSentence], int]:
    """The verdicts in answer order, each quote whose translation failed (or was not asked for) kept verbatim
    after the failed verdicts, with its key-points line when it is in another language; and how many quotes in
    another language were kept so."""
    by_passage: dict[int, list[AnswerSentence]] = {}
    for verdict in checked:
        by_passage.setdefault(verdict.citations[0] if verdict.citations else 0, []).append(verdict)
    verdicts: list[AnswerSentence] = [v for v in by_passage.get(0, [])]  # sentences without a marker: reported
    kept_in_source = 0
    for n, quote in enumerate(quotes, start=1):
        translated = by_passage.get(n, [])
        if translated and all(v.supported for v in translated):
            verdicts += translated
            continue
        verdicts += translated  # the failed translation, reported with its reason
        written = quote_language(quote, context[n - 1])
        verdicts += [
            AnswerSentence(
                text=part,
                citations=[n],
                supported=True,
                support_score=1.0,
                gloss=key_points(part, written, question, lang) if written != lang else "",
            )
            for part in quote.split(" … ")
        ]
        kept_in_source += n in pieces or written != lang
    return verdicts, kept_in_source
