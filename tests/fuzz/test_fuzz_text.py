"""Fuzzing the text stages: sentence splitting, packing and structure recovery never crash, keep every
character, and stay verbatim; pathological inputs (long runs that make regexes backtrack) stay fast."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gfmd.records import Block
from gfmd.text.normalize import normalize_ws
from gfmd.text.sentences import sentence_spans, split_sentences
from ingest.chunking import chunk_file, pack
from ingest.loaders import LoadedFile
from ingest.structure import find_pdf_headings, split_text_pages
from tests.fuzz.strategies import FUZZ, hostile_lines, hostile_text, non_space


@FUZZ
@given(hostile_text)
def test_sentence_spans_are_valid_verbatim_and_complete(text: str) -> None:
    spans = sentence_spans(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        previous_end = end
        sentence = text[start:end]
        assert sentence == sentence.strip() and sentence
    assert split_sentences(text) == [text[a:b] for a, b in spans]
    assert "".join(non_space(text[a:b]) for a, b in spans) == non_space(text)


@FUZZ
@given(st.lists(hostile_text.map(normalize_ws).filter(bool), max_size=30), st.integers(20, 400), st.integers(0, 3))
def test_pack_respects_the_size_and_loses_nothing(units: list[str], max_chars: int, overlap: int) -> None:
    groups = pack(units, max_chars, overlap)
    for group in groups:
        assert group and len(" ".join(group)) <= max_chars
    packed = Counter(non_space(" ".join(" ".join(g) for g in groups)))
    assert not Counter(non_space(" ".join(units))) - packed  # every character is in some passage


def _loaded(blocks: list[Block]) -> LoadedFile:
    return LoadedFile(
        path=Path("fuzz_2020_en.txt"),
        sha256="0" * 64,
        doc_id="fuzzdoc",
        kind="text",
        title="Fuzz",
        lang="en",
        year=2020,
        pages=max((b.page for b in blocks), default=1),
        paginated=True,
        blocks=blocks,
    )


@FUZZ
@given(hostile_lines, st.integers(200, 900))
def test_text_pages_and_chunks_keep_every_character_verbatim(text: str, max_chars: int) -> None:
    blocks, pages, _ = split_text_pages(text)
    assert pages >= 1 and all(1 <= b.page <= pages and b.text.strip() for b in blocks)
    assert Counter(non_space("".join(b.text for b in blocks))) == Counter(non_space(text))
    chunks = chunk_file(_loaded(blocks), max_chars=max_chars, overlap=1)
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    assert all(c.text and len(c.text) <= max_chars for c in chunks)
    assert not Counter(non_space("".join(b.text for b in blocks))) - Counter(non_space("".join(c.text for c in chunks)))
    flat = normalize_ws(text)
    for chunk in chunks:  # verbatim, whitespace aside (page and section cuts only remove whitespace)
        assert chunk.text in flat, chunk.text


@FUZZ
@given(st.lists(hostile_lines, max_size=8))
def test_pdf_headings_never_crash(pages: list[str]) -> None:
    blocks = find_pdf_headings(pages)
    for block in blocks:
        assert 1 <= block.page <= len(pages) and block.text.strip()
        page_lines = {" ".join(line.split()) for line in pages[block.page - 1].splitlines()}
        assert set(block.text.split("\n")) <= page_lines


RUN = 20_000
PATHOLOGICAL = {
    "spaces after a dot": "Start." + " " * RUN + "end",
    "dots without spaces": "." * RUN,
    "closing quotes": ("." + ")" * 50 + " ") * (RUN // 50),
    "initials": "A." * RUN + " B",
    "long word then a boundary": "a" * RUN + ". B" * 50,
    "digits and dots": "1." * RUN,
    "blank line then footnote-like lines": ("text\n \n1 note\n" * (RUN // 15)),
    "numbered headings": "\n".join(f"\n{i % 99}. Heading {i}" for i in range(RUN // 20)),
    "hashes and spaces": "#" * 6 + " " * RUN + "#" * RUN,
    "control characters": "\x1c\x1d\x1e\x1f" * (RUN // 4),
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_inputs_stay_fast(name: str) -> None:
    text = PATHOLOGICAL[name]
    started = time.perf_counter()
    spans = sentence_spans(text)
    blocks, _, _ = split_text_pages(text)
    find_pdf_headings([text, text])
    chunk_file(_loaded(blocks or [Block(page=1, text="x")]), 700, 1)
    elapsed = time.perf_counter() - started
    assert elapsed < 10, f"{name}: {elapsed:.1f} s"
    assert "".join(non_space(text[a:b]) for a, b in spans) == non_space(text)
