from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest

from gfmd.records import Block
from gfmd.text.normalize import normalize_ws
from gfmd.text.sentences import split_sentences
from ingest.chunking import chunk_file, pack
from ingest.loaders import LoadedFile, load_file
from tests.conftest import Samples


@pytest.fixture(scope="module")
def seed_loaded() -> LoadedFile:
    from tests.conftest import REPO_ROOT, SEED_NAME

    return load_file(REPO_ROOT / "corpus" / SEED_NAME)


def _loaded_files(samples: Samples, seed: LoadedFile) -> list[LoadedFile]:
    return [
        seed,
        load_file(samples.two_page_pdf),
        load_file(samples.running_header_pdf),
        load_file(samples.markdown),
        load_file(samples.formfeed_txt),
    ]


@pytest.mark.parametrize("max_chars", [200, 400, 700])
def test_chunks_respect_pages_sections_and_size(samples: Samples, seed_loaded: LoadedFile, max_chars: int) -> None:
    for loaded in _loaded_files(samples, seed_loaded):
        chunks = chunk_file(loaded, max_chars=max_chars, overlap=1)
        assert chunks, loaded.path
        for chunk in chunks:
            assert 0 < len(chunk.text) <= max_chars, (loaded.path.name, len(chunk.text))
            page_text = normalize_ws(loaded.page_text(chunk.page))
            # A passage is a verbatim (whitespace-normalised) slice of its own page: it crosses no page.
            assert normalize_ws(chunk.text) in page_text, (loaded.path.name, chunk.page, chunk.text[:80])
            # ... and of one section: every block it could come from has the chunk's section.
            sources = [
                b for b in loaded.blocks if b.page == chunk.page and b.section == chunk.section and b.kind == chunk.kind
            ]
            assert normalize_ws(chunk.text) in normalize_ws("\n".join(b.text for b in sources))
        assert [c.ordinal for c in chunks] == list(range(len(chunks)))
        assert len({c.chunk_id for c in chunks}) == len(chunks)


def test_seed_chunks_carry_document_metadata(seed_loaded: LoadedFile) -> None:
    chunks = chunk_file(seed_loaded)
    assert {c.doc_id for c in chunks} == {seed_loaded.doc_id}
    assert {c.source for c in chunks} == {seed_loaded.path.name}
    assert {c.year for c in chunks} == {2020}
    assert {c.title for c in chunks} == {seed_loaded.title}
    assert {c.page for c in chunks} == set(range(1, 10))
    footnotes = [c for c in chunks if c.kind == "footnote"]
    assert len(footnotes) >= 17  # each footnote is its own passage (a long one may be cut in two)
    assert all(c.lang == "es" for c in chunks if len(c.text) > 200)


def test_footnote_passages_come_from_one_footnote(seed_loaded: LoadedFile) -> None:
    notes = [b.text for b in seed_loaded.blocks if b.kind == "footnote"]
    for chunk in chunk_file(seed_loaded):
        if chunk.kind == "footnote":
            assert sum(normalize_ws(chunk.text) in normalize_ws(n) for n in notes) == 1


def test_overlap_repeats_the_last_sentence(seed_loaded: LoadedFile) -> None:
    with_overlap = chunk_file(seed_loaded, max_chars=400, overlap=1)
    without = chunk_file(seed_loaded, max_chars=400, overlap=0)
    repeated = 0
    for before, after in itertools.pairwise(with_overlap):
        same_group = (before.page, before.section, before.kind) == (after.page, after.section, after.kind)
        if same_group and before.kind == "body":
            last = split_sentences(before.text)[-1]
            if after.text.startswith(last):
                repeated += 1
    assert repeated >= 10
    # Without overlap, consecutive passages of a group share no sentence.
    for before, after in itertools.pairwise(without):
        if (before.page, before.section) == (after.page, after.section):
            assert not after.text.startswith(split_sentences(before.text)[-1])
    assert len(with_overlap) > len(without)


def test_pack_greedy_with_overlap() -> None:
    units = ["a" * 30, "b" * 30, "c" * 30, "d" * 30]
    assert pack(units, 70, 0) == [[units[0], units[1]], [units[2], units[3]]]
    assert pack(units, 70, 1) == [[units[0], units[1]], [units[1], units[2]], [units[2], units[3]]]


def test_pack_cuts_an_overlong_sentence_at_words() -> None:
    sentence = " ".join(["word"] * 100)  # 499 characters
    groups = pack([sentence], 120, 1)
    pieces = [" ".join(g) for g in groups]
    assert all(len(p) <= 120 for p in pieces)
    assert " ".join(pieces).split() == sentence.split()


def test_heading_is_its_own_unit_and_starts_the_passage() -> None:
    block = Block(
        page=1, text="2. Findings\nIn 2019 there were 272 million migrants. More text.", section="2. Findings"
    )
    loaded = LoadedFile(
        path=Path("x.pdf"),
        sha256="0" * 64,
        doc_id="d" * 20,
        kind="pdf",
        title="T",
        lang="en",
        year=None,
        pages=1,
        paginated=True,
        blocks=[block],
    )
    chunks = chunk_file(loaded, max_chars=700)
    assert len(chunks) == 1
    assert chunks[0].text == "2. Findings In 2019 there were 272 million migrants. More text."


def test_ids_are_stable_and_change_with_the_text(tmp_path: Path, samples: Samples) -> None:
    original = tmp_path / samples.plain_txt.name
    shutil.copy(samples.plain_txt, original)
    first = chunk_file(load_file(original))
    again = chunk_file(load_file(original))
    assert [c.chunk_id for c in first] == [c.chunk_id for c in again]
    assert first == again

    original.write_text(original.read_text(encoding="utf-8").replace("554 billion", "555 billion"), encoding="utf-8")
    changed = chunk_file(load_file(original))
    assert not {c.chunk_id for c in changed} & {c.chunk_id for c in first}
    assert changed[0].doc_id != first[0].doc_id


def test_ids_do_not_depend_on_the_folder(tmp_path: Path, samples: Samples) -> None:
    a = tmp_path / "a"
    b = tmp_path / "b"
    a.mkdir()
    b.mkdir()
    shutil.copy(samples.markdown, a / samples.markdown.name)
    shutil.copy(samples.markdown, b / samples.markdown.name)
    assert [c.chunk_id for c in chunk_file(load_file(a / samples.markdown.name))] == [
        c.chunk_id for c in chunk_file(load_file(b / samples.markdown.name))
    ]
