"""Two `Index` objects on one index (as two `gfmd serve` workers on one Chroma): one sees the other's changes."""

from __future__ import annotations

from pathlib import Path

from gfmd.index import Index
from gfmd.settings import Settings
from ingest.pipeline import ingest_paths, remove_sources
from tests.conftest import DATA_DIR
from tests.fakes import HashEmbeddings

TXT = "remittances-note_2020_en.txt"


def _two_workers(tmp_path: Path, fake: HashEmbeddings) -> tuple[Index, Index]:
    settings = Settings(index_dir=tmp_path / "shared-index")
    return Index(settings, embeddings=fake), Index(settings, embeddings=fake)


def test_another_index_sees_an_ingest_and_a_removal_without_restart(
    tmp_path: Path, fake_embeddings: HashEmbeddings
) -> None:
    writer, reader = _two_workers(tmp_path, fake_embeddings)
    reader.registry_check_s = 0.0
    assert reader.store.documents() == {}

    assert ingest_paths([DATA_DIR / TXT], writer).ok
    assert reader.store.documents() == {}  # the reader's registry is cached: it has not looked yet
    assert reader.refresh_if_changed() is True
    assert set(reader.store.documents()) == {TXT}
    assert {m["source"] for m in reader.lexical().meta} == {TXT}  # BM25 rebuilt in step
    assert reader.refresh_if_changed() is False  # nothing changed since

    assert remove_sources([TXT], writer) == [TXT]
    assert reader.refresh_if_changed() is True
    assert reader.store.documents() == {}
    assert reader.lexical().meta == []


def test_the_registry_is_asked_at_most_once_per_interval(tmp_path: Path, fake_embeddings: HashEmbeddings) -> None:
    writer, reader = _two_workers(tmp_path, fake_embeddings)
    reader.registry_check_s = 3600.0
    reads: list[int] = []
    registered = reader.store.registered_versions

    def counting() -> set[str]:
        reads.append(1)
        return registered()

    reader.store.registered_versions = counting  # type: ignore[method-assign]
    assert reader.refresh_if_changed() is False  # the first call looks (nothing there yet)
    assert ingest_paths([DATA_DIR / TXT], writer).ok
    assert reader.refresh_if_changed() is False  # within the interval: no request to the registry
    assert reads == [1]
    assert reader.store.documents() == {}

    reader.registry_check_s = 0.0
    assert reader.refresh_if_changed() is True
    assert reads == [1, 1]
    assert set(reader.store.documents()) == {TXT}
