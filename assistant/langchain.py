"""The assistant as LangChain pieces, for developers who build their own chains over our index.

    from assistant.langchain import GfmdRetriever, answer_chain

    retriever = GfmdRetriever(k=4, lang="es")          # passages as LangChain Documents, best first
    docs = retriever.invoke("financiamiento de las alianzas")
    answer = answer_chain().invoke("What does the paper propose for funding partnerships?")
    answer["answer"], answer["citations"][0]["page"]    # the `gfmd ask --json` contract

LangChain's `Document` is used only here, at the boundary; the assistant itself works on our own records.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.config import ensure_config
from pydantic import ConfigDict

from assistant.api import Assistant, get_assistant
from gfmd.records import Filters, ScoredChunk
from gfmd.settings import Settings, get_settings

# What `answer_chain` takes: a question, or {"question": ..., "history": [earlier questions, oldest first]}.
ChainInput = str | dict[str, Any]


def _assistant(settings: Settings | None, index_dir: Path | None) -> Assistant:
    settings = settings or get_settings()
    if index_dir is not None:
        settings = settings.model_copy(update={"index_dir": Path(index_dir)})
    return get_assistant(settings)


def to_document(passage: ScoredChunk) -> Document:
    """A retrieved passage as a LangChain `Document`: its text, and what a citation needs in the metadata."""
    chunk = passage.chunk
    return Document(
        page_content=chunk.text,
        id=chunk.chunk_id,
        metadata={
            "source": chunk.source,
            "title": chunk.title,
            "page": chunk.page,
            "section": chunk.section,
            "lang": chunk.lang,
            "year": chunk.year,
            "score": round(passage.score, 4),
            "chunk_id": chunk.chunk_id,
        },
    )


class GfmdRetriever(BaseRetriever):
    """The assistant's retrieval (dense and BM25 across languages, reranked) as a LangChain retriever.

    `k` passages, best first; `sources`, `lang` and `year` keep to some documents, a language or a year.
    `index_dir` (or `settings`) picks the index; by default the one `GFMD_INDEX_DIR` names.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    k: int = 4
    sources: Sequence[str] = ()
    lang: str | None = None
    year: int | None = None
    index_dir: Path | None = None
    settings: Settings | None = None

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        filters = Filters(sources=tuple(self.sources), lang=self.lang, year=self.year)
        retrieval = _assistant(self.settings, self.index_dir).retrieve(
            query, k=self.k, filters=None if filters.is_empty() else filters
        )
        return [to_document(p) for p in retrieval.passages[: self.k]]


class AnswerChain(Runnable[ChainInput, dict[str, Any]]):
    """A question (or {"question", "history"}) to the verified, cited answer as a dict (`gfmd ask --json`).

    `invoke` and `batch` return whole answers; `stream` yields {"delta": text} as the answer is written, then the
    whole answer.
    """

    def __init__(self, settings: Settings | None = None, index_dir: Path | None = None, mode: str | None = None):
        self.settings, self.index_dir, self.mode = settings, index_dir, mode

    def invoke(self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any) -> dict[str, Any]:
        return self._call_with_config(self._answer, input, ensure_config(config))

    def stream(
        self, input: ChainInput, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        question, history = _read_input(input)
        assistant = _assistant(self.settings, self.index_dir)
        for event in assistant.stream(question, history=history, mode=self.mode):
            if event.kind == "token":
                yield {"delta": event.text}
            elif event.answer is not None:
                yield event.answer.model_dump(mode="json")

    def _answer(self, input: ChainInput) -> dict[str, Any]:
        question, history = _read_input(input)
        answer = _assistant(self.settings, self.index_dir).ask(question, history=history, mode=self.mode)
        return answer.model_dump(mode="json")


def _read_input(input: ChainInput) -> tuple[str, list[str]]:
    if isinstance(input, str):
        return input, []
    if not isinstance(input, dict) or not isinstance(input.get("question"), str):
        raise ValueError('answer_chain takes a question, or {"question": str, "history": [str, ...]}')
    history = input.get("history") or []
    if not isinstance(history, list) or not all(isinstance(h, str) for h in history):
        raise ValueError('answer_chain: "history" must be a list of earlier questions (strings)')
    return input["question"], history


def answer_chain(
    settings: Settings | None = None, index_dir: Path | None = None, mode: str | None = None
) -> AnswerChain:
    """The assistant's answering as a `Runnable` (see `AnswerChain`); `mode` "extractive" or "generative"
    (default: `GFMD_ANSWER_MODE`)."""
    return AnswerChain(settings=settings, index_dir=index_dir, mode=mode)
