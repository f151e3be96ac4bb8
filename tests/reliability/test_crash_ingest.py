"""An ingest killed with SIGKILL in the middle of a document leaves no half document behind.

The child process runs the real CLI and pipeline (`gfmd ingest`) with the hashing fake; it reports each
embedded batch and each passage batch written, and pauses there so the test kills it at a known point.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.api import Assistant
from gfmd.index import Index
from gfmd.settings import Settings
from gfmd.store import WRITE_BATCH
from ingest.pipeline import ingest_paths
from tests.conftest import REPO_ROOT
from tests.fakes import HashEmbeddings

pytestmark = pytest.mark.slow
MARKER = "quokkafund"  # a word only the big document contains
BIG = "corridor-ledger_2021_en.txt"
SMALL = "remittances-note_2020_en.txt"


def big_document(path: Path, passages: int = 3 * WRITE_BATCH) -> Path:
    """A plain-text report long enough for several write batches (about one passage per paragraph)."""
    paragraphs = [
        f"Paragraph {i} of the corridor ledger. The {MARKER} programme number {i} paid {i * 7} dollars to "
        f"returning migrants in district {i % 97}. Partners reviewed the {MARKER} accounts every quarter "
        f"and reported the results to the steering committee. " * 3
        for i in range(passages)
    ]
    path.write_text("\n\n".join(paragraphs), encoding="utf-8")
    return path


def run_driver(args: list[str], index_dir: Path, **env: str) -> subprocess.Popen[str]:
    environment = {**os.environ, "GFMD_INDEX_DIR": str(index_dir), "PYTHONPATH": str(REPO_ROOT), **env}
    return subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.ingest_driver", *args],
        cwd=REPO_ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def kill_at(process: subprocess.Popen[str], event: str, timeout: float = 120) -> list[str]:
    """Read the child's progress until `event`, then SIGKILL it (it is paused right after reporting it)."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    for line in process.stdout:
        seen.append(line.strip())
        if line.startswith(event):
            os.kill(process.pid, signal.SIGKILL)
            break
        assert time.monotonic() < deadline, f"no {event!r} within {timeout} s: {seen[-5:]}"
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL, (seen[-5:], process.stderr.read() if process.stderr else "")
    return seen


@pytest.mark.parametrize("kill_after", ["embedded", "written gfmd "])
def test_sigkill_mid_document_leaves_no_half_document(
    kill_after: str, tmp_path: Path, corpus_dir: Path, fake_embeddings: HashEmbeddings
) -> None:
    index_dir = tmp_path / "index"
    big = big_document(tmp_path / BIG)
    first = run_driver(["ingest", str(corpus_dir / SMALL)], index_dir)
    assert first.wait(timeout=120) == 0, first.stderr.read() if first.stderr else ""

    child = run_driver(["ingest", str(big)], index_dir, GFMD_TEST_PAUSE_AFTER=kill_after, GFMD_TEST_PAUSE_S="60")
    seen = kill_at(child, kill_after)
    assert not any(line.startswith("written gfmd_documents") for line in seen)  # killed before the commit

    settings = Settings(index_dir=index_dir)
    index = Index(settings, embeddings=fake_embeddings)
    raw = index.store.passages.get(where={"source": BIG}, include=[])["ids"]
    if kill_after.startswith("written"):
        assert len(raw) >= WRITE_BATCH  # the kill really came in the middle of the document's writes
    assert set(index.store.documents()) == {SMALL}
    assert {c.source for c in index.store.all_chunks()} == {SMALL}
    assert (
        MARKER not in " ".join(index.lexical().ids)
        and len(index.lexical().ids) == index.store.documents()[SMALL].chunks
    )
    retrieval = Assistant(settings, index).retrieve(f"What did the {MARKER} programme pay?")
    assert {p.chunk.source for p in retrieval.passages} == {SMALL}  # orphans do not crowd it out

    report = ingest_paths([big], index)  # the re-ingest completes and collects the orphans
    assert report.ok and report.count("added") == 1, report.summary()["failed"]
    docs = index.store.documents(refresh=True)
    assert set(docs) == {SMALL, BIG}
    assert index.store.count() == docs[SMALL].chunks + docs[BIG].chunks
    assert index.store.collect_garbage() == 0
    retrieval = Assistant(settings, index).retrieve(f"What did the {MARKER} programme pay?")
    assert BIG in {p.chunk.source for p in retrieval.passages}
