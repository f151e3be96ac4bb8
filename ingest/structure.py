"""Recover structure the file format lost: pages, footnotes and section headings.

Plain text exported from a PDF (like the bundled GFMD paper) keeps each page's footnotes as a block
interleaved with the body: a whitespace-only line, then lines starting with the footnote number, then the
body resumes on a line starting with a space. Each such block closes a page, which lets us number page
segments (marked `paginated=False` on the document, since the original numbering is unknown).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from gfmd.records import Block
from gfmd.text.dates import MONTH_ALTERNATION
from ingest.furniture import furniture_indexes

_FOOTNOTE_START = re.compile(r"^(\d{1,3}) \S")
_TEXT_HEADING = re.compile(r"^\s*(\d{1,2})\.\s+(\S.{0,110})$")
_PDF_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÁÉÍÓÚÀÂÇÈÊÎÔÛ][^.!?]{2,90})$")
# A line that ends a sentence or clause, perhaps before a footnote number ("… of the Secretary-General;23"), is
# no heading.
_SENTENCE_END = re.compile(r"[.,;:]\d{0,3}$")
_PAGE_NUMBER = re.compile(r"^(?:page\s+)?\d{1,4}(?:\s*(?:/|of|de|sur)\s*\d{1,4})?$", re.IGNORECASE)
# "19 December 2023", "3 janvier 2025", "1.º de mayo de 2020": the date a resolution was adopted or a report
# signed, not a numbered heading.
_DATE_LINE = re.compile(
    rf"^\d{{1,2}}(?:st|nd|rd|th|er|\.?º)?\s+(?:de\s+)?(?:{MONTH_ALTERNATION})\b(?:,?\s+(?:de\s+)?\d{{4}})?\.?$",
    re.IGNORECASE,
)


def split_text_pages(text: str) -> tuple[list[Block], int, bool]:
    """Blocks of a plain-text file. Form feeds are real page breaks; otherwise footnote blocks are."""
    if "\f" in text:
        blocks: list[Block] = []
        section: str | None = None
        last_heading = [0]  # numbered headings continue across pages
        for number, page in enumerate(text.split("\f"), start=1):
            page_blocks, section = _text_sections(page.splitlines(), number, section, last_heading)
            blocks.extend(page_blocks)
        return blocks, text.count("\f") + 1, True
    return _footnoted_pages(text.splitlines())


def _footnoted_pages(lines: list[str]) -> tuple[list[Block], int, bool]:
    blocks: list[Block] = []
    page = 1
    section: str | None = None
    next_footnote = 1
    last_heading = [0]
    body: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        starts_block = (
            line != "" and not line.strip() and i + 1 < len(lines) and _is_footnote_line(lines[i + 1], next_footnote)
        )
        if not starts_block:
            body.append(line)
            i += 1
            continue
        page_blocks, section = _text_sections(body, page, section, last_heading)
        blocks.extend(page_blocks)
        body = []
        i += 1
        notes: list[list[str]] = []
        while i < len(lines) and not lines[i].startswith(" ") and lines[i].strip():
            if _is_footnote_line(lines[i], next_footnote):
                notes.append([lines[i]])
                next_footnote = int(_FOOTNOTE_START.match(lines[i]).group(1)) + 1  # type: ignore[union-attr]
            elif notes:
                notes[-1].append(lines[i])
            i += 1
        for note in notes:
            blocks.append(Block(page=page, text=" ".join(" ".join(note).split()), kind="footnote", section=section))
        page += 1
    page_blocks, section = _text_sections(body, page, section, last_heading)
    blocks.extend(page_blocks)
    pages = max((b.page for b in blocks), default=1)
    return blocks, pages, pages == 1


def _is_footnote_line(line: str, expected: int) -> bool:
    match = _FOOTNOTE_START.match(line)
    if not match:
        return False
    number = int(match.group(1))
    return expected <= number <= expected + 2


def _text_sections(
    lines: list[str], page: int, section: str | None, last_heading: list[int]
) -> tuple[list[Block], str | None]:
    """Split a page's body lines at numbered section headings ("3. Recomendaciones")."""
    blocks: list[Block] = []
    buffer: list[str] = []

    def flush() -> None:
        body = "\n".join(buffer).strip()
        if body:
            blocks.append(Block(page=page, text=body, section=section))
        buffer.clear()

    i = 0
    while i < len(lines):
        line = lines[i]
        match = _TEXT_HEADING.match(line)
        previous_blank = i == 0 or not lines[i - 1].strip()
        if (
            match
            and previous_blank
            and int(match.group(1)) == last_heading[0] + 1
            and not match.group(2).lstrip().startswith(("¿", "¡"))
            and not line.rstrip().endswith(("?", ".", ","))
        ):
            heading = " ".join(line.split())
            # A heading that ends with a dash or colon continues on the next line.
            while heading.endswith(("–", "-", ":")) and i + 1 < len(lines) and lines[i + 1].strip():
                i += 1
                heading = f"{heading} {' '.join(lines[i].split())}"
            flush()
            last_heading[0] += 1
            section = heading
            buffer.append(heading)
        else:
            buffer.append(line)
        i += 1
    flush()
    return blocks, section


def find_pdf_headings(page_texts: list[str]) -> list[Block]:
    """Blocks of a PDF: running headers/footers dropped, numbered or upper-case headings start sections."""
    pages_lines = [[" ".join(ln.split()) for ln in text.splitlines()] for text in page_texts]
    repeated = _running_lines(pages_lines)
    pages = [_page_headings(lines) for lines in pages_lines]
    headings = [page.found for page in pages]
    numbered = sum(page.numbered for page in pages)
    # A document most of whose numbered lines run on as paragraphs numbers its paragraphs (a resolution's operative
    # paragraphs, a brief's numbered recommendations): then none of its numbered lines is a heading, the short ones
    # included ("12. Encourages States to invest in achieving the Sustainable Development" / "Goals, …").
    if numbered >= MIN_NUMBERED_LINES and sum(page.paragraphs for page in pages) >= PARAGRAPH_NUMBERING * numbered:
        headings = [{i: h for i, h in found.items() if not _PDF_NUMBERED.match(h)} for found in headings]
    blocks: list[Block] = []
    section: str | None = None
    for number, lines in enumerate(pages_lines, start=1):
        # Masthead, symbol and distribution lines: a block of their own that is searched but never quoted.
        furniture = furniture_indexes(lines)
        edges = _edges(lines)
        if furniture:
            kept = "\n".join(lines[i] for i in sorted(furniture) if not _running(lines[i], repeated, edges))
            if kept:
                blocks.append(Block(page=number, text=kept, kind="furniture", section=section))
        buffer: list[str] = []
        for i, line in enumerate(lines):
            if not line or i in furniture or _running(line, repeated, edges) or _PAGE_NUMBER.match(line):
                continue
            heading = headings[number - 1].get(i)
            if heading:
                if buffer:
                    blocks.append(Block(page=number, text="\n".join(buffer), section=section))
                    buffer = []
                section = heading
            buffer.append(line)
        if buffer:
            blocks.append(Block(page=number, text="\n".join(buffer), section=section))
    return blocks


@dataclass
class _PageHeadings:
    found: dict[int, str] = field(default_factory=dict)  # the headings the page's lines start, by line index
    numbered: int = 0  # numbered lines that look like headings
    paragraphs: int = 0  # those of them that run on as paragraphs


def _page_headings(lines: list[str]) -> _PageHeadings:
    """The headings a page's lines start, and how many of its numbered lines are paragraphs' first lines."""
    width = _text_width(lines)
    page = _PageHeadings()
    for i, line in enumerate(lines):
        if not line or not _looks_like_heading(line):
            continue
        if not _PDF_NUMBERED.match(line):
            page.found[i] = line
            continue
        page.numbered += 1
        heading = _numbered_heading(line, lines[i + 1] if i + 1 < len(lines) else "", width)
        if heading:
            page.found[i] = heading
        else:
            page.paragraphs += 1
    return page


def _running_lines(pages_lines: list[list[str]]) -> set[str]:
    """Lines printed on many pages (headers, footers, document titles in the margin), as they are and, for short
    lines that carry a page or job number ("23-25999 2/14", "Report 2024 | 7"), with their digits masked."""
    if len(pages_lines) < 4:
        return set()
    counts: Counter[str] = Counter()
    for lines in pages_lines:
        found = {ln for ln in lines if 3 <= len(ln) <= 120}
        counts.update(found | {masked for ln in _edges(lines) if (masked := _masked(ln))})
    threshold = max(3, int(0.3 * len(pages_lines)))
    return {line for line, n in counts.items() if n >= threshold}


_DIGITS = re.compile(r"\d+")
_WORD = re.compile(r"[^\W\d_]{2,}")


EDGE_LINES = 3  # a running header or footer is among the first or last lines of its page


def _edges(lines: list[str]) -> set[str]:
    filled = [ln for ln in lines if ln]
    return set(filled[:EDGE_LINES] + filled[-EDGE_LINES:])


def _masked(line: str) -> str | None:
    """A short line with numbers, its numbers masked ("# #/#"); None for other lines, which must repeat as they are
    (a heading like "Objective 3: ..." differs from page to page by more than its number)."""
    if not _DIGITS.search(line) or len(line) > 60 or len(_WORD.findall(line)) > 3:
        return None
    return "\x00" + _DIGITS.sub("#", line)


def _running(line: str, repeated: set[str], edges: set[str]) -> bool:
    """A line printed on many pages; with its numbers masked, only at the top or bottom of the page (a table row
    "Total 12 34" repeated mid-page is text)."""
    if line in repeated:
        return True
    masked = _masked(line) if line in edges else None
    return masked is not None and masked in repeated


# Words no heading ends with: a line ending on one goes on in the next line.
_OPEN_END = re.compile(
    r"(?:-|\b(?:the|of|a|an|to|in|on|for|and|or|by|with|from|against|at|as|that|into|upon|de|del|la|el|los|las|"
    r"en|y|o|con|por|para|al|que|du|des|le|les|et|ou|à|au|aux|pour|sur|avec|par))$",
    re.IGNORECASE,
)
# A line at least this share of the page's text width is a wrapped line of a paragraph, not a heading.
FULL_WIDTH = 0.85
MIN_LINES_FOR_WIDTH = 8  # fewer lines say too little about the page's text width
# A document whose numbered lines (at least this many) run on as paragraphs at least this often numbers its paragraphs.
PARAGRAPH_NUMBERING = 0.5
MIN_NUMBERED_LINES = 2
MAX_HEADING_CHARS = 160  # a heading wrapped over two lines is no longer than this
MAX_HEADING_TAIL = 60  # on a page too short to tell its width, a heading's second line is no longer than this
# The next line carries on a sentence: it starts with a word in lower case (not an enumerator such as "a)").
_LOWER_START = re.compile(r"[a-zà-ÿ]{2}")


def _text_width(lines: list[str]) -> int:
    """The page's text width in characters: the length its longer lines reach (90th percentile); 0 when the page
    has too few lines to tell."""
    lengths = sorted(len(ln) for ln in lines if ln)
    if len(lengths) < MIN_LINES_FOR_WIDTH:
        return 0
    return lengths[int(0.9 * (len(lengths) - 1))]


def _numbered_heading(line: str, following: str, width: int) -> str | None:
    """The section heading a numbered `line` starts, or None. One that runs on into the next line (it ends on a
    word no heading ends with, the next line carries on in lower case, or it fills the page's text width as wrapped
    lines do) is a heading wrapped over two lines when the next line is short and ends no sentence ("2.
    Implementation of pre-return case management in the JI" / "programme"); otherwise it is the first line of a
    numbered paragraph or footnote, not a heading (a resolution's "3. Invites Member States to consider ratifying
    relevant International Labour" / "Organization conventions, including…")."""
    if not following:
        return line
    runs_on = bool(_OPEN_END.search(line) or _LOWER_START.match(following))
    if not runs_on and not (width and len(line) >= FULL_WIDTH * width):
        return line
    joined = f"{line} {following}"
    short = len(following) < FULL_WIDTH * width if width else len(following) <= MAX_HEADING_TAIL
    if short and not following.endswith((".", ",", ";", ":")) and len(joined) <= MAX_HEADING_CHARS:
        return joined
    return None


def _looks_like_heading(line: str) -> bool:
    if len(line) > 100 or _SENTENCE_END.search(line):
        return False
    if _DATE_LINE.match(line):
        return False
    match = _PDF_NUMBERED.match(line)
    if match:
        first = int(match.group(1).split(".")[0])
        return 1 <= first <= 20 and len(match.group(2).split()) <= 12
    words = line.split()
    letters = [c for c in line if c.isalpha()]
    return 1 <= len(words) <= 10 and len(letters) >= 6 and all(c.isupper() for c in letters)
