"""The brief builder: answers pinned from the chat, reordered and edited, exported as Markdown or Word.

Each item keeps its own [n] markers; on export they are renumbered into one list of references (title, page,
quote) at the end, the same passage cited twice getting one number. No gradio here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from gfmd.records import Answer
from ui.render import escape, marked, page_label, text_to_markdown

_MARKER = re.compile(r"\[(\d+)\]")
DEFAULT_TITLE = "Brief"
# Why an answer cannot be pinned: a refusal (or a stopped or failed answer) quotes no document.
NOT_PINNABLE = {
    "en": "This answer can't be added to the brief: it quotes no document (the documents don't answer the question).",
    "es": "Esta respuesta no se puede añadir al informe: no cita ningún documento (los documentos no responden a la "
    "pregunta).",
    "fr": "Cette réponse ne peut pas être ajoutée au dossier : elle ne cite aucun document (les documents ne "
    "répondent pas à la question).",
}


def why_not_pinnable(answer: Answer) -> str | None:
    """The reason, in the answer's language, that `answer` cannot be pinned; None when it can."""
    if answer.refused or not answer.citations:
        return NOT_PINNABLE.get(answer.lang, NOT_PINNABLE["en"])
    return None


@dataclass(frozen=True)
class Reference:
    title: str
    source: str
    page: int
    quote: str
    paginated: bool = True  # False: `page` is a text file's page segment, not a printed page

    def label(self) -> str:
        return f"{self.title} ({self.source}), {page_label(self.page, self.paginated)}"


@dataclass(frozen=True)
class BriefItem:
    heading: str
    text: str
    citations: dict[int, Reference] = field(default_factory=dict)

    @classmethod
    def from_answer(cls, answer: Answer) -> BriefItem:
        """The answer as an item, headed by the question as the assistant read it: a follow-up ("And who would
        govern it?") in its standalone form, with the subject it carried over from the conversation."""
        refs = {c.n: Reference(c.title, c.source, c.page, c.quote, c.paginated) for c in answer.citations}
        text = answer.answer
        shown = [s for s in answer.sentences if s.supported is not False]
        if any(s.gloss for s in shown):  # a quote in another language keeps its key-points line in the note
            text = " ".join(marked(s) + (f" ({s.gloss})" if s.gloss else "") for s in shown)
        return cls(heading=(answer.query or answer.question).strip(), text=text, citations=refs)


# --- editing (each returns a new list; the caller's list is never changed)
def add(items: Sequence[BriefItem], item: BriefItem) -> list[BriefItem]:
    return [*items, item]


def move(items: Sequence[BriefItem], index: int, delta: int) -> list[BriefItem]:
    out = list(items)
    target = index + delta
    if 0 <= index < len(out) and 0 <= target < len(out):
        out[index], out[target] = out[target], out[index]
    return out


def remove(items: Sequence[BriefItem], index: int) -> list[BriefItem]:
    return [item for i, item in enumerate(items) if i != index]


def edit(items: Sequence[BriefItem], index: int, heading: str, text: str) -> list[BriefItem]:
    out = list(items)
    if 0 <= index < len(out):
        out[index] = replace(out[index], heading=heading.strip(), text=text.strip())
    return out


# --- numbering
def numbered(items: Sequence[BriefItem]) -> tuple[list[str], list[Reference]]:
    """Each item's text with its markers renumbered globally, and the references in order of first use.

    A marker whose citation the item does not have (say, typed while editing) is left as written.
    """
    references: list[Reference] = []
    numbers: dict[Reference, int] = {}
    texts: list[str] = []
    for item in items:

        def renumber(match: re.Match[str], item: BriefItem = item) -> str:
            ref = item.citations.get(int(match.group(1)))
            if ref is None:
                return match.group(0)
            if ref not in numbers:
                references.append(ref)
                numbers[ref] = len(references)
            return f"[{numbers[ref]}]"

        texts.append(_MARKER.sub(renumber, item.text))
    return texts, references


# --- export
def to_markdown(items: Sequence[BriefItem], title: str = DEFAULT_TITLE) -> str:
    texts, references = numbered(items)
    lines = [f"# {_md(title or DEFAULT_TITLE)}", ""]
    for item, text in zip(items, texts, strict=True):
        lines += [f"## {_md(item.heading)}", "", _md(text), ""]
    if references:
        lines += ["## References", ""]
        lines += [f"{n}. {_md(r.label())}: “{_md(r.quote)}”" for n, r in enumerate(references, start=1)]
        lines.append("")
    return "\n".join(lines)


def _md(text: str) -> str:
    """Text for a Markdown file: raw HTML neutralised (a renderer must show `<script>` as text)."""
    return " ".join(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").split())


def to_docx(items: Sequence[BriefItem], path: Path | str, title: str = DEFAULT_TITLE) -> Path:
    """Write the brief as a Word document: a heading per item, then numbered references."""
    from docx import Document as Docx

    texts, references = numbered(items)
    doc = Docx()
    doc.core_properties.title = title or DEFAULT_TITLE
    doc.add_heading(title or DEFAULT_TITLE, level=0)
    for item, text in zip(items, texts, strict=True):
        doc.add_heading(item.heading, level=1)
        doc.add_paragraph(text)
    if references:
        doc.add_heading("References", level=1)
        for n, ref in enumerate(references, start=1):
            paragraph = doc.add_paragraph(f"[{n}] {ref.label()}: ")
            paragraph.add_run(f"“{ref.quote}”").italic = True
    path = Path(path)
    doc.save(str(path))
    return path


def preview_html(items: Sequence[BriefItem], title: str = DEFAULT_TITLE) -> str:
    """The brief as the reader will export it, escaped, with item numbers to pick one for editing."""
    if not items:
        return (
            '<p class="gfmd-hint">The brief is empty. In the chat, press <strong>Add to brief</strong> under an '
            "answer to pin it here.</p>"
        )
    texts, references = numbered(items)
    parts = [f'<h2 class="gfmd-brief-title">{escape(title or DEFAULT_TITLE)}</h2>']
    for number, (item, text) in enumerate(zip(items, texts, strict=True), start=1):
        body = text_to_markdown(text).replace("#gfmd-source-", "#gfmd-ref-")
        parts.append(
            f'<section class="gfmd-brief-item"><h3>{number}. {escape(item.heading)}</h3><p>{body}</p></section>'
        )
    if references:
        parts.append("<h3>References</h3><ol class='gfmd-refs'>")
        parts += [
            f'<li id="gfmd-ref-{n}">{escape(r.label())}: <q>{escape(r.quote)}</q></li>'
            for n, r in enumerate(references, start=1)
        ]
        parts.append("</ol>")
    return "\n".join(parts)


def choices(items: Sequence[BriefItem]) -> list[tuple[str, int]]:
    """(label, index) pairs for the item picker."""
    return [(f"{i + 1}. {item.heading[:70]}", i) for i, item in enumerate(items)]
