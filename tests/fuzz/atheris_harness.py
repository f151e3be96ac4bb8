"""Coverage-guided fuzzing (libFuzzer via atheris) of the text stages and the PDF loader. Not run by pytest.

    pip install -e '.[dev]'   # atheris is a dev extra on Linux x86_64 (its only wheels: a 35 MB libFuzzer build)
    python -m tests.fuzz.atheris_harness -max_total_time=300 -rss_limit_mb=2048 [CORPUS_DIR]

The first byte picks the target; the rest is its input. A crash is any exception but `IngestError`, or a
property violation (offsets, verbatim spans, characters lost); libFuzzer also reports hangs (-timeout) and
memory blow-ups (-rss_limit_mb).
"""

from __future__ import annotations

import contextlib
import sys
from collections import Counter
from pathlib import Path

import atheris

with atheris.instrument_imports():
    from gfmd.text.sentences import sentence_spans
    from ingest.chunking import chunk_file
    from ingest.errors import IngestError
    from ingest.loaders import LoadedFile, _load_markdown, _load_pdf
    from ingest.structure import find_pdf_headings, split_text_pages


def _non_space(text: str) -> str:
    return "".join(text.split())


def _sentences(text: str) -> None:
    spans = sentence_spans(text)
    end = 0
    for a, b in spans:
        assert end <= a < b <= len(text), (a, b)
        end = b
    assert "".join(_non_space(text[a:b]) for a, b in spans) == _non_space(text)


def _pages_and_chunks(text: str, markdown: bool) -> None:
    blocks = _load_markdown(text)[0] if markdown else split_text_pages(text)[0]
    if not markdown:
        assert Counter(_non_space("".join(b.text for b in blocks))) == Counter(_non_space(text))
    if not blocks:
        return
    loaded = LoadedFile(
        Path("f.txt"), "0" * 64, "doc", "text", "T", "en", None, max(b.page for b in blocks), True, blocks
    )
    for chunk in chunk_file(loaded, max_chars=200, overlap=1):
        assert chunk.text and len(chunk.text) <= 200


def _pdf(data: bytes) -> None:
    with contextlib.suppress(IngestError):
        _load_pdf(Path("fuzz.pdf"), b"%PDF-1.7\n" + data)


def test_one_input(data: bytes) -> None:
    if not data:
        return
    target, body = data[0] % 5, data[1:]
    text = body.decode("utf-8", errors="replace")
    if target == 0:
        _sentences(text)
    elif target == 1:
        _pages_and_chunks(text, markdown=False)
    elif target == 2:
        _pages_and_chunks(text, markdown=True)
    elif target == 3:
        find_pdf_headings(text.split("\f"))
    else:
        _pdf(body)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
