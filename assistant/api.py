"""The assistant's public functions: everything the CLI, the web chat and the evals call.

A question goes: validate → detect its language → condense a follow-up → retrieve (hybrid, reranked)
→ extractive answer or refusal → (generative mode) generate from the passages → verify → `Answer`.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from typing import Any, Unpack

import numpy as np
from langchain_core.language_models import BaseChatModel

from assistant.answer.citations import page_footnotes
from assistant.answer.condense import condense
from assistant.answer.extractive import extract
from assistant.answer.gloss import with_key_points
from assistant.answer.messages import (
    EMPTY_INDEX,
    EMPTY_QUESTION,
    MODEL_UNAVAILABLE,
    QUOTED_FROM,
    QUOTES_IN_YOUR_LANGUAGE,
    REFUSAL,
    TOO_LONG,
    say,
)
from assistant.generation.deps import GenerationDeps
from assistant.generation.generative import condense_with_model, generate, quoted_context
from assistant.generation.translate import needs_translation
from assistant.retrieval.retrieve import Retrieval, Retriever
from assistant.shared import index_key, shared_index
from gfmd.index import Index
from gfmd.records import Answer, AskOptions, Chunk, Filters, ModelStatus, ScoredChunk, StreamEvent
from gfmd.settings import Settings, get_settings, quotes_suffice
from gfmd.text.languages import LANGUAGE_NAMES, detect_language

log = logging.getLogger(__name__)

# Documents whose footnote numbers are kept (a document's are read from the index when a quote needs them).
FOOTNOTE_DOCUMENTS = 256


class Assistant:
    def __init__(self, settings: Settings | None = None, index: Index | None = None, llm: Any = None) -> None:
        self.settings = settings or get_settings()
        self.index = index or Index(self.settings)
        self.retriever = Retriever(self.index, self.settings)
        self._sentence_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._footnotes: OrderedDict[str, dict[int, frozenset[int]]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._llm = llm
        self._llm_error: str | None = None
        self._llm_lock = threading.Lock()

    # --- public
    def ask(self, question: str, **options: Unpack[AskOptions]) -> Answer:
        """Answer `question` (a follow-up is read in the light of `history`, the earlier questions)."""
        answer: Answer | None = None
        for event in self.stream(question, **options):
            if event.kind == "answer":
                answer = event.answer
        assert answer is not None
        return answer

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]:
        """Yield the answer text as it is produced, then the complete, verified `Answer`.

        `mode` is "extractive" or "generative" (default: `GFMD_ANSWER_MODE`). Extractive answers are whole at
        once and streamed sentence by sentence; generative ones stream the model's tokens.
        """
        started = time.perf_counter()
        k, filters, history = options.get("k"), options.get("filters"), options.get("history", ())
        mode = options.get("mode") or self.settings.answer_mode
        if self.settings.llm_backend == "none":
            mode = "extractive"  # configured without a model: extractive by choice, not as a fallback
        question = (question or "").strip()
        lang = detect_language(question, default="en")
        problem = self._validate(question, lang)
        if problem is not None:
            yield StreamEvent(kind="answer", answer=self._refusal(question, lang, problem, started, mode))
            return
        llm = self.llm() if mode == "generative" else None
        query = condense_with_model(llm, question, history) if llm is not None else condense(question, history)
        extractive, retrieval, timings = self._extractive(question, query, lang, k, filters, started)
        if mode != "generative" or extractive.refused:
            # Weak evidence is refused before any generation: the model never sees a question it can't answer.
            yield from self._page_units(_whole(extractive))
            return
        yield from self._page_units(self._generative(llm, query, lang, extractive, retrieval, timings))

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None) -> Retrieval:
        return self.retriever.retrieve(question, k=k, filters=filters)

    def llm(self) -> Any:
        """The configured chat model when it can answer now; None otherwise, with the reason kept for the notice.

        The bundled model answers from a worker process that starts in the background: until its self-test has
        passed, and while it restarts after a failure, this is None and generative questions get the quotes.
        """
        llm = self._chat_model()
        if llm is None:
            return None
        status = model_status_of(llm)
        if not status.generative:
            self._llm_error = status.message
            return None
        return llm

    def model_status(self) -> ModelStatus:
        """Where the generative model stands (the web chat shows it in a banner)."""
        if self.settings.llm_backend == "none":
            return ModelStatus(state="off", message="Generative answers are off (GFMD_LLM_BACKEND=none).")
        llm = self._chat_model()
        if llm is None:
            return ModelStatus(state="unavailable", message=f"Generative mode is unavailable: {self._llm_error}.")
        return model_status_of(llm)

    def start_model(self, wait: float = 0.0) -> ModelStatus:
        """Start the local model's worker now (in the background; `wait` seconds at most for its outcome)."""
        llm = self._chat_model()
        worker = getattr(llm, "worker", None)
        if callable(worker):
            return worker().start(wait=wait)
        return self.model_status()

    def _chat_model(self) -> Any:
        """The chat model object, made once; None when it cannot be made (the reason is kept)."""
        with self._llm_lock:
            if self._llm is None and self._llm_error is None and self.settings.llm_backend != "none":
                try:
                    self._llm = make_llm(self.settings)
                except Exception as exc:  # a bad endpoint URL or model option: generative mode is unavailable
                    self._llm_error = str(exc)
                    log.warning("generative model unavailable: %s", exc)
            return self._llm

    def embed_sentences(self, sentences: Sequence[str]) -> np.ndarray:
        """e5 passage vectors of sentences, cached (the same passages recur across questions)."""
        missing = [s for s in dict.fromkeys(sentences) if s not in self._sentence_cache]
        if missing:
            vectors = np.asarray(self.index.embeddings.embed_documents(list(missing)), dtype=np.float32)
            with self._cache_lock:
                for sentence, vector in zip(missing, vectors, strict=True):
                    self._sentence_cache[sentence] = vector
                while len(self._sentence_cache) > 20000:
                    self._sentence_cache.popitem(last=False)
        return np.stack([self._sentence_cache[s] for s in sentences])

    def generation_deps(self, llm: BaseChatModel) -> GenerationDeps:
        """What generation needs of this assistant: settings, the chat model `llm` and the two embedders."""
        return GenerationDeps(
            settings=self.settings,
            llm=llm,
            embed_sentences=self.embed_sentences,
            embed_query=self.index.embeddings.embed_query,
        )

    def footnotes(self, chunk: Chunk) -> frozenset[int]:
        """The footnote numbers of a passage's page (`assistant.answer.citations.page_footnotes`), its document's
        read once (its id is its content's hash)."""
        with self._cache_lock:
            pages = self._footnotes.get(chunk.doc_id)
        if pages is None:
            chunks, _ = self.index.store.document_chunks(chunk.doc_id, with_vectors=False)
            pages = page_footnotes(chunks)
            with self._cache_lock:
                self._footnotes[chunk.doc_id] = pages
                while len(self._footnotes) > FOOTNOTE_DOCUMENTS:
                    self._footnotes.popitem(last=False)
        return pages.get(chunk.page, frozenset())

    # --- stages
    def _page_units(self, events: Iterator[StreamEvent]) -> Iterator[StreamEvent]:
        """The events, the answer's citations marked with their page unit: a text file's page segments are not
        printed pages (`Citation.paginated`)."""
        for event in events:
            answer = event.answer
            if event.kind == "answer" and answer is not None and answer.citations:
                paginated = {d.doc_id: d.paginated for d in self.index.store.documents().values()}
                citations = [
                    c.model_copy(update={"paginated": paginated.get(c.doc_id, True)}) for c in answer.citations
                ]
                event = event.model_copy(update={"answer": answer.model_copy(update={"citations": citations})})
            yield event

    def _validate(self, question: str, lang: str) -> str | None:
        if not question:
            return say(EMPTY_QUESTION, lang)
        if len(question) > self.settings.max_question_chars:
            return say(TOO_LONG, lang, n=len(question), max=self.settings.max_question_chars)
        self.index.refresh_if_changed()  # another worker or `gfmd ingest` may have added or removed documents
        if not self.index.store.documents():
            return say(EMPTY_INDEX, lang)
        return None

    def _extractive(
        self,
        question: str,
        query: str,
        lang: str,
        k: int | None,
        filters: Filters | None,
        started: float,
    ) -> tuple[Answer, Retrieval, dict[str, float]]:
        k = k or self.settings.top_k
        retrieval = self.retriever.retrieve(query, k=k, filters=filters)
        t_answer = time.perf_counter()
        extraction = extract(
            query,
            retrieval.passages,
            k=k,
            min_support=self.settings.min_support,
            max_sentences=self.settings.max_answer_sentences,
            query_vector=retrieval.vector,
            embed=self.embed_sentences,
            question_lang=lang,
            min_support_cross=self.settings.min_support_cross,
            known_term=self.index.lexical().has_term,
            rendered_vectors=retrieval.rendered_vectors,
            following=self.index.store.following,
            footnotes=self.footnotes,
            indexed=self.index.store.documents(),
        )
        timings = dict(retrieval.timings_ms)
        timings["answer"] = round((time.perf_counter() - t_answer) * 1000, 2)
        timings["total"] = round((time.perf_counter() - started) * 1000, 2)
        base: dict[str, Any] = {
            "question": question,
            "mode": "extractive",
            "lang": lang,
            "query": query,
            "timings_ms": timings,
        }
        if extraction.threshold:
            base |= {"support": round(extraction.best_score, 4), "support_threshold": extraction.threshold}
        if extraction.refused:
            log.info("refused %r: %s", question, extraction.reason)
            answer = Answer(answer=say(REFUSAL, lang), refused=True, notice=extraction.reason, **base)
            return answer, retrieval, timings
        text = " ".join(f"{s.text} " + "".join(f"[{n}]" for n in s.citations) for s in extraction.sentences)
        sentences = with_key_points(extraction.sentences, extraction.citations, question, lang)
        source_langs = sorted({c.lang for c in extraction.citations if c.lang != lang})
        notice = ""
        if source_langs:
            names = ", ".join(LANGUAGE_NAMES.get(lang, LANGUAGE_NAMES["en"]).get(sl, sl) for sl in source_langs)
            notice = say(QUOTED_FROM, lang, langs=names)
        answer = Answer(
            answer=text,
            refused=False,
            citations=extraction.citations,
            sentences=sentences,
            notice=notice,
            **base,
        )
        return answer, retrieval, timings

    def _generative(
        self, llm: Any, query: str, lang: str, extractive: Answer, retrieval: Retrieval, timings: dict[str, float]
    ) -> Iterator[StreamEvent]:
        """The generative answer to a question the extractive gates answered: the model's, verified; or the
        quotes, when they suffice or no model can answer now (saying why)."""
        passages = self._with_cited_passages(retrieval.passages, extractive)
        if quotes_suffice(self.settings) and not needs_translation(*quoted_context(passages, extractive), lang):
            # The evidence is already in the asker's language, and the bundled model's restatement of it is almost
            # never verified: the verified quotes are the answer, without the model's seconds.
            notice = f"{say(QUOTES_IN_YOUR_LANGUAGE, lang)} {extractive.notice}".strip()
            yield from _whole(extractive.model_copy(update={"notice": notice}))
            return
        if llm is None:
            notice = say(MODEL_UNAVAILABLE, lang, reason=self._llm_error or "no generative model configured")
            yield from _whole(extractive.model_copy(update={"notice": f"{notice} {extractive.notice}".strip()}))
            return
        deps = self.generation_deps(llm)
        yield from generate(deps, query, lang, passages, extractive, dict(timings), query_vector=retrieval.vector)

    def _with_cited_passages(self, passages: list[ScoredChunk], extractive: Answer) -> list[ScoredChunk]:
        """A sentence a page break cut is also quoted from the next passage, which retrieval may not have
        returned: the passages, plus every passage the extractive answer cites."""
        missing = {c.chunk_id for c in extractive.citations} - {p.chunk.chunk_id for p in passages}
        if not missing:
            return passages
        found, _ = self.index.store.get_chunks(sorted(missing))
        return [*passages, *(ScoredChunk(chunk=chunk, score=0.0) for chunk in found)]

    def _refusal(self, question: str, lang: str, message: str, started: float, mode: str) -> Answer:
        total = round((time.perf_counter() - started) * 1000, 2)
        return Answer(
            question=question,
            answer=message,
            refused=True,
            mode="generative" if mode == "generative" else "extractive",
            lang=lang,
            timings_ms={"retrieve": 0.0, "answer": 0.0, "total": total},
        )


def _whole(answer: Answer) -> Iterator[StreamEvent]:
    """An answer given whole at once, streamed sentence by sentence, then the `Answer` itself."""
    yield from _sentence_events(answer)
    yield StreamEvent(kind="answer", answer=answer)


def _sentence_events(answer: Answer) -> Iterator[StreamEvent]:
    if answer.refused:
        yield StreamEvent(kind="token", text=answer.answer)
        return
    for sentence in answer.sentences:
        if sentence.supported:
            marks = "".join(f"[{n}]" for n in sentence.citations)
            yield StreamEvent(kind="token", text=f"{sentence.text} {marks} ")


def make_llm(settings: Settings) -> Any:
    """The chat model named by the settings (`GFMD_LLM_BACKEND`), or None when it is 'none'."""
    if settings.llm_backend == "none":
        return None
    from assistant.generation.llm.backends import make_chat_model

    common: dict[str, Any] = {"max_tokens": settings.llm_max_tokens, "timeout": settings.llm_timeout}
    if settings.llm_backend == "local":
        if settings.llm_model:
            common["model_path"] = settings.llm_model
        local = {"n_threads": settings.llm_threads, "memory_mb": settings.llm_memory_mb, "lazy": True}
        return make_chat_model("local", **local, **common)
    common["model"] = settings.llm_model
    if settings.llm_url:
        common["base_url"] = settings.llm_url
    if settings.llm_backend == "openai" and settings.llm_api_key:
        common["api_key"] = settings.llm_api_key
    return make_chat_model(settings.llm_backend, **common)


def model_status_of(llm: Any) -> ModelStatus:
    """A chat model's own status where it has one (the bundled model's worker); others count as ready."""
    status = getattr(llm, "status", None)
    if callable(status):
        got = status()
        if isinstance(got, ModelStatus):
            return got
    return ModelStatus(state="ready", message="Generative answers are available.")


_assistants: dict[tuple[str, str, str], Assistant] = {}
_lock = threading.Lock()


def get_assistant(settings: Settings | None = None) -> Assistant:
    """One assistant per index per process (models and indexes load once), on the index the library shares."""
    settings = settings or get_settings()
    key = index_key(settings)
    with _lock:
        if key not in _assistants:
            _assistants[key] = Assistant(settings, index=shared_index(settings))
        return _assistants[key]
