"""Render an `Answer` for a terminal or for the web chat. Document text is always escaped.

Escaping covers HTML (`<script>` shows as text) and, in the chat bubble, Markdown too: a document's `*`, `_`,
`[..](..)` or backquotes must not turn into formatting or links. Only the `[n]` markers become links.
"""

from __future__ import annotations

import html
import re

from gfmd.records import Answer, AnswerSentence, Citation
from gfmd.text.quotes import find_quote

_PAGE_LABEL = {"en": "p.", "es": "p.", "fr": "p."}
# A text file's pages are segments the loader reconstructed (between footnote blocks), not printed pages.
_SEGMENT_LABEL = {"en": "page segment", "es": "segmento de página", "fr": "segment de page"}
_SOURCES = {"en": "Sources", "es": "Fuentes", "fr": "Sources"}
_OPEN = {"en": "Open page", "es": "Abrir página", "fr": "Ouvrir la page"}
_NO_SOURCES = {
    "en": "The sources of an answer appear here: click a [n] marker or a source to open its page.",
    "es": "Las fuentes de la respuesta aparecen aquí: pulse un marcador [n] o una fuente para abrir su página.",
    "fr": "Les sources de la réponse s'affichent ici : cliquez sur un repère [n] ou une source pour ouvrir sa page.",
}
# Each finished answer's own action: pin it to the brief (a link, so that the chat's sanitizer keeps it).
_PIN = {"en": "Add to brief", "es": "Añadir al informe", "fr": "Ajouter au dossier"}
_REMOVED = {
    "en": "Removed from the library",
    "es": "Retirado de la biblioteca",
    "fr": "Retiré de la bibliothèque",
}
_MARKER = re.compile(r"\[(\d+)\]")
_SOFT_BREAK = re.compile(r"(?<![\n])[ \t]*\n[ \t]*(?![\n])")
# Markdown punctuation that formats or links wherever it appears, as numeric character references.
_MD_INLINE = {c: f"&#{ord(c)};" for c in "\\`*_[]|~"}
_MD_LINE_START = re.compile(r"^(\s*)([-+>#=]|\d+[.)])", re.MULTILINE)


def answer_to_text(answer: Answer) -> str:
    lines = [answer.answer]
    lines += [f"  -> {s.gloss}" for s in answer.sentences if s.gloss and s.supported is not False]
    if answer.notice and not answer.refused:
        lines.append(f"({answer.notice})")
    if answer.citations:
        lines.append("")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.title} — {c.source}, {page_label(c.page, c.paginated)}")
            lines.append(f'    "{c.quote}"')
    return "\n".join(lines)


def page_label(page: int, paginated: bool = True, lang: str = "en") -> str:
    """ "p. 7", or "page segment 7" for a text file's reconstructed page segments."""
    table = _PAGE_LABEL if paginated else _SEGMENT_LABEL
    return f"{table.get(lang, table['en'])} {page}"


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def escape_markdown(text: str) -> str:
    """HTML-escape `text`, then neutralise Markdown syntax so it renders exactly as written."""
    escaped = "".join(_MD_INLINE.get(c, c) for c in escape(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "".join(f"&#{ord(c)};" for c in m.group(2)), escaped)


def marker_link(n: int | str, turn: int | None = None) -> str:
    """A [n] marker linking to its source card; `turn` (the answer's number in the chat) tells answers apart."""
    anchor = f"gfmd-source-{n}" if turn is None else f"gfmd-source-{turn}-{n}"
    return f'<sup><a href="#{anchor}">[{n}]</a></sup>'


def text_to_markdown(text: str, turn: int | None = None) -> str:
    """Answer text (possibly partial, while streaming) for the chat bubble: escaped, [n] as links."""
    parts = _MARKER.split(text)
    out = []
    for position, part in enumerate(parts):
        out.append(marker_link(part, turn) if position % 2 else escape_markdown(part))
    return "".join(out)


def answer_to_markdown(answer: Answer, turn: int | None = None) -> str:
    """The chat bubble: escaped answer text, [n] markers as superscript anchors, and the notice. A sentence quoted
    in another language than the question's is followed by its key-points line in the question's language."""
    shown = [s for s in answer.sentences if s.supported is not False]
    if any(s.gloss for s in shown):
        body = "\n\n".join(_sentence_markdown(s, turn) for s in shown)
    else:
        body = text_to_markdown(answer.answer, turn)
    if answer.notice and not answer.refused:
        body += f"\n\n<em>{escape_markdown(answer.notice)}</em>"
    return body


def marked(sentence: AnswerSentence) -> str:
    """A sentence with its [n] markers, as the answer's text writes it."""
    return f"{sentence.text} " + "".join(f"[{n}]" for n in sentence.citations)


def _sentence_markdown(sentence: AnswerSentence, turn: int | None) -> str:
    text = text_to_markdown(marked(sentence), turn)
    if sentence.gloss:
        text += f'<br><span class="gfmd-gloss">↳ {escape_markdown(sentence.gloss)}</span>'
    return text


def pin_button(turn: int, lang: str = "en", refused: bool = False) -> str:
    """The "add to brief" button under answer `turn` (the chat's script sends its number to the server); under a
    refusal it is dimmed, and pressing it says why it cannot be pinned."""
    kind = "gfmd-pin gfmd-pin-off" if refused else "gfmd-pin"
    return f'\n\n<a href="#gfmd-pin-{turn}" class="{kind}">{_PIN.get(lang, _PIN["en"])}</a>'


def highlight(text: str, quote: str) -> str | None:
    """`text` escaped with the quoted span in <mark> (whitespace aside, and the footnote markers a clean quote left
    out, `gfmd.text.quotes`); None when the quote is not in it."""
    span = find_quote(quote, text)
    if span is None:
        return None
    start, end = span
    return escape(text[:start]) + f"<mark>{escape(text[start:end])}</mark>" + escape(text[end:])


def citation_html(c: Citation, lang: str = "en", removed: bool = False) -> str:
    """One source card: title, page, the passage with the quoted span highlighted, and an 'open page' button
    (for a document `removed` from the library since, a note saying so instead)."""
    passage = highlight(c.text, c.quote)
    if passage is None:
        passage = f"<mark>{escape(c.quote)}</mark>"
    section = f" · {escape(c.section)}" if c.section else ""
    label = _OPEN.get(lang, _OPEN["en"])
    action = (
        f'<p class="gfmd-removed">{escape(_REMOVED.get(lang, _REMOVED["en"]))}</p>'
        if removed
        else f'<button type="button" class="gfmd-open" data-cite="{c.n}">{label} {c.page}</button>'
    )
    return (
        f'<div class="gfmd-source" id="gfmd-source-{c.n}" data-cite="{c.n}">'
        f"<div><strong>[{c.n}] {escape(c.title)}</strong></div>"
        f"<div><small>{escape(c.source)} · {page_label(c.page, c.paginated, lang)}{section}</small></div>"
        f"<blockquote>{passage}</blockquote>{action}</div>"
    )


def sources_html(answer: Answer, show_question: bool = False, removed: frozenset[str] = frozenset()) -> str:
    """The cards of an answer's sources; those of documents in `removed` (file names) are marked so."""
    if not answer.citations:
        return ""
    cards = "\n".join(citation_html(c, answer.lang, c.source in removed) for c in answer.citations)
    asked = f'<p class="gfmd-asked">{escape(answer.question)}</p>' if show_question else ""
    return f"<h4>{_SOURCES.get(answer.lang, 'Sources')}</h4>\n{asked}{cards}"


def sources_panel(
    answer: Answer | None, turn: int, show_question: bool = False, removed: frozenset[str] = frozenset()
) -> str:
    """The sources panel of a finished answer; `data-turn` tells which answer of the chat it belongs to."""
    inner = sources_html(answer, show_question, removed) if answer is not None else ""
    inner = inner or no_sources_html(answer.lang if answer is not None else "en")
    return f'<div class="gfmd-sources-panel" data-turn="{turn}">{inner}</div>'


def no_sources_html(lang: str = "en") -> str:
    return f'<p class="gfmd-hint">{escape(_NO_SOURCES.get(lang, _NO_SOURCES["en"]))}</p>'


def page_html(title: str, source: str, page: int, pages: int, text: str | None, quote: str, paginated: bool) -> str:
    """The text of an opened page with the quoted span highlighted (or the quote alone when the page is gone)."""
    unit = "page" if paginated else "page segment"
    head = (
        f'<div class="gfmd-page-head"><strong>{escape(title)}</strong><br>'
        f"<small>{escape(source)} · {unit} {page} of {pages}</small></div>"
    )
    if text is not None:
        text = _SOFT_BREAK.sub(" ", text)  # lines wrapped by the file's layout, not paragraphs
    if text is None:
        missing = "<p><em>The file of this document is not available; the quoted passage:</em></p>"
        body = f"{missing}<mark>{escape(quote)}</mark>"
    else:
        marked = highlight(text, quote)
        body = marked if marked is not None else f"<p><mark>{escape(quote)}</mark></p><hr>{escape(text)}"
    return f'{head}<div class="gfmd-page-text">{body}</div>'
