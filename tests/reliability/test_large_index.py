"""An index larger than one SQLite statement can read: Chroma's embedded `get()` of every row fails past ~32,000
rows ("too many SQL variables"), which broke the BM25 rebuild (and garbage collection) at scale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import gfmd.store
from gfmd.index import Index
from gfmd.records import Chunk, Document
from gfmd.settings import Settings

PASSAGES = 33_000  # just past SQLite's 32,766 variables


class TinyEmbeddings:
    """Two-dimensional vectors: the HNSW graph costs little, so tens of thousands of passages insert fast."""

    model_id = "tiny-2d"
    dim = 2

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[1.0, 0.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0, 0.0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return np.tile(np.asarray([1.0, 0.0], dtype=np.float32), (len(texts), 1))


def _document(doc_id: str, n: int) -> tuple[Document, list[Chunk], np.ndarray]:
    source = f"{doc_id}_2020_en.txt"
    chunks = [
        Chunk(
            chunk_id=f"{doc_id}-{i}",
            doc_id=doc_id,
            source=source,
            title="T",
            lang="en",
            page=1,
            ordinal=i,
            text=f"passage {i} about migration {doc_id}",
        )
        for i in range(n)
    ]
    angles = np.linspace(0, 1.5, n, dtype=np.float32)
    vectors = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    document = Document(doc_id=doc_id, source=source, title="T", lang="en", kind="text", pages=1, paginated=False,
                        chunks=n)  # fmt: skip
    return document, chunks, vectors


def test_scans_are_paged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gfmd.store, "READ_PAGE", 7)
    index = Index(Settings(index_dir=tmp_path / "index"), embeddings=TinyEmbeddings())  # type: ignore[arg-type]
    index.store.write_document(*_document("docone", 30))
    _, chunks, vectors = _document("orphan", 23)  # passages without a registry record: an interrupted ingest
    texts, metas = [c.text for c in chunks], [c.metadata() for c in chunks]
    index.store.passages.upsert(ids=[c.chunk_id for c in chunks], embeddings=vectors, documents=texts, metadatas=metas)
    assert len(index.store.all_chunks()) == 30
    assert index.store.collect_garbage() == 23
    assert index.store.count() == 30


@pytest.mark.slow
def test_more_passages_than_one_sqlite_statement_can_read(tmp_path: Path) -> None:
    index = Index(Settings(index_dir=tmp_path / "index"), embeddings=TinyEmbeddings())  # type: ignore[arg-type]
    index.store.write_document(*_document("bigdoc", PASSAGES))
    assert index.store.count() == PASSAGES
    assert len(index.store.all_chunks()) == PASSAGES
    assert len(index.lexical().ids) == PASSAGES
    assert index.store.collect_garbage() == 0
