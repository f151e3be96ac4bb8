"""Disk faults of the embedded index: a full disk and a read-only index directory.

Each gives a clear error naming the index directory, and nothing already stored is lost. The full disk is
simulated at the Store's boundary with Chroma (an `OSError(ENOSPC)` from the collection), and, where this
machine lets the tests mount a tiny tmpfs (root), for real.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.api import Assistant
from gfmd.index import Index
from gfmd.settings import Settings
from ingest.pipeline import ingest_paths
from tests.fakes import HashEmbeddings
from tests.reliability.conftest import REMITTANCE_QUESTION, REMITTANCE_SOURCE, permissive
from tests.reliability.test_crash_ingest import BIG, big_document, run_driver

BRIEF = "partnerships-brief_2022_en.md"


def _assert_intact(index: Index, source: str = REMITTANCE_SOURCE) -> None:
    docs = index.store.documents(refresh=True)
    assert set(docs) == {source}
    assert len(index.store.all_chunks()) == docs[source].chunks
    answer = Assistant(permissive(index.settings), index).ask(REMITTANCE_QUESTION)
    assert source in {c.source for c in answer.citations}


def test_disk_full_at_the_store_boundary(
    tmp_path: Path, corpus_dir: Path, fake_embeddings: HashEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = Index(Settings(index_dir=tmp_path / "index"), embeddings=fake_embeddings)
    assert ingest_paths([corpus_dir / REMITTANCE_SOURCE], index).ok
    big = big_document(tmp_path / BIG)
    collection = index.store.passages._collection
    upsert = collection.upsert
    calls: list[int] = []

    def fill_the_disk(*args: object, **kwargs: object) -> None:
        calls.append(1)
        if len(calls) > 1:  # the first batch fits, the second does not
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        upsert(*args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(collection, "upsert", fill_the_disk)
        report = ingest_paths([big], index)
    (failed,) = report.summary()["failed"]  # type: ignore[misc]
    assert str((tmp_path / "index").resolve()) in failed["reason"]
    assert "No space left on device" in failed["reason"]
    _assert_intact(index)

    assert ingest_paths([big], index).ok  # space freed: the same file goes in, orphans collected
    assert index.store.collect_garbage() == 0


@contextlib.contextmanager
def _mounted_tmpfs(path: Path, size: str) -> Iterator[Path]:
    path.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}); the boundary test covers it")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.mark.slow
def test_disk_full_for_real_on_a_tiny_tmpfs(tmp_path: Path, corpus_dir: Path) -> None:
    """The whole CLI in child processes (a fresh Chroma each time) against a 3 MB filesystem."""
    with _mounted_tmpfs(tmp_path / "tiny", "3m") as mount:
        index_dir = mount / "index"
        small = run_driver(["ingest", str(corpus_dir / REMITTANCE_SOURCE)], index_dir)
        assert small.wait(timeout=120) == 0
        big = run_driver(["ingest", str(big_document(tmp_path / BIG, passages=1500))], index_dir)
        _, stderr = big.communicate(timeout=300)
        assert big.returncode == 1, stderr
        assert f"writing to the index directory {index_dir} failed" in stderr and "disk is full" in stderr
        assert "Traceback" not in stderr
        listed = run_driver(["documents", "--json"], index_dir)
        out, err = listed.communicate(timeout=120)
        assert listed.returncode == 0, err
        assert REMITTANCE_SOURCE in out and BIG not in out

        subprocess.run(["mount", "-o", "remount,size=64m", str(mount)], check=True)
        again = run_driver(["ingest", str(tmp_path / BIG)], index_dir)
        _, err = again.communicate(timeout=300)
        assert again.returncode == 0, err


@contextlib.contextmanager
def _read_only(directory: Path) -> Iterator[None]:
    """chmod a-w; root ignores modes, so as root the directory is bind-mounted read-only instead."""
    modes = {p: p.stat().st_mode for p in [directory, *directory.rglob("*")]}
    if os.geteuid() != 0:
        for path, mode in modes.items():
            path.chmod(mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            yield
        finally:
            for path, mode in modes.items():
                path.chmod(mode)
        return
    bind = subprocess.run(["mount", "--bind", str(directory), str(directory)], capture_output=True)
    if bind.returncode != 0:
        pytest.skip(f"running as root, which chmod cannot stop, and mount is refused: {bind.stderr.decode()}")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(directory)], check=True)
        probe = directory / f"probe-{uuid.uuid4().hex}"
        with pytest.raises(OSError):
            probe.write_text("x")
        yield
    finally:
        subprocess.run(["umount", "-l", str(directory)], check=False)


@pytest.mark.slow
def test_read_only_index_directory(tmp_path: Path, corpus_dir: Path) -> None:
    index_dir = tmp_path / "index"
    first = run_driver(["ingest", str(corpus_dir / REMITTANCE_SOURCE)], index_dir)
    assert first.wait(timeout=120) == 0
    with _read_only(index_dir):
        child = run_driver(["ingest", str(corpus_dir / BRIEF)], index_dir)
        _, stderr = child.communicate(timeout=120)
        assert child.returncode != 0
        assert f"index directory {index_dir}" in stderr, stderr
        assert "Traceback" not in stderr
    listed = run_driver(["documents", "--json"], index_dir)
    out, err = listed.communicate(timeout=120)
    assert listed.returncode == 0, err
    assert REMITTANCE_SOURCE in out  # nothing stored was lost
    again = run_driver(["ingest", str(corpus_dir / BRIEF)], index_dir)
    assert again.wait(timeout=120) == 0
