"""Pages of indexed documents: a page's text as the loader reads it, and a PDF page as an image with the quote
highlighted (cached: a reader opens the same citation again). Only a file whose bytes still hash to its indexed
`doc_id` is read (`documents.source_path`)."""

from __future__ import annotations

import io
import logging
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from assistant.library.documents import get_document, source_path
from gfmd.index import Index
from gfmd.settings import Settings
from ingest.loaders import load_file

log = logging.getLogger(__name__)

_page_cache: OrderedDict[tuple[str, int, float, str], bytes] = OrderedDict()
_cache_lock = threading.Lock()


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
    except Exception as exc:  # pypdf raises many types on damaged files, the other loaders IngestError
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
