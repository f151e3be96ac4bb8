"""Pack sentences into passages that never cross a page or a section, with a sentence of overlap.

Passages are whitespace-normalised slices of the page text, so any span of a passage is a verbatim quote
of the document (whitespace aside). Footnotes become passages of their own.
"""

from __future__ import annotations

from collections.abc import Iterable

from gfmd.records import Block, Chunk, content_hash, heading_of
from gfmd.text.languages import function_word_language
from gfmd.text.normalize import normalize_ws
from gfmd.text.sentences import split_sentences
from ingest.loaders import LoadedFile


def block_units(block: Block) -> list[str]:
    """The sentences of a block; a leading section heading is a unit of its own."""
    text = block.text
    units: list[str] = []
    heading = heading_of(block.section)
    if heading and text.startswith(heading):
        units.append(normalize_ws(heading))
        text = text[len(heading) :]
    units.extend(normalize_ws(s) for s in split_sentences(normalize_ws(text)))
    return [u for u in units if u]


def pack(units: list[str], max_chars: int, overlap: int) -> list[list[str]]:
    """Greedy packing of sentences into groups of at most `max_chars` (a longer sentence is cut at words)."""
    pieces: list[str] = []
    for unit in units:
        pieces.extend(_cut(unit, max_chars))
    groups: list[list[str]] = []
    current: list[str] = []
    size = 0
    for piece in pieces:
        if current and size + len(piece) + 1 > max_chars:
            groups.append(current)
            keep = current[-overlap:] if overlap and len(current) > overlap else []
            # Overlap only when it leaves room for new text.
            if sum(len(k) + 1 for k in keep) + len(piece) > max_chars:
                keep = []
            current = list(keep)
            size = sum(len(k) + 1 for k in current)
        current.append(piece)
        size += len(piece) + 1
    if current:  # never only overlap: a new piece follows every cut
        groups.append(current)
    return groups


def _cut(unit: str, max_chars: int) -> list[str]:
    if len(unit) <= max_chars:
        return [unit]
    words = unit.split(" ")
    out: list[str] = []
    line: list[str] = []
    size = 0
    for word in words:
        if line and size + len(word) + 1 > max_chars:
            out.append(" ".join(line))
            line, size = [], 0
        if len(word) > max_chars:  # no space to cut at (a URL, a table row): cut the word, never drop its rest
            if line:
                out.append(" ".join(line))
            out.extend(word[i : i + max_chars] for i in range(0, len(word), max_chars))
            line, size = [], 0
            continue
        line.append(word)
        size += len(word) + 1
    if line:
        out.append(" ".join(line))
    return out


def chunk_file(loaded: LoadedFile, max_chars: int = 700, overlap: int = 1) -> list[Chunk]:
    """All passages of a loaded file, in document order."""
    chunks: list[Chunk] = []
    for block_group in _groups(loaded.blocks):
        first = block_group[0]
        units: list[str] = []
        for block in block_group:
            units.extend(block_units(block))
        for sentences in pack(units, max_chars, overlap if first.kind == "body" else 0):
            text = " ".join(sentences)
            ordinal = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=content_hash(f"{loaded.doc_id}:{ordinal}:{text}"),
                    doc_id=loaded.doc_id,
                    source=loaded.path.name,
                    title=loaded.title,
                    # a passage too short to tell (a heading, a name) is in its document's language
                    lang=function_word_language(text) or loaded.lang,
                    year=loaded.year,
                    page=first.page,
                    section=first.section,
                    kind=first.kind,
                    ordinal=ordinal,
                    text=text,
                )
            )
    return chunks


def _groups(blocks: Iterable[Block]) -> list[list[Block]]:
    """Consecutive blocks of the same page, section and kind; each footnote stands alone."""
    groups: list[list[Block]] = []
    for block in blocks:
        if (
            groups
            and block.kind == "body"
            and groups[-1][-1].kind == "body"
            and (groups[-1][-1].page, groups[-1][-1].section) == (block.page, block.section)
        ):
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups
