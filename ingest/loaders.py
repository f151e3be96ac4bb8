"""Read a file into page-numbered text blocks: PDF (pypdf, page by page), plain text and Markdown.

Every failure raises `IngestError` naming the file and the reason. Nothing here touches the index.
"""

from __future__ import annotations

import hashlib
import io
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from gfmd.records import SECTION_SEP, Block, DocKind, content_hash
from gfmd.text.languages import detect_language
from ingest.errors import IngestError
from ingest.structure import find_pdf_headings, split_text_pages

log = logging.getLogger(__name__)
logging.getLogger("pypdf").setLevel(logging.ERROR)

SUPPORTED: dict[str, DocKind] = {".pdf": "pdf", ".txt": "text", ".md": "markdown", ".markdown": "markdown"}
MIN_CHARS_PER_PAGE = 25  # below this on average, a PDF has no usable text layer
# pypdf's extract_text is quadratic in a page's text operators (a 3 MB content stream: over a minute), so
# pages whose content stream is bigger than this are read with PDFium instead.
HUGE_PAGE_BYTES = 512 * 1024
FALLBACK_ENCODINGS = ("utf_16", "utf_32", "cp1252", "latin_1", "iso8859_15")  # for text that is not UTF-8
_YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)")
# `\s+(\S.*)$`, not `\s+(.+?)\s*#*\s*$`: that one backtracks cubically on a line of spaces (a minute for 2,000).
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(\S.*)$")
# HTML comments are not shown by a Markdown renderer (converters leave "<!-- -->" between lists), so they are not
# part of the document's text and must not end up in a quote.
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# YAML front matter ("---" lines around "date: …", "source_url: …", "title: …") opens many Markdown files saved from
# the web: it describes the file, says nothing in it, and quoted it reads as an answer to a date question.
_FRONT_MATTER = re.compile(r"\A\ufeff?---[ \t]*\n.*?\n---[ \t]*(?:\n|\Z)", re.DOTALL)
TOO_DEEP = "PDF structure is too deeply nested or malformed to read"


@dataclass(frozen=True)
class LoadedFile:
    path: Path
    sha256: str
    doc_id: str
    kind: DocKind
    title: str
    lang: str
    year: int | None
    pages: int
    paginated: bool
    blocks: list[Block] = field(default_factory=list)

    def page_text(self, page: int) -> str:
        return "\n".join(b.text for b in self.blocks if b.page == page)


def load_file(path: Path | str) -> LoadedFile:
    """Load one file; raise `IngestError` with a clear reason when it cannot be used."""
    path = Path(path)
    if not path.exists():
        raise IngestError(path, "no such file")
    if not path.is_file():
        raise IngestError(path, "not a regular file")
    kind = SUPPORTED.get(path.suffix.lower())
    if kind is None:
        raise IngestError(
            path, f"unsupported file type {path.suffix or '(none)'}; use one of {', '.join(sorted(SUPPORTED))}"
        )
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise IngestError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise IngestError(path, "empty file")
    meta = _sidecar(path)
    if kind == "pdf":
        blocks, pages, pdf_title = _load_pdf(path, raw)
        paginated = True
    else:
        text = decode_text(path, raw)
        if kind == "markdown":
            blocks, pages, paginated, pdf_title = _load_markdown(text)
        else:
            blocks, pages, paginated = split_text_pages(text)
            pdf_title = ""
    if not any(b.text.strip() for b in blocks):
        raise IngestError(path, "no text found")
    sample = " ".join(b.text for b in blocks if b.kind == "body")[:20000]
    lang = str(meta.get("lang") or detect_language(sample))
    title = str(meta.get("title") or pdf_title or _title_from_name(path))
    year_meta = meta.get("year")
    year = int(year_meta) if isinstance(year_meta, int | str) and str(year_meta).isdigit() else _year(path)
    sha = hashlib.sha256(raw).hexdigest()
    return LoadedFile(
        path=path,
        sha256=sha,
        doc_id=content_hash(raw),
        kind=kind,
        title=title,
        lang=lang,
        year=year,
        pages=pages,
        paginated=paginated,
        blocks=blocks,
    )


def decode_text(path: Path, raw: bytes) -> str:
    """UTF-8 first (with or without BOM); other encodings only when detection is confident."""
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise IngestError(path, "binary content in a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    # Only the encodings an en/es/fr text can plausibly be in: left free, the detector reads Latin-1 Spanish as
    # cp775 or cp1250 ("España" -> "Espa±a", "Espańa") and the index would quote mojibake.
    best = from_bytes(raw, cp_isolation=list(FALLBACK_ENCODINGS)).best()
    if best is None or best.encoding is None:
        raise IngestError(path, "text is not UTF-8 and its encoding could not be detected; convert it to UTF-8")
    log.warning("%s: not UTF-8, decoded as %s", path, best.encoding)
    return str(best)


def _load_pdf(path: Path, raw: bytes) -> tuple[list[Block], int, str]:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not raw.lstrip()[:1024].startswith(b"%PDF") and b"%PDF" not in raw[:1024]:
        raise IngestError(path, "not a PDF file (no %PDF header)")
    try:
        reader = PdfReader(io.BytesIO(raw), strict=False)
        if reader.is_encrypted:
            try:
                opened = bool(reader.decrypt(""))
            except Exception:
                opened = False
            if not opened:
                raise IngestError(path, "encrypted PDF: remove the password protection, then ingest it again")
        n_pages = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError, OSError) as exc:
        if _caused_by_recursion(exc):
            raise IngestError(path, TOO_DEEP) from exc
        raise IngestError(path, f"corrupt or unreadable PDF ({type(exc).__name__}: {exc})") from exc
    if n_pages == 0:
        raise IngestError(path, "PDF has no pages")
    page_texts: list[str] = []
    failed = 0
    too_deep = False
    for number in range(n_pages):
        try:
            page = reader.pages[number]
            huge = _content_bytes(page) > HUGE_PAGE_BYTES
            page_texts.append(_pdfium_page_text(raw, number) if huge else page.extract_text() or "")
        except Exception as exc:  # pypdf raises many types on damaged content streams
            failed += 1
            too_deep = too_deep or _caused_by_recursion(exc)
            log.warning("%s: page %d unreadable (%s)", path, number + 1, exc)
            page_texts.append("")
    chars = sum(len("".join(t.split())) for t in page_texts)
    no_text = chars < MIN_CHARS_PER_PAGE * n_pages and chars < 500
    if (failed == n_pages or no_text) and (too_deep or _too_deeply_nested(raw)):
        raise IngestError(path, TOO_DEEP)
    if failed == n_pages:
        raise IngestError(path, "corrupt PDF: no page could be read")
    if no_text:
        raise IngestError(path, "PDF has no text layer (scanned images?); run OCR on it first")
    blocks = find_pdf_headings(page_texts)
    title = _pdf_title(reader)
    return blocks, n_pages, title


def _caused_by_recursion(exc: BaseException) -> bool:
    """Whether `exc` is, or was raised because of, a RecursionError (pypdf wraps it in PdfReadError)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, RecursionError):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False


def _too_deeply_nested(raw: bytes) -> bool:
    """Whether a strict read of the PDF fails on recursion depth.

    pypdf's lenient reader (strict=False) turns a RecursionError inside a deeply nested object into a logged
    warning and drops the object (a page's /Resources, say), so such a PDF merely looks empty: no text, as if
    scanned. Asked only when a PDF is about to be refused, a strict read keeps the cause on the exception chain.
    """
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(raw), strict=True)
        if reader.is_encrypted:
            reader.decrypt("")
        for page in reader.pages:
            if _content_bytes(page) <= HUGE_PAGE_BYTES:  # pypdf's extraction is quadratic on huge pages
                page.extract_text()
    except Exception as exc:  # any failure but recursion is some other defect, reported as before
        return _caused_by_recursion(exc)
    return False


def _content_bytes(page: object) -> int:
    contents = page.get_contents()  # type: ignore[attr-defined]
    return len(contents.get_data()) if contents is not None else 0


def _pdfium_page_text(raw: bytes, number: int) -> str:
    """PDFium's text extraction (C++, linear) for a page too big for pypdf's."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(raw)
    try:
        return str(document[number].get_textpage().get_text_range())
    finally:
        document.close()


def _pdf_title(reader: object) -> str:
    try:
        meta = reader.metadata  # type: ignore[attr-defined]
        title = str(meta.title or "").strip() if meta else ""
    except Exception:
        return ""
    if len(title) < 6 or title.lower().startswith(("microsoft word", "untitled", "document")):
        return ""
    if title.lower().endswith((".docx", ".doc", ".pdf", ".indd")):
        return ""
    return title


def _load_markdown(text: str) -> tuple[list[Block], int, bool, str]:
    blocks: list[Block] = []
    section: str | None = None
    path: list[tuple[int, str]] = []
    top_headings = 0
    title = ""
    buffer: list[str] = []
    text = _FRONT_MATTER.sub("", _HTML_COMMENT.sub("", text), count=1)

    def flush() -> None:
        body = "\n".join(buffer).strip()
        if body:
            blocks.append(Block(page=1, text=body, section=section))
        buffer.clear()

    for line in text.splitlines():
        match = _MD_HEADING.match(line)
        if match:
            flush()
            heading = match.group(2).rstrip().rstrip("#").strip() or match.group(2).strip()  # closing #s
            level = len(match.group(1))
            if level == 1:
                top_headings += 1
                title = title or heading
            # The section is the heading path: "Associated actions" alone does not say which objective.
            path = [(lvl, h) for lvl, h in path if lvl < level] + [(level, heading)]
            section = SECTION_SEP.join(h for _, h in path)
            buffer.append(heading)
        else:
            buffer.append(line)
    flush()
    # A file with several level-1 headings ("# Objective 1" ... "# Objective 23") has no title heading: its
    # first one names a part, not the document.
    return blocks, 1, False, title if top_headings == 1 else ""


def _sidecar(path: Path) -> dict[str, object]:
    """Optional `NAME.meta.json` beside a file: {"title", "year", "lang"} override what is detected."""
    side = path.with_name(path.name + ".meta.json")
    if not side.exists():
        return {}
    import json

    try:
        data = json.loads(side.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise IngestError(side, f"invalid metadata file: {exc}") from exc
    if not isinstance(data, dict):
        raise IngestError(side, "metadata file must hold a JSON object")
    return data


def _title_from_name(path: Path) -> str:
    stem = re.sub(r"[_-]+", " ", path.stem).strip()
    return stem[:1].upper() + stem[1:]


def _year(path: Path) -> int | None:
    match = _YEAR.search(path.name)
    return int(match.group(1)) if match else None
