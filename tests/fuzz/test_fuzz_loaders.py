"""Hostile files: `load_file` (and chunking what it loads) either works or raises `IngestError`, never anything
else, never hangs, and keeps memory bounded. The worst PDFs run in a child process with a time limit."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.chunking import chunk_file
from ingest.errors import IngestError
from ingest.loaders import load_file
from tests.conftest import REPO_ROOT, Samples
from tests.fuzz.pdfs import build_pdf, huge_page_pdf, nested_pdf, text_content
from tests.fuzz.strategies import FUZZ, hostile_lines, non_space

SUFFIXES = [".pdf", ".txt", ".md"]


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-files")


def load_or_refuse(path: Path, data: bytes) -> str:
    """'ok' or 'refused'; any other exception fails the test."""
    path.write_bytes(data)
    try:
        loaded = load_file(path)
    except IngestError as exc:
        assert exc.reason and exc.path == str(path)
        return "refused"
    chunks = chunk_file(loaded)
    assert all(c.text.strip() and c.source == path.name for c in chunks)
    return "ok"


@FUZZ
@given(st.binary(max_size=4096), st.sampled_from(SUFFIXES))
def test_random_bytes(scratch: Path, data: bytes, suffix: str) -> None:
    load_or_refuse(scratch / f"random{suffix}", data)


@FUZZ
@given(st.binary(max_size=4096))
def test_random_bytes_after_a_pdf_header(scratch: Path, data: bytes) -> None:
    assert load_or_refuse(scratch / "header.pdf", b"%PDF-1.7\n" + data) == "refused"


@FUZZ
@given(st.floats(0.0, 0.999))
def test_truncated_pdf(scratch: Path, samples: Samples, fraction: float) -> None:
    raw = samples.two_page_pdf.read_bytes()
    load_or_refuse(scratch / "truncated.pdf", raw[: int(len(raw) * fraction)])


@FUZZ
@given(st.lists(st.tuples(st.floats(0.0, 0.999), st.integers(0, 255)), min_size=1, max_size=20))
def test_mutated_pdf(scratch: Path, samples: Samples, flips: list[tuple[float, int]]) -> None:
    raw = bytearray(samples.running_header_pdf.read_bytes())
    for where, value in flips:
        raw[int(where * len(raw))] = value
    load_or_refuse(scratch / "mutated.pdf", bytes(raw))


@FUZZ
@given(hostile_lines, st.sampled_from([".txt", ".md"]))
def test_hostile_text_files(scratch: Path, text: str, suffix: str) -> None:
    """Zero-width and control characters, right-to-left scripts, odd whitespace: loaded verbatim or refused."""
    path = scratch / f"hostile{suffix}"
    if load_or_refuse(path, text.encode("utf-8")) == "ok" and suffix == ".txt":
        blocks = load_file(path).blocks
        assert non_space("".join(b.text for b in blocks)) == non_space(text.removeprefix("\ufeff"))


def test_pdf_with_control_and_rtl_text(scratch: Path) -> None:
    lines = ["Partnerships\u200b for\u200e migration \x07\x1b are \u202eessential\u202c here." * 3] * 10
    assert load_or_refuse(scratch / "controls.pdf", build_pdf(text_content(lines))) == "ok"


CHILD = """
import json, sys, time
from ingest.chunking import chunk_file
from ingest.errors import IngestError
from ingest.loaders import load_file
started = time.perf_counter()
try:
    outcome = f"ok {len(chunk_file(load_file(sys.argv[1])))} chunks"
except IngestError as exc:
    outcome = f"refused: {exc.reason}"
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started}))
"""


def load_in_child(path: Path, data: bytes, timeout: float) -> dict[str, object]:
    path.write_bytes(data)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path)], cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


@pytest.mark.parametrize("kind", ["array", "dict"])
@pytest.mark.parametrize("depth", [1_000, 20_000])
def test_deeply_nested_pdf_objects(scratch: Path, kind: str, depth: int) -> None:
    result = load_in_child(scratch / f"nested-{kind}-{depth}.pdf", nested_pdf(depth, kind), timeout=60)
    assert str(result["outcome"]).startswith(("ok", "refused"))


@pytest.mark.slow
def test_huge_page_content(scratch: Path) -> None:
    """A 3 MB content stream on one page (pypdf alone took over a minute: quadratic; PDFium reads it)."""
    result = load_in_child(scratch / "huge-page.pdf", huge_page_pdf(50_000), timeout=120)
    assert str(result["outcome"]) == "ok 4999 chunks"


@pytest.mark.slow
@pytest.mark.parametrize("unit", ["Migration partnerships matter for development. ", "x", "\u200b\u05d0 "])
def test_ten_megabyte_single_line(scratch: Path, unit: str) -> None:
    size = 10_000_000
    path = scratch / "one-line.txt"
    text = (unit * (size // len(unit) + 1))[:size]
    path.write_text(text, encoding="utf-8")
    # Bounded relative to the string's size in memory: non-Latin text takes 2-4 bytes a character in Python.
    in_memory = sys.getsizeof(text)
    del text
    tracemalloc.start()
    try:
        loaded = load_file(path)
        chunks = chunk_file(loaded)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert chunks and sum(len(non_space(c.text)) for c in chunks) >= len(non_space(path.read_text()))
    assert peak < 25 * in_memory, f"peak {peak / 1e6:.0f} MB for a {in_memory / 1e6:.0f} MB string"


def test_markdown_heading_line_of_spaces_is_fast(scratch: Path) -> None:
    """`# a`, then 100,000 spaces: the old heading regex backtracked cubically (2,000 spaces took a minute)."""
    result = load_in_child(scratch / "spaces.md", ("# a" + " " * 100_000 + "b\n\nBody text here.\n").encode(), 30)
    assert str(result["outcome"]).startswith("ok") and float(result["seconds"]) < 5  # type: ignore[arg-type]
