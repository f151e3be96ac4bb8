"""Ingest files into the index: load → chunk → embed → store, one document at a time.

A document is embedded completely before anything is written, and committed in the registry last, so a
file that fails (or a crash) leaves the index as it was. Unchanged files (same bytes, passages made by this
version of the pipeline) are skipped; a file whose passages an older pipeline made is re-chunked, and the
vectors of passages whose embedded text did not change are reused.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np

from gfmd.errors import IndexUnavailableError
from gfmd.index import Index
from gfmd.records import Chunk, Document, content_hash
from ingest.chunking import chunk_file
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED, LoadedFile, load_file
from ingest.progress import PagesProgress

log = logging.getLogger(__name__)

# A folder's own notes describe the documents; they are not documents. Named explicitly, they are ingested.
FOLDER_NOTES = frozenset({"README.md", "MANIFEST.md"})

Status = Literal["added", "updated", "unchanged", "failed"]

# The version of what a file becomes (loaders, sentence splitting, chunking, embedded text). Bump it when a
# change alters the passages of files already indexed, so that the next ingest re-chunks them.
# 2: heading paths as Markdown sections; UN preambular paragraphs split into sentences.
# 3: document furniture (UN mastheads, job-number running headers) in passages of their own kind.
# 4: Markdown front matter (YAML between "---" lines) left out.
# 5: a numbered PDF line that runs on into the next is a paragraph, not a heading; a wrapped heading is joined.
PIPELINE_VERSION = 5


@dataclass
class FileResult:
    path: str
    status: Status
    source: str = ""
    doc_id: str = ""
    pages: int = 0
    chunks: int = 0
    reason: str = ""


@dataclass
class IngestReport:
    results: list[FileResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def ok(self) -> bool:
        return self.count("failed") == 0

    def summary(self) -> dict[str, object]:
        written = [r for r in self.results if r.status in ("added", "updated")]
        pages = sum(r.pages for r in written)
        chunks = sum(r.chunks for r in written)
        return {
            "added": self.count("added"),
            "updated": self.count("updated"),
            "unchanged": self.count("unchanged"),
            "failed": [{"path": r.path, "reason": r.reason} for r in self.results if r.status == "failed"],
            "chunks": chunks,
            "pages": pages,
            "seconds": round(self.seconds, 2),
            "pages_per_second": round(pages / self.seconds, 2) if self.seconds else 0.0,
            "chunks_per_second": round(chunks / self.seconds, 2) if self.seconds else 0.0,
            "files": [asdict(r) for r in self.results],
        }


def expand_paths(paths: Iterable[Path | str]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders walked for supported types) and failures for paths that do not exist."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file() and p.suffix.lower() in SUPPORTED and p.name not in FOLDER_NOTES
                )
            )
        elif path.exists():
            files.append(path)
        else:
            missing.append(FileResult(path=str(path), status="failed", reason="no such file or directory"))
    return files, missing


def embedding_text(chunk: Chunk) -> str:
    """Passage text as embedded: title and section give a passage the context it lost when cut out."""
    section = f" — {chunk.section[-160:]}" if chunk.section else ""  # a long heading path keeps its end
    return f"{chunk.title}{section}\n{chunk.text}"


def embed_chunks(
    index: Index,
    chunks: Sequence[Chunk],
    batch: int,
    known: dict[str, np.ndarray] | None = None,
    on_embedded: Callable[[int, int], None] | None = None,
) -> np.ndarray:
    """The passages' vectors; `known` maps embedded texts to vectors already computed (a re-chunked document);
    `on_embedded(done, total)` after each batch."""
    known = known or {}
    texts = [embedding_text(c) for c in chunks]
    # shortest first: a batch holds passages of about one length, so the engine pads little
    todo = sorted((t for t in dict.fromkeys(texts) if t not in known), key=len)
    fresh: dict[str, np.ndarray] = {}
    for start in range(0, len(todo), batch):
        part = todo[start : start + batch]
        fresh.update(zip(part, np.asarray(index.embeddings.embed_documents(part), dtype=np.float32), strict=True))
        if on_embedded is not None:
            on_embedded(start + len(part), len(todo))
    return np.asarray([fresh[t] if t in fresh else known[t] for t in texts], dtype=np.float32).reshape(len(texts), -1)


def ingest_paths(
    paths: Iterable[Path | str], index: Index, progress: bool = False, refresh_lexical: bool = True
) -> IngestReport:
    started = time.perf_counter()
    files, missing = expand_paths(paths)
    report = IngestReport(results=list(missing))
    registered = index.store.documents(refresh=True)
    seen: dict[str, Path] = {}
    bar = PagesProgress(files, enabled=progress)
    for number, path in enumerate(files):
        bar.start_file(number, path.name)
        _ingest_file(path, index, registered, seen, report, bar)
        bar.finish_file()
    bar.close()
    if refresh_lexical and any(r.status in ("added", "updated") for r in report.results):
        index.store.collect_garbage()
        index.lexical()
    report.seconds = time.perf_counter() - started
    return report


def _ingest_file(
    path: Path,
    index: Index,
    registered: dict[str, Document],
    seen: dict[str, Path],
    report: IngestReport,
    bar: PagesProgress,
) -> None:
    """Ingest one file, its outcome added to `report`."""
    name = path.name
    if name in seen:
        report.results.append(
            FileResult(str(path), "failed", reason=f"same file name as {seen[name]}; names must be unique")
        )
        return
    seen[name] = path
    try:
        report.results.append(_ingest_one(path, index, registered, bar))
    except IngestError as exc:
        log.warning("failed %s: %s", path, exc.reason)
        report.results.append(FileResult(str(path), "failed", source=name, reason=exc.reason))
    except IndexUnavailableError as exc:
        report.results.append(FileResult(str(path), "failed", source=name, reason=str(exc)))
    except OSError as exc:  # disk full, read-only index...
        report.results.append(
            FileResult(str(path), "failed", source=name, reason=f"index write failed: {exc.strerror or exc}")
        )


def _ingest_one(path: Path, index: Index, registered: dict[str, Document], bar: PagesProgress) -> FileResult:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read file: {exc.strerror or exc}") from exc
    previous = registered.get(path.name)
    doc_id = content_hash(raw)
    if previous is not None and previous.doc_id == doc_id and previous.pipeline == PIPELINE_VERSION:
        return FileResult(str(path), "unchanged", path.name, previous.doc_id, previous.pages, previous.chunks)
    # Passages are keyed by content: a copy under another name would take over the first one's passages, and
    # removing either would delete both.
    twin = next((d.source for d in registered.values() if d.doc_id == doc_id and d.source != path.name), None)
    if twin is not None:
        raise IngestError(path, f"same content as {twin}, which is already indexed; remove one of the two copies")
    loaded = load_file(path)
    bar.loaded(loaded.pages)
    settings = index.settings
    chunks = chunk_file(loaded, settings.chunk_chars, settings.chunk_overlap_sentences)
    if not chunks:
        raise IngestError(path, "no text to index")
    known: dict[str, np.ndarray] = {}
    if previous is not None and previous.doc_id == doc_id:  # same bytes, older pipeline: reuse what still holds
        old_chunks, old_vectors = index.store.document_chunks(doc_id)
        if old_vectors is not None:
            known = {embedding_text(c): v for c, v in zip(old_chunks, old_vectors, strict=True)}
    vectors = embed_chunks(index, chunks, settings.embedding_batch, known, bar.embedded)
    document = document_record(loaded, path.name, len(chunks))
    index.store.write_document(document, chunks, vectors)
    registered[path.name] = document
    status: Status = "updated" if previous is not None else "added"
    log.info("%s %s: %d pages, %d chunks", status, path, loaded.pages, len(chunks))
    return FileResult(str(path), status, path.name, loaded.doc_id, loaded.pages, len(chunks))


def document_record(loaded: LoadedFile, source: str, chunks: int) -> Document:
    """The registry's record of a loaded file stored as `source` in `chunks` passages, stamped now."""
    return Document(
        doc_id=loaded.doc_id,
        source=source,
        title=loaded.title,
        lang=loaded.lang,
        year=loaded.year,
        kind=loaded.kind,
        pages=loaded.pages,
        paginated=loaded.paginated,
        chunks=chunks,
        pipeline=PIPELINE_VERSION,
        added_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def remove_sources(sources: Iterable[str], index: Index) -> list[str]:
    removed = [s for s in sources if index.store.remove_document(s)]
    if removed:
        index.lexical()
    return removed
