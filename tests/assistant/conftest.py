"""Fixtures shared by the assistant's tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.api import Assistant
from gfmd.index import Index
from gfmd.settings import Settings
from ingest.pipeline import ingest_paths
from tests.fakes import HashEmbeddings


@pytest.fixture
def generative(tmp_path: Path, fake_embeddings: HashEmbeddings, corpus_dir: Path) -> Callable[..., Assistant]:
    """A factory of assistants in generative mode over the seed, the brief and the note (plus `extra`), answering
    with the fake chat model given. The hashing fake embedder's similarities are low, so the answer gate and the
    semantic support threshold are opened (test_verify.py tests the threshold itself)."""

    def make(llm: object, *, extra: Path | None = None, **overrides: object) -> Assistant:
        values: dict[str, object] = {
            "index_dir": tmp_path / "gen-index",
            "answer_mode": "generative",
            "llm_backend": "local",  # never loaded: the fake is given
            "min_support": 0.0,
            "min_support_cross": 0.0,
            "support_threshold": 0.0,
            **overrides,
        }
        settings = Settings(**values)  # type: ignore[arg-type]
        assistant = Assistant(settings, index=Index(settings, embeddings=fake_embeddings), llm=llm)
        assert ingest_paths([corpus_dir] + ([extra] if extra else []), assistant.index).ok
        return assistant

    return make
