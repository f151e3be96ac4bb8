"""Faults of a Chroma server: stopped, hung (SIGSTOP) or killed mid-ingest. Errors are clear and fast, never
a hang, and everything works again once the server is back on the same port and data directory."""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from assistant.api import Assistant
from assistant.library.documents import uploads_dir
from gfmd.errors import IndexUnavailableError
from gfmd.index import Index
from gfmd.settings import Settings
from gfmd.store import WRITE_BATCH
from ingest.pipeline import ingest_paths
from tests.fakes import HashEmbeddings
from tests.reliability.chroma_server import ChromaServer
from tests.reliability.conftest import REMITTANCE_QUESTION, REMITTANCE_SOURCE, permissive
from tests.reliability.test_crash_ingest import BIG, MARKER, big_document
from ui.library import ingest_uploads, remove

pytestmark = pytest.mark.slow
BRIEF = "partnerships-brief_2022_en.md"


def _ready(settings: Settings, corpus_dir: Path) -> tuple[Index, Assistant]:
    index = Index(settings)
    assert ingest_paths([corpus_dir / REMITTANCE_SOURCE], index).ok
    assistant = Assistant(permissive(settings), index)
    assert not assistant.ask(REMITTANCE_QUESTION).refused
    # Dense search runs over the local snapshot and read passages are cached, so a question may not need the server;
    # what meets it on every question is the registry check, asked at most every `registry_check_s` (2 s): none here.
    index.registry_check_s = 0.0
    return index, assistant


def test_server_stopped_mid_session_then_restarted(
    server_settings: Settings, chroma_server: ChromaServer, fake_embeddings: HashEmbeddings, corpus_dir: Path
) -> None:
    index, assistant = _ready(server_settings, corpus_dir)
    chroma_server.stop()

    started = time.monotonic()
    # Until its next registry check a worker answers from the documents it knows, from its own snapshot.
    index.registry_check_s = 3600.0
    assert REMITTANCE_SOURCE in {c.source for c in assistant.ask(REMITTANCE_QUESTION).citations}
    index.registry_check_s = 0.0
    with pytest.raises(IndexUnavailableError, match=f"Chroma server at {chroma_server.url}"):
        assistant.ask(REMITTANCE_QUESTION)
    with pytest.raises(IndexUnavailableError, match=f"Chroma server at {chroma_server.url}"):
        ingest_paths([corpus_dir / BRIEF], index)
    with pytest.raises(IndexUnavailableError, match="not reachable"):
        Index(server_settings)  # a worker starting while the server is down
    assert time.monotonic() - started < 20, "errors must come at once, not after a long wait"

    chroma_server.restart()  # same port, same data directory
    answer = assistant.ask(REMITTANCE_QUESTION)
    assert REMITTANCE_SOURCE in {c.source for c in answer.citations}
    assert ingest_paths([corpus_dir / BRIEF], index).ok
    assert set(Index(server_settings).store.documents()) == {REMITTANCE_SOURCE, BRIEF}


def test_library_changes_while_the_server_is_down_are_refused_and_lose_nothing(
    server_settings: Settings,
    chroma_server: ChromaServer,
    fake_embeddings: HashEmbeddings,
    corpus_dir: Path,
    tmp_path: Path,
) -> None:
    """The web library's upload and remove while Chroma is stopped: a message naming the server, no staged file
    left behind, the index as it was; both work once the server is back."""
    index, _ = _ready(server_settings, corpus_dir)
    upload = tmp_path / "upload" / BRIEF
    upload.parent.mkdir()
    shutil.copy(corpus_dir / BRIEF, upload)
    chroma_server.stop()

    outcomes = ingest_uploads([upload], server_settings, index=index)
    assert [(o.name, o.ok) for o in outcomes] == [(BRIEF, False)]
    assert "not indexed" in outcomes[0].message and chroma_server.url in outcomes[0].message
    assert not [p for p in uploads_dir(server_settings).rglob("*") if p.is_file()]  # the staged copy is gone
    html = remove(REMITTANCE_SOURCE, server_settings, index=index)
    assert "Index unavailable" in html and "not removed" in html and chroma_server.url in html

    chroma_server.restart()
    assert set(Index(server_settings).store.documents()) == {REMITTANCE_SOURCE}  # nothing lost, nothing half-added
    outcomes = ingest_uploads([upload], server_settings, index=index)
    assert [(o.name, o.ok) for o in outcomes] == [(BRIEF, True)]
    assert "Removed" in remove(REMITTANCE_SOURCE, server_settings, index=index)
    assert set(Index(server_settings).store.documents()) == {BRIEF}


def test_hung_server_times_out(
    server_settings: Settings,
    chroma_server: ChromaServer,
    fake_embeddings: HashEmbeddings,
    corpus_dir: Path,
) -> None:
    index, assistant = _ready(server_settings.model_copy(update={"chroma_timeout": 2.0}), corpus_dir)
    chroma_server.freeze()  # accepts connections (the kernel does) but never answers
    try:
        started = time.monotonic()
        with pytest.raises(IndexUnavailableError, match="no answer within 2 s"):
            assistant.ask(REMITTANCE_QUESTION)
        with pytest.raises(IndexUnavailableError, match="no answer within"):
            ingest_paths([corpus_dir / BRIEF], index)
        assert time.monotonic() - started < 15
    finally:
        chroma_server.thaw()
    assert REMITTANCE_SOURCE in {c.source for c in assistant.ask(REMITTANCE_QUESTION).citations}


def test_server_killed_mid_ingest(
    server_settings: Settings,
    chroma_server: ChromaServer,
    fake_embeddings: HashEmbeddings,
    corpus_dir: Path,
    tmp_path: Path,
) -> None:
    """The server dies after the first passage batch of a document: the file fails, nothing half-visible."""
    index, _ = _ready(server_settings, corpus_dir)
    big = big_document(tmp_path / BIG)
    passages = index.store.passages
    upsert = passages._collection.upsert

    def upsert_then_die(*args: object, **kwargs: object) -> None:
        upsert(*args, **kwargs)
        chroma_server.stop(kill=True)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(passages._collection, "upsert", upsert_then_die)
        report = ingest_paths([big], index)
    (failed,) = report.summary()["failed"]  # type: ignore[misc]
    assert f"Chroma server at {chroma_server.url}" in failed["reason"]

    chroma_server.restart()
    fresh = Index(server_settings.model_copy(update={"index_dir": tmp_path / "other-worker"}))
    assert len(fresh.store.passages.get(where={"source": BIG}, include=[])["ids"]) == WRITE_BATCH  # orphans
    assert set(fresh.store.documents()) == {REMITTANCE_SOURCE}
    retrieval = Assistant(server_settings, fresh).retrieve(f"What did the {MARKER} programme pay?")
    assert {p.chunk.source for p in retrieval.passages} == {REMITTANCE_SOURCE}

    assert ingest_paths([big], fresh).ok
    docs = fresh.store.documents()
    assert fresh.store.count() == docs[BIG].chunks + docs[REMITTANCE_SOURCE].chunks
