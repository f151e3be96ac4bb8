"""The assistant as LangChain pieces (assistant/langchain.py), on a small real index with the hashing fake embedder."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import RunnableLambda, RunnablePassthrough

from assistant.langchain import GfmdRetriever, answer_chain
from gfmd.index import Index
from gfmd.settings import Settings
from ingest.pipeline import ingest_paths
from tests.fakes import HashEmbeddings

DATA = Path(__file__).resolve().parents[1] / "data"
BRIEF = "partnerships-brief_2022_en.md"


@pytest.fixture
def settings(tmp_path: Path, fake_embeddings: HashEmbeddings) -> Settings:
    settings = Settings(
        index_dir=tmp_path / "index",
        answer_mode="extractive",
        llm_backend="none",
        min_support=0.0,
        min_support_cross=0.0,
    )
    assert ingest_paths([DATA], Index(settings)).ok
    return settings


def test_the_retriever_is_a_langchain_retriever_returning_cited_passages(settings: Settings) -> None:
    retriever = GfmdRetriever(k=3, settings=settings)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("How much did the pilot facility raise from donors?")
    assert 1 <= len(docs) <= 3 and all(isinstance(d, Document) for d in docs)
    top = docs[0]
    assert "60 million dollars" in top.page_content
    assert top.metadata["source"] == BRIEF and top.metadata["page"] == 1 and top.metadata["lang"] == "en"
    assert set(top.metadata) >= {"source", "title", "page", "section", "lang", "score", "chunk_id"}
    assert top.id == top.metadata["chunk_id"]
    scores = [d.metadata["score"] for d in docs]
    assert scores == sorted(scores, reverse=True)


def test_the_retriever_keeps_to_the_documents_asked_for(settings: Settings) -> None:
    other = next(p.name for p in DATA.iterdir() if p.name != BRIEF)
    docs = GfmdRetriever(k=4, sources=[other], settings=settings).invoke("pilot facility donors")
    assert docs and {d.metadata["source"] for d in docs} == {other}


def test_the_retriever_reads_the_index_dir_it_is_given(settings: Settings) -> None:
    docs = GfmdRetriever(k=2, index_dir=settings.index_dir).invoke("shared indicators")
    assert docs and docs[0].metadata["source"] == BRIEF


def test_a_user_chain_of_retriever_format_and_model(settings: Settings) -> None:
    retriever = GfmdRetriever(k=2, settings=settings)
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Answer from these passages:\n{context}"), ("human", "{question}")]
    )
    seen: list[str] = []

    def format_docs(docs: list[Document]) -> str:
        text = "\n".join(f"[{d.metadata['source']} p.{d.metadata['page']}] {d.page_content}" for d in docs)
        seen.append(text)
        return text

    model = FakeListChatModel(responses=["It raised 60 million dollars [1]."])
    chain = {"context": retriever | RunnableLambda(format_docs), "question": RunnablePassthrough()} | prompt | model
    reply = (chain | StrOutputParser()).invoke("How much did the pilot facility raise?")
    assert reply == "It raised 60 million dollars [1]."
    assert f"[{BRIEF} p.1]" in seen[0] and "60 million dollars" in seen[0]


def test_the_answer_chain_gives_the_json_contract(settings: Settings) -> None:
    answer = answer_chain(settings=settings).invoke("How much did the pilot facility raise from donors?")
    assert not answer["refused"]
    assert "60 million" in answer["answer"]
    citation = answer["citations"][0]
    assert citation["source"] == BRIEF and citation["page"] == 1 and citation["quote"] in citation["text"]


def test_the_answer_chain_batches_and_takes_a_history(settings: Settings) -> None:
    chain = answer_chain(settings=settings)
    first, follow_up = chain.batch(
        [
            "How much did the pilot facility raise from donors?",
            {"question": "How often did they report?", "history": ["What indicators did the partners agree on?"]},
        ]
    )
    assert "60 million" in first["answer"]
    assert not follow_up["refused"] and "six months" in follow_up["answer"]


def test_the_answer_chain_streams_text_then_the_whole_answer(settings: Settings) -> None:
    chunks = list(answer_chain(settings=settings).stream("How much did the pilot facility raise from donors?"))
    *deltas, final = chunks
    assert deltas and all(set(d) == {"delta"} for d in deltas)
    assert "".join(d["delta"] for d in deltas).strip() == final["answer"].strip()
    assert final["citations"]


@pytest.mark.parametrize("bad", [{"history": []}, {"question": 3}, {"question": "Who?", "history": "no"}, 42])
def test_the_answer_chain_says_what_input_it_takes(settings: Settings, bad: object) -> None:
    with pytest.raises(ValueError, match="question"):
        answer_chain(settings=settings).invoke(bad)  # type: ignore[arg-type]
