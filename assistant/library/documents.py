"""The document library: list, add and remove indexed documents, and open their pages.

These are the only functions the web chat uses to reach the index's documents, so `ui/` never imports Chroma
or the ingest pipeline. A document's file is found through a small map kept beside the index
(`<index_dir>/sources.json`, written when a file is added here), then the uploads folder, then the bundled
corpus; a file is served only when its bytes still hash to the registered `doc_id`, so nothing but an indexed
document can ever be opened.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from gfmd.errors import IndexError_
from gfmd.index import Index
from gfmd.records import Document, content_hash
from gfmd.settings import Settings
from ingest.errors import IngestError
from ingest.loaders import SUPPORTED, load_file
from ingest.pipeline import FileResult, IngestReport, expand_paths, ingest_paths, remove_sources

log = logging.getLogger(__name__)

SUPPORTED_TYPES: tuple[str, ...] = tuple(sorted(SUPPORTED))
SOURCES_FILE = "sources.json"
UPLOADS = "uploads"
Progress = Callable[[float, str], None]

_write_lock = threading.Lock()  # one writer at a time: ingest, removal and the path map
_hash_cache: dict[tuple[str, int, int], str] = {}
_page_cache: OrderedDict[tuple[str, int, float, str], bytes] = OrderedDict()
_cache_lock = threading.Lock()


def _index(settings: Settings, index: Index | None) -> Index:
    if index is not None:
        return index
    from assistant.api import get_assistant

    return get_assistant(settings).index


def uploads_dir(settings: Settings) -> Path:
    """Where files uploaded through the web chat are kept (they must outlive the upload's temp file)."""
    return Path(settings.index_dir) / UPLOADS


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
    outage: IndexError_ | None = None
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
        except IndexError_ as exc:
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


# --- files and pages
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


def page_image(
    source: str, page: int, settings: Settings, index: Index | None = None, quote: str = "", scale: float = 1.5
) -> bytes | None:
    """PNG of one page of an indexed PDF, `quote` highlighted where pdfium finds it (None for other documents,
    unknown pages or a missing file)."""
    doc = get_document(source, settings, index)
    if doc is None or doc.kind != "pdf" or not 1 <= page <= doc.pages:
        return None
    key = (doc.doc_id, page, scale, quote)
    with _cache_lock:
        if key in _page_cache:
            _page_cache.move_to_end(key)
            return _page_cache[key]
    path = source_path(source, settings, index)
    png = _render_pdf_page(path, page, scale, quote) if path is not None else None
    if png is not None:
        with _cache_lock:
            _page_cache[key] = png
            while len(_page_cache) > 32:
                _page_cache.popitem(last=False)
    return png


def page_text(source: str, page: int, settings: Settings, index: Index | None = None) -> str | None:
    """The text of one page of an indexed document, as the loader reads it (None when unavailable)."""
    doc = get_document(source, settings, index)
    if doc is None or not 1 <= page <= doc.pages:
        return None
    path = source_path(source, settings, index)
    if path is None:
        return None
    try:
        if doc.kind == "pdf":
            from pypdf import PdfReader

            return PdfReader(str(path), strict=False).pages[page - 1].extract_text() or ""
        return load_file(path).page_text(page)
    except (IngestError, Exception) as exc:  # pypdf raises many types on damaged files
        log.warning("cannot read page %d of %s: %s", page, source, exc)
        return None


def _render_pdf_page(path: Path, page: int, scale: float, quote: str) -> bytes | None:
    import pypdfium2 as pdfium
    from PIL import Image, ImageDraw

    try:
        pdf = pdfium.PdfDocument(str(path))
        try:
            pdf_page = pdf[page - 1]
            image = pdf_page.render(scale=scale).to_pil().convert("RGBA")
            rects = _quote_rects(pdf_page.get_textpage(), quote) if quote.strip() else []
            height = pdf_page.get_height()
        finally:
            pdf.close()
    except (pdfium.PdfiumError, IndexError, OSError) as exc:
        log.warning("cannot render page %d of %s: %s", page, path, exc)
        return None
    if rects:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        for left, bottom, right, top in rects:
            box = (left * scale - 1, (height - top) * scale - 1, right * scale + 1, (height - bottom) * scale + 1)
            draw.rectangle(box, fill=(250, 204, 21, 110))
        image = Image.alpha_composite(image, overlay)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def _quote_rects(textpage: Any, quote: str) -> list[tuple[float, float, float, float]]:
    """Boxes of the quote on the page: the whole quote, else its 6-word pieces found in order."""
    words = quote.split()
    whole = _find(textpage, " ".join(words), 0)
    spans = [whole] if whole else []
    if not spans:
        after = 0
        for start in range(0, len(words), 6):
            hit = _find(textpage, " ".join(words[start : start + 6]), after)
            if hit:
                spans.append(hit)
                after = hit[0] + hit[1]
    rects: list[tuple[float, float, float, float]] = []
    for first, count in spans:
        n = textpage.count_rects(first, count)  # get_rect reads the boxes of the last count_rects call
        rects.extend(textpage.get_rect(i) for i in range(n))
    return rects


def _find(textpage: Any, text: str, after: int) -> tuple[int, int] | None:
    searcher = textpage.search(text, match_case=False)
    while (hit := searcher.get_next()) is not None:
        if hit[0] >= after:
            return (int(hit[0]), int(hit[1]))
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
