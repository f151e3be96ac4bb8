from __future__ import annotations

import pydantic
import pytest

from gfmd.records import Block, Chunk, Filters, content_hash


def _chunk(**overrides: object) -> Chunk:
    values: dict[str, object] = {
        "chunk_id": "c1",
        "doc_id": "d1",
        "source": "a.pdf",
        "title": "A",
        "lang": "en",
        "page": 3,
        "ordinal": 0,
        "text": "Some text.",
    }
    values.update(overrides)
    return Chunk(**values)  # type: ignore[arg-type]


def test_content_hash_is_stable() -> None:
    assert content_hash("abc") == content_hash(b"abc")
    assert content_hash("abc") == "ba7816bf8f01cfea4141"
    assert content_hash("abc") != content_hash("abd")
    assert len(content_hash("x", length=8)) == 8


@pytest.mark.parametrize(
    "overrides",
    [{}, {"year": 2020, "section": "2. Findings", "kind": "footnote"}, {"kind": "furniture"}],
)
def test_chunk_metadata_round_trip(overrides: dict[str, object]) -> None:
    chunk = _chunk(**overrides)
    meta = chunk.metadata()
    assert None not in meta.values()  # Chroma rejects None
    assert Chunk.from_store(chunk.chunk_id, chunk.text, dict(meta)) == chunk
    # What the store adds (the time it was written) is not part of the passage.
    assert Chunk.from_store(chunk.chunk_id, chunk.text, dict(meta) | {"written_at": 1.0}) == chunk


def test_records_are_frozen_and_strict() -> None:
    chunk = _chunk()
    with pytest.raises(pydantic.ValidationError):
        chunk.text = "changed"  # type: ignore[misc]
    with pytest.raises(pydantic.ValidationError):
        _chunk(unknown_field=1)
    with pytest.raises(pydantic.ValidationError):
        Block(page=0, text="pages are numbered from 1")


def test_filters_is_empty() -> None:
    assert Filters().is_empty()
    assert not Filters(lang="es").is_empty()
    assert not Filters(year=2020).is_empty()
    assert not Filters(sources=("a.pdf",)).is_empty()
