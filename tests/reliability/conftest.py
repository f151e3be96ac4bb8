"""Fixtures for reliability tests: a real Chroma server on loopback, and settings pointing at it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from gfmd.settings import Settings
from tests.reliability.chroma_server import ChromaServer

# Questions answered from tests/data/remittances-note_2020_en.txt (ingested by `corpus_dir`).
REMITTANCE_QUESTION = "How much did Nigeria raise with its first diaspora bond?"
REMITTANCE_SOURCE = "remittances-note_2020_en.txt"


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaServer]:
    """A Chroma server of its own for this test (data in tmp_path/chroma-data), stopped afterwards."""
    server = ChromaServer(tmp_path / "chroma-data").start()
    try:
        yield server
    finally:
        server.stop(kill=True)


@pytest.fixture
def server_settings(chroma_server: ChromaServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for server mode, read from the environment as a deployment would (GFMD_CHROMA_URL)."""
    monkeypatch.setenv("GFMD_CHROMA_URL", chroma_server.url)
    monkeypatch.setenv("GFMD_INDEX_DIR", str(tmp_path / "worker-cache"))
    monkeypatch.setenv("GFMD_ANSWER_MODE", "extractive")  # no generative model to load in these tests
    monkeypatch.setenv("GFMD_LLM_BACKEND", "none")
    return Settings()


def permissive(settings: Settings) -> Settings:
    """Extractive answers (no generative model in tests) with the answer gate opened: the hashing fake is not
    calibrated like e5."""
    update = {"min_support": 0.0, "min_support_cross": 0.0, "answer_mode": "extractive", "llm_backend": "none"}
    return settings.model_copy(update={k: v for k, v in update.items() if k in Settings.model_fields})
