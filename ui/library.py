"""The library tab and the page viewer, as plain functions over `assistant.library` (documents and pages; no gradio
here).

Uploads are checked (`ui.uploads`) before they are staged and ingested; the viewer opens only the page of a
citation the reader was shown, resolved through the registry, never a path sent by the browser.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.library import documents as library
from assistant.library import pages
from gfmd.errors import IndexUnavailableError
from gfmd.records import Answer, Document
from gfmd.settings import Settings
from ui.render import escape, page_html
from ui.uploads import check_upload, upload_limits

COLUMNS = ["Title", "File", "Language", "Year", "Pages", "Passages", "Added"]
_STATUS_WORDS = {"added": "added", "updated": "updated (replaced the earlier version)", "unchanged": "unchanged"}


def document_rows(docs: Sequence[Document]) -> list[list[Any]]:
    return [
        [d.title, d.source, d.lang, d.year or "", d.pages, d.chunks, d.added_at[:10] if d.added_at else ""]
        for d in docs
    ]


def filter_choices(docs: Sequence[Document]) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Choices for the chat's filters: (title, source) pairs, languages and years present in the index."""
    sources = [(f"{d.title} ({d.source})", d.source) for d in docs]
    langs = sorted({d.lang for d in docs if d.lang and d.lang != "und"})
    years = sorted({str(d.year) for d in docs if d.year}, reverse=True)
    return sources, langs, years


@dataclass(frozen=True)
class UploadOutcome:
    name: str
    ok: bool
    message: str


def ingest_uploads(
    uploads: Sequence[Path | str],
    settings: Settings,
    index: Any = None,
    progress: Callable[[float, str], None] | None = None,
) -> list[UploadOutcome]:
    """Check, stage and ingest uploaded files; one outcome per file, failures with their reason."""
    max_bytes, max_pages = upload_limits(settings)
    outcomes: list[UploadOutcome] = []
    staged: list[Path] = []
    for upload in uploads:
        path = Path(upload)
        check = check_upload(path, path.name, max_bytes, max_pages)
        if not check.ok:
            outcomes.append(UploadOutcome(check.name, False, check.reason))
            continue
        try:
            staged.append(library.copy_to_staging(path, check.name, settings))
        except OSError as exc:  # disk full, read-only index folder
            outcomes.append(UploadOutcome(check.name, False, f"cannot store the upload ({exc.strerror or exc})"))
    if staged:
        report = library.add_uploads(staged, settings, index=index, progress=progress)
        for result in report.results:
            name = Path(result.path).name
            if result.status == "failed":
                outcomes.append(UploadOutcome(name, False, result.reason))
            else:
                counts = f"{_plural(result.pages, 'page')}, {_plural(result.chunks, 'passage')}"
                detail = f"{_STATUS_WORDS[result.status]}: {counts}"
                outcomes.append(UploadOutcome(name, True, detail))
    return outcomes


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def outcomes_html(outcomes: Sequence[UploadOutcome]) -> str:
    if not outcomes:
        return '<p class="gfmd-hint">Choose PDF, .txt or .md files, then press <strong>Add to library</strong>.</p>'
    items = [
        f'<li class="{"gfmd-ok" if o.ok else "gfmd-error"}"><strong>{escape(o.name)}</strong>: {escape(o.message)}</li>'
        for o in outcomes
    ]
    return '<ul class="gfmd-upload-report">' + "".join(items) + "</ul>"


def remove(source: str | None, settings: Settings, index: Any = None) -> str:
    if not source:
        return '<p class="gfmd-error">Choose a document to remove.</p>'
    try:
        removed = library.remove_document(source, settings, index=index)
    except IndexUnavailableError as exc:
        reason = escape(str(exc))
        return f'<p class="gfmd-error">Index unavailable, <strong>{escape(source)}</strong> not removed: {reason}</p>'
    if removed:
        return f'<p class="gfmd-ok">Removed <strong>{escape(source)}</strong> from the index.</p>'
    return f'<p class="gfmd-error"><strong>{escape(source)}</strong> is not in the index.</p>'


@dataclass(frozen=True)
class PageView:
    html: str
    image: bytes | None = None
    file: Path | None = None
    label: str = ""


def open_citation(answer: Answer | None, n: int, settings: Settings, index: Any = None) -> PageView | None:
    """The page a citation points to: a rendered image for PDFs, the page text with the quote highlighted."""
    if answer is None:
        return None
    citation = next((c for c in answer.citations if c.n == n), None)
    if citation is None:
        return None
    doc = library.get_document(citation.source, settings, index=index)
    if doc is None:
        return PageView(f'<p class="gfmd-error">{escape(citation.source)} is no longer in the index.</p>')
    text = pages.page_text(doc.source, citation.page, settings, index=index)
    image = pages.page_image(doc.source, citation.page, settings, index=index, quote=citation.quote)
    html = page_html(doc.title, doc.source, citation.page, doc.pages, text, citation.quote, doc.paginated)
    label = f"{doc.title} · page {citation.page} of {doc.pages}"
    return PageView(html, image, _download_copy(doc.source, settings, index), label)


def _download_copy(source: str, settings: Settings, index: Any) -> Path | None:
    """A copy of the document's file in a temp folder (gradio serves files from there), for the download link."""
    doc = library.get_document(source, settings, index=index)
    path = library.source_path(source, settings, index=index)
    if doc is None or path is None:
        return None
    target = Path(tempfile.gettempdir()) / "gfmd-downloads" / doc.doc_id / path.name
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
    return target
