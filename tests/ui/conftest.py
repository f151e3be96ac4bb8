"""Fixtures for the web chat's tests: a tiny index built with the deterministic fake embedder, a fake assistant,
and a live app on 127.0.0.1 (random free port) for gradio_client and browser tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Unpack

import pytest

from gfmd.records import Answer, AnswerSentence, AskOptions, Citation, StreamEvent
from gfmd.settings import Settings
from tests.fakes import HashEmbeddings, recorded_call

DATA = Path(__file__).resolve().parent.parent / "data"
SCRIPT_DOC = """Dangerous sample <script>window.__gfmd_xss = 1</script> for escaping tests

The escaping partnership <img src=x onerror="window.__gfmd_xss = 2"> fund raised 77 million dollars for cities.
Its board meets twice a year in Geneva and reports to every partner.
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def tiny_settings(root: Path, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "index_dir": root / "index",
        "corpus_dir": root / "corpus",
        "llm_backend": "none",  # extractive answers only: no model to load in tests
        "answer_mode": "extractive",
        "min_support": 0.0,  # thresholds are calibrated for e5, not for the hashing fake
        "min_support_cross": 0.0,
        "cross_lingual": False,
    }
    values.update(overrides)
    fields = Settings.model_fields
    return Settings(**{k: v for k, v in values.items() if k in fields})


def build_tiny_assistant(root: Path, **overrides: Any) -> Any:
    """A real `Assistant` over a small real index of tests/data (plus a document full of markup)."""
    from assistant.api import Assistant
    from assistant.library import documents as library
    from gfmd.index import Index

    settings = tiny_settings(root, **overrides)
    corpus = Path(settings.corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    for source in DATA.iterdir():
        if source.suffix in (".md", ".txt"):
            (corpus / source.name).write_bytes(source.read_bytes())
    (corpus / "script-sample_2021_en.txt").write_text(SCRIPT_DOC, encoding="utf-8")
    index = Index(settings, embeddings=HashEmbeddings())  # type: ignore[arg-type]
    report = library.add_files([corpus], settings, index=index)
    assert report.ok, report.summary()["failed"]
    return Assistant(settings, index=index)


@pytest.fixture(scope="module")
def tiny_assistant(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return build_tiny_assistant(tmp_path_factory.mktemp("tiny"))


def citation(n: int = 1, quote: str = "The pilot facility raised 60 million dollars.", **extra: Any) -> Citation:
    values: dict[str, Any] = {
        "n": n,
        "chunk_id": f"chunk-{n}",
        "doc_id": "doc1",
        "title": "Migration Partnerships Brief",
        "source": "partnerships-brief_2022_en.md",
        "page": 1,
        "lang": "en",
        "quote": quote,
        "text": f"Intro sentence. {quote} Closing sentence.",
        "score": 0.9,
    }
    values.update(extra)
    return Citation(**values)


def make_answer(question: str = "How much did the pilot raise?", **extra: Any) -> Answer:
    c1 = citation(1)
    c2 = citation(2, "Partners agreed on five shared indicators.", page=2, chunk_id="chunk-2")
    values: dict[str, Any] = {
        "question": question,
        "answer": f"{c1.quote} [1] {c2.quote} [2]",
        "refused": False,
        "mode": "extractive",
        "lang": "en",
        "citations": [c1, c2],
        "sentences": [AnswerSentence(text=c1.quote, citations=[1]), AnswerSentence(text=c2.quote, citations=[2])],
    }
    values.update(extra)
    return Answer(**values)


class FakeAssistant:
    """Streams a canned answer word by word and records what it was asked (the chat's view of `Assistant`)."""

    def __init__(self, answer: Answer | None = None, fail: bool = False, error: Exception | None = None) -> None:
        self.answer = answer or make_answer()
        self.fail = fail
        self.error = error  # raised instead of answering, e.g. the store's `IndexUnavailableError`
        self.calls: list[dict[str, Any]] = []

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]:
        self.calls.append(recorded_call(question, options))
        if self.fail:
            raise RuntimeError("boom")
        if self.error is not None:
            raise self.error
        for word in self.answer.answer.split(" "):
            yield StreamEvent(kind="token", text=word + " ")
        yield StreamEvent(kind="answer", answer=self.answer.model_copy(update={"question": question}))
