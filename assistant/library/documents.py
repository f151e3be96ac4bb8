"""The document library: list, add and remove indexed documents, and find their files (pages.py opens their pages).

These and pages.py are the only functions the web chat uses to reach the index's documents, so `ui/` never imports
Chroma or the ingest pipeline. Each takes the index it works on; without one, the index this process shares with
the assistant (`assistant.shared`). A document's file is found through a small map kept beside the index
(`<index_dir>/sources.json`, written when a file is added here), then the uploads folder, then the bundled
corpus; a file is served only when its bytes still hash to the registered `doc_id`, so nothing but an indexed
document can ever be opened.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from assistant.shared import shared_index
from gfmd.errors import IndexUnavailableError
from gfmd.index import Index
from gfmd.records import Document, content_hash
from gfmd.settings import Settings
from ingest.loaders import SUPPORTED
from ingest.pipeline import FileResult, IngestReport, expand_paths, ingest_paths, remove_sources

log = logging.getLogger(__name__)

SUPPORTED_TYPES: tuple[str, ...] = tuple(sorted(SUPPORTED))
SOURCES_FILE = "sources.json"
UPLOADS = "uploads"
Progress = Callable[[float, str], None]

_write_lock = threading.Lock()  # one writer at a time: ingest, removal and the path map
_hash_cache: dict[tuple[str, int, int], str] = {}


def _index(settings: Settings, index: Index | None) -> Index:
    return index if index is not None else shared_index(settings)


def uploads_dir(settings: Settings) -> Path:
    """Where files uploaded through the web chat are kept (they must outlive the upload's temp file); a folder all
    the workers of a shared deployment read when GFMD_UPLOADS_DIR names one."""
    return Path(settings.uploads_dir) if settings.uploads_dir else Path(settings.index_dir) / UPLOADS


# --- listing
def list_documents(settings: Settings, index: Index | None = None) -> list[Document]:
    """The indexed documents, by title (re-read, so documents another process ingested appear)."""
    docs = _index(settings, index).store.documents(refresh=True).values()
    return sorted(docs, key=lambda d: (d.title.lower(), d.source))


def get_document(source: str, settings: Settings, index: Index | None = None) -> Document | None:
    return _index(settings, index).store.documents().get(source)


# --- adding and removing
def add_files(
    paths: Iterable[Path | str], settings: Settings, index: Index | None = None, progress: Progress | None = None
) -> IngestReport:
    """Ingest files (or folders) one by one and remember where each document's file lives."""
    idx = _index(settings, index)
    files, missing = expand_paths(paths)
    report = IngestReport(results=list(missing))
    with _write_lock:
        report = _ingest_each(files, idx, report, progress)
        _remember({r.source: Path(r.path) for r in report.results if r.status != "failed" and r.source}, settings)
    return report


def add_uploads(
    staged: Iterable[Path], settings: Settings, index: Index | None = None, progress: Progress | None = None
) -> IngestReport:
    """Ingest checked uploads from a staging folder; each one that is indexed is kept in `uploads_dir`.

    A file that fails is deleted and leaves the index as it was (the pipeline commits a document last).
    """
    idx = _index(settings, index)
    target = uploads_dir(settings)
    target.mkdir(parents=True, exist_ok=True)
    with _write_lock:
        report = _ingest_each(list(staged), idx, IngestReport(), progress)
        kept: dict[str, Path] = {}
        for result in report.results:
            path = Path(result.path)
            if result.status == "failed":
                path.unlink(missing_ok=True)
            else:
                final = target / path.name
                os.replace(path, final)
                result.path = str(final)
                kept[result.source] = final
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # the upload's own staging folder, now empty
        _remember(kept, settings)
    return report


def _ingest_each(files: list[Path], idx: Index, report: IngestReport, progress: Progress | None) -> IngestReport:
    """Ingest files one at a time. If the index stops answering, the file in hand and those after it are reported
    as failed with the reason (each is all-or-nothing, so the index holds none of them), and the files already
    done keep their results."""
    seen: set[str] = set()
    outage: IndexUnavailableError | None = None
    for number, path in enumerate(files):
        if progress is not None:
            progress(number / max(len(files), 1), path.name)
        if outage is not None:
            report.results.append(FileResult(str(path), "failed", reason=f"not indexed: {outage}"))
            continue
        if path.name in seen:
            report.results.append(FileResult(str(path), "failed", reason="another file in this batch has this name"))
            continue
        seen.add(path.name)
        try:
            report.results.extend(ingest_paths([path], idx, refresh_lexical=False).results)
        except IndexUnavailableError as exc:
            outage = exc
            log.warning("index unavailable while ingesting %s: %s", path.name, exc)
            report.results.append(FileResult(str(path), "failed", reason=f"not indexed: {exc}"))
    if outage is None and any(r.status in ("added", "updated") for r in report.results):
        idx.store.collect_garbage()
        idx.lexical()  # (after an outage, the next question rebuilds it: its fingerprint no longer matches)
    if progress is not None:
        progress(1.0, "done")
    return report


def remove_document(source: str, settings: Settings, index: Index | None = None) -> bool:
    """Remove a document from the index; an uploaded copy of its file is deleted too."""
    idx = _index(settings, index)
    with _write_lock:
        removed = bool(remove_sources([source], idx))
        if removed:
            paths = _load_map(settings)
            paths.pop(source, None)
            _save_map(paths, settings)
            uploaded = uploads_dir(settings) / Path(source).name
            if Path(source).name == source and uploaded.is_file():
                uploaded.unlink()
    return removed


# --- files
def source_path(source: str, settings: Settings, index: Index | None = None) -> Path | None:
    """The file of an indexed document, only if its bytes are still the ones that were indexed."""
    doc = get_document(source, settings, index)
    if doc is None or Path(source).name != source:
        return None
    mapped = _load_map(settings).get(source)
    candidates = [Path(mapped)] if mapped else []
    candidates += [uploads_dir(settings) / source, Path(settings.corpus_dir) / source]
    for path in candidates:
        if path.is_file() and _file_hash(path) == doc.doc_id:
            return path
    return None


# --- the source → file map
def _load_map(settings: Settings) -> dict[str, str]:
    try:
        data = json.loads((Path(settings.index_dir) / SOURCES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _save_map(paths: dict[str, str], settings: Settings) -> None:
    target = Path(settings.index_dir) / SOURCES_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_suffix(".tmp")
    temporary.write_text(json.dumps(paths, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, target)


def _remember(paths: dict[str, Path], settings: Settings) -> None:
    if not paths:
        return
    current = _load_map(settings)
    current.update({source: str(path.resolve()) for source, path in paths.items()})
    _save_map(current, settings)


def _file_hash(path: Path) -> str:
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _hash_cache:  # a race only hashes twice
        _hash_cache[key] = content_hash(path.read_bytes())
    return _hash_cache[key]


def copy_to_staging(path: Path, name: str, settings: Settings) -> Path:
    """Copy an uploaded temp file under the index's uploads folder, named as the user named it."""
    staging = uploads_dir(settings) / ".incoming"
    staging.mkdir(parents=True, exist_ok=True)
    folder = Path(tempfile.mkdtemp(dir=staging))
    target = folder / name
    shutil.copyfile(path, target)
    return target
