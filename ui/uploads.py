"""Checks on files uploaded through the web chat, before anything reaches the index.

The type is read from the content, not trusted from the name: a `.pdf` must start like a PDF and open with
pdfium; a `.txt`/`.md` must be text (no NUL bytes, decodable). Size and page limits come from the settings
(`max_upload_mb`, `max_upload_pages`; defaults for a settings object without them). No gradio here.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.library.documents import SUPPORTED_TYPES

DEFAULT_MAX_UPLOAD_MB = 20
DEFAULT_MAX_UPLOAD_PAGES = 500
TEXT_EXTENSIONS = frozenset(t for t in SUPPORTED_TYPES if t != ".pdf")
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


@dataclass(frozen=True)
class UploadCheck:
    name: str
    ok: bool
    reason: str = ""
    pages: int = 0


def upload_limits(settings: Any) -> tuple[int, int]:
    """(maximum bytes, maximum pages) for one uploaded file."""
    max_mb = float(getattr(settings, "max_upload_mb", DEFAULT_MAX_UPLOAD_MB))
    max_pages = int(getattr(settings, "max_upload_pages", DEFAULT_MAX_UPLOAD_PAGES))
    return int(max_mb * 1024 * 1024), max_pages


def safe_name(name: str) -> str:
    """A file name safe to store and to show: no folders, no control characters, a lower-case extension."""
    base = unicodedata.normalize("NFC", Path(name.replace("\\", "/")).name)
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    stem = _UNSAFE.sub("_", stem).strip(" ._") or "document"
    ext = _UNSAFE.sub("", ext).lower()
    return f"{stem[:120]}.{ext}" if ext else stem[:120]


def check_upload(path: Path, name: str, max_bytes: int, max_pages: int) -> UploadCheck:
    """Whether an uploaded file may be ingested, and why not."""
    name = safe_name(name)
    ext = Path(name).suffix.lower()
    if ext not in SUPPORTED_TYPES:
        return UploadCheck(name, False, f"unsupported file type '{ext or '(none)'}': use {', '.join(SUPPORTED_TYPES)}")
    try:
        size = path.stat().st_size
    except OSError as exc:
        return UploadCheck(name, False, f"cannot read the upload ({exc.strerror or exc})")
    if size == 0:
        return UploadCheck(name, False, "empty file")
    if size > max_bytes:
        return UploadCheck(name, False, f"file too large ({_size(size)}; the limit is {_size(max_bytes)})")
    with path.open("rb") as handle:
        head = handle.read(1024)
    if ext == ".pdf":
        return _check_pdf(path, name, head, max_pages)
    return _check_text(path, name, head, max_pages)


def _check_pdf(path: Path, name: str, head: bytes, max_pages: int) -> UploadCheck:
    if b"%PDF-" not in head:
        return UploadCheck(name, False, "not a PDF: the file does not start with a PDF header")
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as exc:
        reason = "password-protected PDF" if "password" in str(exc).lower() else f"corrupt PDF ({exc})"
        return UploadCheck(name, False, reason)
    try:
        pages = len(pdf)
    finally:
        pdf.close()
    if pages == 0:
        return UploadCheck(name, False, "the PDF has no pages")
    if pages > max_pages:
        return UploadCheck(name, False, f"too many pages ({pages}; the limit is {max_pages})", pages)
    return UploadCheck(name, True, pages=pages)


def _check_text(path: Path, name: str, head: bytes, max_pages: int) -> UploadCheck:
    if head.lstrip().startswith(b"%PDF-"):
        return UploadCheck(name, False, f"this is a PDF named '{Path(name).suffix}': rename it to .pdf")
    raw = path.read_bytes()
    if b"\x00" in raw and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return UploadCheck(name, False, "binary content: not a text file")
    text = _decode(raw)
    if text is None:
        return UploadCheck(name, False, "the text cannot be decoded; save it as UTF-8")
    if not text.strip():
        return UploadCheck(name, False, "no text in the file")
    pages = text.count("\f") + 1
    if pages > max_pages:
        return UploadCheck(name, False, f"too many pages ({pages}; the limit is {max_pages})", pages)
    return UploadCheck(name, True, pages=pages)


def _decode(raw: bytes) -> str | None:
    for encoding in ("utf-8-sig", "utf-16"):
        if encoding == "utf-16" and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            continue
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            pass
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    return None if best is None or best.encoding is None else str(best)


def _size(size: int) -> str:
    if size < 1024 * 1024:
        return f"{-(-size // 1024)} KB"
    return f"{size / 1024 / 1024:.1f}".rstrip("0").rstrip(".") + " MB"
