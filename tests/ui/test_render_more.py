"""Rendering for the web chat: escaping of document text (HTML and Markdown), marker links, highlights."""

from __future__ import annotations

import re

from tests.ui.conftest import citation, make_answer
from ui.render import (
    answer_to_markdown,
    citation_html,
    escape_markdown,
    highlight,
    marker_link,
    no_sources_html,
    page_html,
    sources_html,
    sources_panel,
    text_to_markdown,
)

SCRIPT = '<script>alert("x")</script> <img src=x onerror="alert(1)">'


def tags(html: str) -> set[str]:
    return {t.lower() for t in re.findall(r"<\s*([a-zA-Z]+)", html)}


def test_script_in_answer_text_is_escaped() -> None:
    answer = make_answer(answer=f"{SCRIPT} was found [1]")
    html = answer_to_markdown(answer)
    assert "&lt;script&gt;" in html
    assert tags(html) <= {"sup", "a", "em"}


def test_script_in_passage_title_and_quote_is_escaped() -> None:
    c = citation(1, quote=SCRIPT, title=f"Title {SCRIPT}", section=SCRIPT, source="a<b>.txt")
    html = citation_html(c)
    assert "<script" not in html and "<img" not in html
    assert tags(html) <= {"div", "strong", "small", "blockquote", "mark", "button"}
    assert html.count("&lt;script&gt;") == 3  # title, section and the highlighted quote


def test_markdown_syntax_in_documents_does_not_format_or_link() -> None:
    text = "**bold** _it_ [click](javascript:alert(1)) `code` ~~gone~~ | a | b |"
    out = escape_markdown(text)
    for raw in ("**", "_it_", "[click]", "`", "~~", "|"):
        assert raw not in out
    assert escape_markdown("# not a heading").startswith("&#35;")
    assert escape_markdown("- not a list").startswith("&#45;")
    assert escape_markdown("2019. not a list").startswith("&#50;")


def test_markers_become_links_to_their_answers_sources() -> None:
    assert text_to_markdown("A [1] b [2]") == f"A {marker_link(1)} b {marker_link(2)}"
    assert 'href="#gfmd-source-3-2"' in text_to_markdown("x [2]", turn=3)
    assert 'href="#gfmd-source-2"' in answer_to_markdown(make_answer())


def test_notice_is_shown_escaped_but_not_on_refusals() -> None:
    answer = make_answer(notice="Quoted from <b>Spanish</b> sources")
    assert "<em>Quoted from &lt;b&gt;Spanish&lt;/b&gt; sources</em>" in answer_to_markdown(answer)
    refused = make_answer(refused=True, answer="No answer.", citations=[], notice="weak evidence")
    assert "weak evidence" not in answer_to_markdown(refused)


def test_highlight_tolerates_whitespace_and_escapes_both_sides() -> None:
    text = "Before <b>.\nThe pilot   facility\nraised 60 million. After & more."
    out = highlight(text, "The pilot facility raised 60 million.")
    assert out is not None
    assert "<mark>The pilot   facility\nraised 60 million.</mark>" in out
    assert out.startswith("Before &lt;b&gt;") and out.endswith("After &amp; more.")
    assert highlight(text, "not in the text") is None
    assert highlight(text, "   ") is None


def test_sources_panel_lists_every_citation_with_an_open_button() -> None:
    answer = make_answer()
    html = sources_html(answer)
    assert html.count('class="gfmd-source"') == 2
    assert 'data-cite="1"' in html and 'data-cite="2"' in html
    assert "Open page 2" in html
    assert sources_html(make_answer(citations=[])) == ""
    assert "<p" in no_sources_html("es") and "Fuentes" in sources_html(make_answer(lang="es"))


def test_sources_panel_can_name_the_question() -> None:
    html = sources_html(make_answer(question="Why <this>?"), show_question=True)
    assert "Why &lt;this&gt;?" in html


def test_a_removed_documents_card_says_so_and_cannot_be_opened() -> None:
    answer = make_answer(citations=[citation(1), citation(2, source="gone_2020_en.pdf", page=4)], lang="es")
    html = sources_panel(answer, 3, removed=frozenset({"gone_2020_en.pdf"}))
    first, second = html.split('class="gfmd-source"')[1:]
    assert "Abrir página 1" in first and "Retirado de la biblioteca" not in first
    assert "Retirado de la biblioteca" in second and "gfmd-open" not in second


def test_open_button_is_translated() -> None:
    assert "Abrir página 1" in citation_html(citation(), "es")
    assert "Ouvrir la page 1" in citation_html(citation(), "fr")


def test_page_view_highlights_the_quote_in_the_page() -> None:
    html = page_html("T <i>", "t.txt", 2, 5, "One. The quote here. Two <x>.", "The quote here.", True)
    assert "T &lt;i&gt;" in html and "page 2 of 5" in html
    assert "<mark>The quote here.</mark>" in html and "Two &lt;x&gt;." in html


def test_page_view_without_the_quote_or_the_file() -> None:
    html = page_html("T", "t.txt", 1, 1, "Other text <b>", "Missing quote", False)
    assert "page segment 1 of 1" in html
    assert "<mark>Missing quote</mark>" in html and "Other text &lt;b&gt;" in html
    gone = page_html("T", "t.txt", 1, 1, None, "<q>", True)
    assert "not available" in gone and "&lt;q&gt;" in gone
