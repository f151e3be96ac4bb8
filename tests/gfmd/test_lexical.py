from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gfmd.index import Index
from gfmd.lexical import LexicalIndex, fingerprint, index_text
from gfmd.records import Chunk
from ingest.pipeline import ingest_paths


def _chunk(n: int, text: str, lang: str = "en", source: str = "a.txt", year: int | None = 2020) -> Chunk:
    return Chunk(
        chunk_id=f"c{n}",
        doc_id=f"d-{source}",
        source=source,
        title=f"Title of {source}",
        lang=lang,
        year=year,
        page=1,
        section="Funding" if n == 0 else None,
        ordinal=n,
        text=text,
    )


CHUNKS = [
    _chunk(0, "Remittances reached 554 billion dollars in 2019."),
    _chunk(1, "Las remesas de los migrantes crecieron en 2019.", lang="es", source="b.txt", year=2021),
    _chunk(2, "Les partenariats pour la migration réunissent les villes.", lang="fr", source="c.txt", year=None),
    _chunk(3, "Diaspora bonds raised 300 million dollars for Nigeria."),
]


@pytest.fixture
def lexical() -> LexicalIndex:
    return LexicalIndex.build(CHUNKS, fingerprint({"d-a.txt", "d-b.txt", "d-c.txt"}))


def test_search_finds_stems_and_numbers(lexical: LexicalIndex) -> None:
    assert lexical.search("remittance", 3)[0][0] == "c0"
    assert lexical.search("remesa", 3)[0][0] == "c1"
    assert lexical.search("partenariat", 3)[0][0] == "c2"
    assert lexical.search("Nigeria diaspora bond", 3)[0][0] == "c3"
    assert {cid for cid, _ in lexical.search("2019", 4)} == {"c0", "c1"}
    assert [cid for cid, _ in lexical.search("554", 4)] == ["c0"]


def test_search_scores_are_positive_and_sorted(lexical: LexicalIndex) -> None:
    hits = lexical.search("migration remittances 2019 dollars", 4)
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    assert all(s > 0 for s in scores)


def test_title_and_section_are_searchable(lexical: LexicalIndex) -> None:
    assert "Funding" in index_text(CHUNKS[0])
    assert lexical.search("funding", 4)[0][0] == "c0"


def test_unknown_words_find_nothing(lexical: LexicalIndex) -> None:
    assert lexical.search("football stadium", 4) == []
    assert lexical.search("", 4) == []


def test_mask_filters(lexical: LexicalIndex) -> None:
    assert lexical.mask((), None, None) is None
    assert lexical.mask(("b.txt",), None, None).tolist() == [False, True, False, False]  # type: ignore[union-attr]
    assert lexical.mask((), "en", None).tolist() == [True, False, False, True]  # type: ignore[union-attr]
    assert lexical.mask((), None, 2021).tolist() == [False, True, False, False]  # type: ignore[union-attr]
    assert lexical.mask(("a.txt", "b.txt"), "es", 2021).tolist() == [  # type: ignore[union-attr]
        False,
        True,
        False,
        False,
    ]
    only_a = lexical.mask(("a.txt",), None, None)
    assert {cid for cid, _ in lexical.search("2019", 4, only_a)} == {"c0"}
    nothing = np.zeros(4, dtype=bool)
    assert lexical.search("2019", 4, nothing) == []


def test_save_load_round_trip(lexical: LexicalIndex, tmp_path: Path) -> None:
    directory = tmp_path / "lexical"
    lexical.save(directory)
    loaded = LexicalIndex.load(directory)
    assert loaded is not None
    assert loaded.ids == lexical.ids
    assert loaded.meta == lexical.meta
    assert loaded.fingerprint == lexical.fingerprint
    for query in ("remittances 2019", "remesas", "Nigeria", "villes partenariats"):
        assert loaded.search(query, 4) == lexical.search(query, 4)
    # Saving again replaces the old copy whole.
    LexicalIndex.build(CHUNKS[:1], "other").save(directory)
    again = LexicalIndex.load(directory)
    assert again is not None and again.ids == ["c0"] and again.fingerprint == "other"
    assert not directory.with_name("lexical.tmp").exists()


def test_empty_index_round_trip(tmp_path: Path) -> None:
    empty = LexicalIndex.build([], "fp")
    assert empty.search("anything", 4) == []
    empty.save(tmp_path / "empty")
    loaded = LexicalIndex.load(tmp_path / "empty")
    assert loaded is not None and loaded.ids == [] and loaded.search("anything", 3) == []


def test_load_missing_or_unreadable(tmp_path: Path) -> None:
    assert LexicalIndex.load(tmp_path / "nothing") is None
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "passages.json").write_text("{not json", encoding="utf-8")
    assert LexicalIndex.load(broken) is None


def test_fingerprint_is_order_independent() -> None:
    assert fingerprint({"a", "b"}) == fingerprint({"b", "a"})
    assert fingerprint({"a"}) != fingerprint({"a", "b"})


def test_index_rebuilds_on_fingerprint_mismatch(fake_index: Index, corpus_dir: Path) -> None:
    ingest_paths([corpus_dir], fake_index)
    stored = {c.chunk_id for c in fake_index.store.all_chunks()}
    # A stale BM25 copy on disk (another process changed the documents): it must not be used.
    LexicalIndex.build(fake_index.store.all_chunks()[:3], "stale").save(fake_index.lexical_dir)
    fresh = Index(fake_index.settings, embeddings=fake_index.embeddings)
    lexical = fresh.lexical()
    assert lexical.fingerprint == fingerprint(fresh.store.active_versions())
    assert set(lexical.ids) == stored
    reloaded = LexicalIndex.load(fake_index.lexical_dir)
    assert reloaded is not None and set(reloaded.ids) == stored  # the rebuilt copy was saved


def test_index_loads_a_matching_copy_without_rebuilding(
    fake_index: Index, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest_paths([corpus_dir], fake_index)
    fresh = Index(fake_index.settings, embeddings=fake_index.embeddings)

    def no_build(*args: object) -> None:
        raise AssertionError("rebuilt although the saved copy matches")

    monkeypatch.setattr(LexicalIndex, "build", no_build)
    assert set(fresh.lexical().ids) == {c.chunk_id for c in fresh.store.all_chunks()}


def _unit_rows(n: int, dim: int = 16, seed: int = 0) -> np.ndarray:
    rows = np.random.default_rng(seed).normal(size=(n, dim)).astype(np.float32)
    return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_nearest_is_exact_and_respects_the_mask() -> None:
    vectors = _unit_rows(len(CHUNKS))
    snapshot = LexicalIndex.build(CHUNKS, "fp", vectors * 3.0)  # rows are normalised on the way in
    query = vectors[3] + 0.1 * vectors[1]
    truth = np.argsort(-(vectors @ (query / np.linalg.norm(query))))
    assert [cid for cid, _ in snapshot.nearest(query, 4)] == [CHUNKS[i].chunk_id for i in truth]
    best, score = snapshot.nearest(query, 1)[0]
    expected = float(vectors[3] @ query) / float(np.linalg.norm(query))
    assert best == "c3" and score == pytest.approx(expected, abs=1e-5)  # cosine similarity, as Chroma reports it
    english = snapshot.mask((), "en", None)
    ranked = snapshot.nearest(vectors[1], 4, english)  # the Spanish passage's own vector, English passages only
    assert {cid for cid, _ in ranked} == {"c0", "c3"}
    assert ranked[0][1] >= ranked[1][1]
    assert snapshot.nearest(query, 4, np.zeros(4, dtype=bool)) == []


def test_vectors_survive_the_round_trip_memory_mapped(tmp_path: Path) -> None:
    vectors = _unit_rows(len(CHUNKS))
    LexicalIndex.build(CHUNKS, "fp", vectors).save(tmp_path / "snap")
    loaded = LexicalIndex.load(tmp_path / "snap")
    assert loaded is not None and isinstance(loaded.vectors, np.memmap)
    np.testing.assert_allclose(np.asarray(loaded.vectors), vectors, atol=1e-6)
    assert loaded.nearest(vectors[2], 1)[0][0] == "c2"


def test_a_snapshot_whose_vectors_do_not_match_its_passages_is_unreadable(tmp_path: Path) -> None:
    LexicalIndex.build(CHUNKS, "fp", _unit_rows(len(CHUNKS))).save(tmp_path / "snap")
    np.save(tmp_path / "snap" / "vectors.npy", _unit_rows(2))
    assert LexicalIndex.load(tmp_path / "snap") is None


def test_index_rebuilds_a_snapshot_saved_without_vectors(fake_index: Index, corpus_dir: Path) -> None:
    ingest_paths([corpus_dir], fake_index)
    chunks = fake_index.store.all_chunks()
    fp = fingerprint(fake_index.store.active_versions())
    LexicalIndex.build(chunks, fp).save(fake_index.lexical_dir)  # as saved before vectors were kept
    fresh = Index(fake_index.settings, embeddings=fake_index.embeddings).lexical()
    assert fresh.vectors is not None and fresh.vectors.shape[0] == len(fresh.ids) == len(chunks)
    found, stored = fake_index.store.get_chunks(fresh.ids, with_vectors=True)
    assert [c.chunk_id for c in found] == fresh.ids and stored is not None
    np.testing.assert_allclose(np.asarray(fresh.vectors), stored, atol=1e-5)  # rows aligned with the ids


class _Fetch:
    """A stand-in for `Store.get_chunks` that records what it was asked."""

    def __init__(self, chunks: list[Chunk], vectors: np.ndarray) -> None:
        self.by_id = {c.chunk_id: (c, v) for c, v in zip(chunks, vectors, strict=True)}
        self.calls: list[tuple[list[str], bool]] = []

    def __call__(self, ids: list[str], with_vectors: bool) -> tuple[list[Chunk], np.ndarray | None]:
        self.calls.append((list(ids), with_vectors))
        found = [self.by_id[i] for i in ids if i in self.by_id]
        return [c for c, _ in found], (np.stack([v for _, v in found]) if with_vectors and found else None)


def test_passages_are_read_once_and_their_vectors_come_from_the_snapshot() -> None:
    vectors = _unit_rows(len(CHUNKS))
    snapshot = LexicalIndex.build(CHUNKS, "fp", vectors)
    fetch = _Fetch(CHUNKS, vectors)
    found, rows = snapshot.chunks(["c3", "c1", "c3"], fetch)
    assert [c.chunk_id for c in found] == ["c3", "c1"] and rows is not None
    np.testing.assert_allclose(rows, vectors[[3, 1]], atol=1e-6)
    assert fetch.calls == [(["c3", "c1"], False)]  # no vectors over the wire: the snapshot has them
    found, rows = snapshot.chunks(["c0", "c1"], fetch)
    assert [c.chunk_id for c in found] == ["c0", "c1"] and fetch.calls[-1] == (["c0"], False)
    np.testing.assert_allclose(rows, vectors[[0, 1]], atol=1e-6)
    assert found[1] is CHUNKS[1]


def test_a_passage_the_snapshot_lacks_is_read_with_its_vector() -> None:
    vectors = _unit_rows(len(CHUNKS))
    snapshot = LexicalIndex.build(CHUNKS[:2], "fp", vectors[:2])
    fetch = _Fetch(CHUNKS, vectors)
    found, rows = snapshot.chunks(["c0", "c3"], fetch)
    assert [c.chunk_id for c in found] == ["c0", "c3"] and fetch.calls == [(["c0", "c3"], True)]
    assert rows is not None and rows.shape == (2, vectors.shape[1])
    no_vectors = LexicalIndex.build(CHUNKS, "fp")
    no_vectors.chunks(["c1"], fetch)
    assert fetch.calls[-1] == (["c1"], True)


def test_a_rebuilt_snapshot_reads_passages_afresh(fake_index: Index, corpus_dir: Path, tmp_path: Path) -> None:
    ingest_paths([corpus_dir], fake_index)
    first = fake_index.lexical()
    some = first.ids[:3]
    before, _ = first.chunks(some, fake_index.store.get_chunks)
    extra = tmp_path / "more"
    extra.mkdir()
    (extra / "extra-note_2021_en.txt").write_text("A new note on labour migration partnerships.\n", encoding="utf-8")
    ingest_paths([extra], fake_index)
    second = fake_index.lexical()
    assert second is not first and not second._cache  # documents changed: a new snapshot, nothing cached
    after, _ = second.chunks(some, fake_index.store.get_chunks)
    assert [c.chunk_id for c in after] == [c.chunk_id for c in before]
