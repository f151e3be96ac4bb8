"""Two `Index` objects on one index (as two `gfmd serve` workers on one Chroma): one sees the other's changes."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from gfmd.errors import IndexUnavailableError
from gfmd.index import Index
from gfmd.settings import Settings
from ingest.pipeline import ingest_paths, remove_sources
from tests.conftest import DATA_DIR
from tests.fakes import HashEmbeddings

TXT = "remittances-note_2020_en.txt"
HUNG = "reading from the Chroma server at http://127.0.0.1:9 failed: no answer within 0.4 s"


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


def test_questions_queued_behind_a_failed_registry_check_get_its_error_at_once(
    tmp_path: Path, fake_embeddings: HashEmbeddings
) -> None:
    """A hung Chroma server: one check waits its time limit and fails; the questions waiting behind it, and those
    of the next interval, get the same error at once instead of each waiting the time limit again."""
    _, reader = _two_workers(tmp_path, fake_embeddings)
    reader.registry_check_s = 0.5
    asked: list[float] = []
    registered = reader.store.registered_versions
    server_up = False

    def hung() -> set[str]:
        asked.append(time.monotonic())
        if server_up:
            return registered()
        time.sleep(0.4)  # the request's time limit running out
        raise IndexUnavailableError(HUNG)

    reader.store.registered_versions = hung  # type: ignore[method-assign]
    errors: list[str] = []

    def question() -> None:
        try:
            reader.refresh_if_changed()
        except IndexUnavailableError as exc:
            errors.append(str(exc))

    started = time.monotonic()
    threads = [threading.Thread(target=question) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(asked) == 1 and len(errors) == 6
    assert set(errors) == {HUNG}
    assert time.monotonic() - started < 1.0  # one time limit, not six in turn

    time.sleep(0.6)  # the interval has passed: the next question asks the server again, which is back
    server_up = True
    assert reader.refresh_if_changed() is False
    assert len(asked) == 2
    reader.registry_check_s = 3600.0
    assert reader.refresh_if_changed() is False  # the failure is forgotten: no error within the interval
