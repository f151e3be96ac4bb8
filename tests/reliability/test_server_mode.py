"""Server mode: the index lives in a real Chroma server (GFMD_CHROMA_URL), shared by several workers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.api import Assistant
from gfmd.index import Index
from gfmd.settings import Settings
from ingest.pipeline import ingest_paths
from tests.fakes import HashEmbeddings
from tests.reliability.chroma_server import ChromaServer
from tests.reliability.conftest import REMITTANCE_QUESTION, REMITTANCE_SOURCE, permissive
from ui.cli import app

pytestmark = pytest.mark.slow  # a real Chroma server per test: seconds to start


def test_ingest_and_ask_through_the_server(
    server_settings: Settings, chroma_server: ChromaServer, fake_embeddings: HashEmbeddings, corpus_dir: Path
) -> None:
    index = Index(server_settings)
    assert index.store.describe()["location"] == chroma_server.url
    report = ingest_paths([corpus_dir], index)
    assert report.ok, report.summary()["failed"]
    assert report.count("added") == 3
    # Nothing was written to the local directory but the BM25 cache.
    assert not (Path(server_settings.index_dir) / "chroma.sqlite3").exists()

    answer = Assistant(permissive(server_settings), index).ask(REMITTANCE_QUESTION)
    assert not answer.refused, answer.notice
    assert REMITTANCE_SOURCE in {c.source for c in answer.citations}
    assert "300 million" in answer.answer

    # A fresh process (new Index, new client) finds the same documents on the server.
    again = Index(server_settings)
    assert set(again.store.documents()) == set(index.store.documents())
    assert again.store.count() == index.store.count()


def test_cli_in_server_mode(
    server_settings: Settings, fake_embeddings: HashEmbeddings, corpus_dir: Path, tmp_path: Path
) -> None:
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", str(corpus_dir), "--json"])
    assert ingested.exit_code == 0, ingested.output
    assert json.loads(ingested.stdout)["added"] == 3
    listed = runner.invoke(app, ["documents", "--json"])
    assert listed.exit_code == 0, listed.output
    assert REMITTANCE_SOURCE in {d["source"] for d in json.loads(listed.stdout)}
    asked = runner.invoke(app, ["ask", REMITTANCE_QUESTION, "--json"])
    assert asked.exit_code == 0, asked.output
    assert json.loads(asked.stdout)["question"] == REMITTANCE_QUESTION


def test_two_workers_share_the_server(
    server_settings: Settings, fake_embeddings: HashEmbeddings, corpus_dir: Path, tmp_path: Path
) -> None:
    """Worker A ingests, worker B answers from it after refresh(); then the other way round."""
    worker_a = Index(server_settings.model_copy(update={"index_dir": tmp_path / "worker-a"}))
    worker_b = Index(server_settings.model_copy(update={"index_dir": tmp_path / "worker-b"}))
    assistant_b = Assistant(permissive(worker_b.settings), worker_b)
    assert worker_b.store.documents() == {}

    assert ingest_paths([corpus_dir / REMITTANCE_SOURCE], worker_a).ok
    worker_b.refresh()
    assert REMITTANCE_SOURCE in worker_b.store.documents()
    answer = assistant_b.ask(REMITTANCE_QUESTION)
    assert REMITTANCE_SOURCE in {c.source for c in answer.citations}
    assert REMITTANCE_SOURCE in {p.chunk.source for p in assistant_b.retrieve(REMITTANCE_QUESTION).passages}

    brief = "partnerships-brief_2022_en.md"
    assert ingest_paths([corpus_dir / brief], worker_b).ok
    worker_a.refresh()
    assert set(worker_a.store.documents()) == {REMITTANCE_SOURCE, brief}
    assert {c.source for c in worker_a.store.all_chunks()} == {REMITTANCE_SOURCE, brief}
    assert len(worker_a.lexical().ids) == worker_a.store.count() == worker_b.store.count()


def test_workers_sharing_an_uploads_folder_open_each_others_uploads(
    server_settings: Settings, fake_embeddings: HashEmbeddings, corpus_dir: Path, tmp_path: Path
) -> None:
    """A file uploaded through worker A is kept in GFMD_UPLOADS_DIR, where worker B opens its pages; removed
    through B, its file goes too. Without the shared folder B answers from it but cannot show its pages."""
    from assistant.library import pages
    from ui.library import ingest_uploads, remove

    shared = {"uploads_dir": tmp_path / "shared-uploads"}
    a = server_settings.model_copy(update={"index_dir": tmp_path / "worker-a", **shared})
    b = server_settings.model_copy(update={"index_dir": tmp_path / "worker-b", **shared})
    worker_a, worker_b = Index(a), Index(b)
    upload = tmp_path / "incoming" / REMITTANCE_SOURCE
    upload.parent.mkdir()
    upload.write_bytes((corpus_dir / REMITTANCE_SOURCE).read_bytes())
    assert [o.ok for o in ingest_uploads([upload], a, index=worker_a)] == [True]
    assert (tmp_path / "shared-uploads" / REMITTANCE_SOURCE).is_file()

    worker_b.refresh()
    text = pages.page_text(REMITTANCE_SOURCE, 1, b, index=worker_b)
    assert text is not None and "300 million" in text
    alone = b.model_copy(update={"uploads_dir": None})
    assert pages.page_text(REMITTANCE_SOURCE, 1, alone, index=worker_b) is None

    assert "Removed" in remove(REMITTANCE_SOURCE, b, index=worker_b)
    assert not (tmp_path / "shared-uploads" / REMITTANCE_SOURCE).exists()
