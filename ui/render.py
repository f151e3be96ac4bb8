"""Render an `Answer` for a terminal or for the web chat. Document text is always escaped."""

from __future__ import annotations

import html
import re

from gfmd.records import Answer, Citation

_PAGE_LABEL = {"en": "p.", "es": "p.", "fr": "p."}
_SOURCES = {"en": "Sources", "es": "Fuentes", "fr": "Sources"}


def answer_to_text(answer: Answer) -> str:
    lines = [answer.answer]
    if answer.notice and not answer.refused:
        lines.append(f"({answer.notice})")
    if answer.citations:
        lines.append("")
        for c in answer.citations:
            lines.append(f"[{c.n}] {c.title} — {c.source}, p. {c.page}")
            lines.append(f'    "{c.quote}"')
    return "\n".join(lines)


def escape(text: str) -> str:
    return html.escape(text, quote=True)


def answer_to_markdown(answer: Answer) -> str:
    """The chat bubble: escaped answer text, [n] markers as superscript anchors, and the notice."""
    body = escape(answer.answer)
    body = re.sub(r"\[(\d+)\]", r'<sup><a href="#gfmd-source-\1">[\1]</a></sup>', body)
    if answer.notice and not answer.refused:
        body += f"\n\n<em>{escape(answer.notice)}</em>"
    return body


def citation_html(c: Citation, lang: str = "en") -> str:
    """One source card: title, page, and the passage with the quoted span highlighted."""
    text = c.text
    start = text.find(c.quote)
    if start >= 0:
        passage = escape(text[:start]) + f"<mark>{escape(c.quote)}</mark>" + escape(text[start + len(c.quote) :])
    else:
        passage = f"<mark>{escape(c.quote)}</mark>"
    section = f" · {escape(c.section)}" if c.section else ""
    return (
        f'<div class="gfmd-source" id="gfmd-source-{c.n}">'
        f"<div><strong>[{c.n}] {escape(c.title)}</strong></div>"
        f"<div><small>{escape(c.source)} · {_PAGE_LABEL.get(lang, 'p.')} {c.page}{section}</small></div>"
        f"<blockquote>{passage}</blockquote></div>"
    )


def sources_html(answer: Answer) -> str:
    if not answer.citations:
        return ""
    cards = "\n".join(citation_html(c, answer.lang) for c in answer.citations)
    return f"<h4>{_SOURCES.get(answer.lang, 'Sources')}</h4>\n{cards}"
