"""The assistant's public functions: everything the CLI, the web chat and the evals call.

A question goes: validate → detect its language → retrieve (hybrid, reranked) → answer (extractive)
→ `Answer` record with citations and per-stage timings.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator, Sequence

import numpy as np

from assistant.condense import condense
from assistant.extractive import extract
from assistant.messages import EMPTY_INDEX, EMPTY_QUESTION, LANG_NAMES, QUOTED_FROM, REFUSAL, TOO_LONG, say
from assistant.retrieve import Retrieval, Retriever
from gfmd.index import Index
from gfmd.records import Answer, Filters, StreamEvent
from gfmd.settings import Settings, get_settings
from ingest.lang import detect_language

log = logging.getLogger(__name__)


class Assistant:
    def __init__(self, settings: Settings | None = None, index: Index | None = None) -> None:
        self.settings = settings or get_settings()
        self.index = index or Index(self.settings)
        self.retriever = Retriever(self.index, self.settings)
        self._sentence_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._cache_lock = threading.Lock()

    # --- public
    def ask(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: Sequence[str] = (),
    ) -> Answer:
        """Answer `question` (a follow-up is read in the light of `history`, the earlier questions)."""
        started = time.perf_counter()
        question = (question or "").strip()
        lang = detect_language(question, default="en")
        if not question:
            return self._refusal(question, lang, say(EMPTY_QUESTION, lang), started)
        if len(question) > self.settings.max_question_chars:
            message = say(TOO_LONG, lang, n=len(question), max=self.settings.max_question_chars)
            return self._refusal(question, lang, message, started)
        if not self.index.store.documents():
            return self._refusal(question, lang, say(EMPTY_INDEX, lang), started)
        k = k or self.settings.top_k
        query = condense(question, history)
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
        )
        timings = dict(retrieval.timings_ms)
        timings["answer"] = round((time.perf_counter() - t_answer) * 1000, 2)
        timings["total"] = round((time.perf_counter() - started) * 1000, 2)
        if extraction.refused:
            log.info("refused %r: %s", question, extraction.reason)
            return Answer(
                question=question,
                answer=say(REFUSAL, lang),
                refused=True,
                mode="extractive",
                lang=lang,
                query=retrieval.query,
                notice=extraction.reason,
                timings_ms=timings,
            )
        text = " ".join(f"{s.text} [{s.citations[0]}]" for s in extraction.sentences)
        source_langs = sorted({c.lang for c in extraction.citations if c.lang != lang})
        notice = ""
        if source_langs:
            names = ", ".join(LANG_NAMES.get(lang, LANG_NAMES["en"]).get(sl, sl) for sl in source_langs)
            notice = say(QUOTED_FROM, lang, langs=names)
        return Answer(
            question=question,
            answer=text,
            refused=False,
            mode="extractive",
            lang=lang,
            citations=extraction.citations,
            sentences=extraction.sentences,
            query=retrieval.query,
            notice=notice,
            timings_ms=timings,
        )

    def stream(
        self,
        question: str,
        k: int | None = None,
        filters: Filters | None = None,
        history: Sequence[str] = (),
        mode: str | None = None,
    ) -> Iterator[StreamEvent]:
        """Yield the answer text as it is produced, then the complete `Answer` (with its citations).

        `mode` is "extractive" or "generative" (default from settings); extractive answers are whole at once
        and are streamed sentence by sentence.
        """
        answer = self.ask(question, k=k, filters=filters, history=history)
        for sentence in answer.sentences or []:
            yield StreamEvent(kind="token", text=f"{sentence.text} [{sentence.citations[0]}] ")
        yield StreamEvent(kind="answer", answer=answer)

    def retrieve(self, question: str, k: int | None = None, filters: Filters | None = None) -> Retrieval:
        return self.retriever.retrieve(question, k=k, filters=filters)

    def embed_sentences(self, sentences: Sequence[str]) -> np.ndarray:
        """e5 passage vectors of answer-candidate sentences, cached (the same passages recur)."""
        missing = [s for s in dict.fromkeys(sentences) if s not in self._sentence_cache]
        if missing:
            vectors = np.asarray(self.index.embeddings.embed_documents(list(missing)), dtype=np.float32)
            with self._cache_lock:
                for sentence, vector in zip(missing, vectors, strict=True):
                    self._sentence_cache[sentence] = vector
                while len(self._sentence_cache) > 20000:
                    self._sentence_cache.popitem(last=False)
        return np.stack([self._sentence_cache[s] for s in sentences])

    # --- helpers
    def _refusal(self, question: str, lang: str, message: str, started: float) -> Answer:
        total = round((time.perf_counter() - started) * 1000, 2)
        return Answer(
            question=question,
            answer=message,
            refused=True,
            mode="extractive",
            lang=lang,
            timings_ms={"retrieve": 0.0, "answer": 0.0, "total": total},
        )


_assistants: dict[tuple[str, str, str], Assistant] = {}
_lock = threading.Lock()


def get_assistant(settings: Settings | None = None) -> Assistant:
    """One assistant per index per process (models and indexes load once)."""
    settings = settings or get_settings()
    key = (str(settings.index_dir), settings.chroma_url or "", settings.collection)
    with _lock:
        if key not in _assistants:
            _assistants[key] = Assistant(settings)
        return _assistants[key]
