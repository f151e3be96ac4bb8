from __future__ import annotations

import re

from gfmd.records import Answer, AnswerSentence, Citation
from ui.render import answer_to_markdown, answer_to_text, citation_html, sources_html

EVIL = '<script>alert("x")</script>'


def _citation(n: int = 1, text: str = "", quote: str = "", **overrides: object) -> Citation:
    values: dict[str, object] = {
        "n": n,
        "chunk_id": f"c{n}",
        "doc_id": "d1",
        "title": "Report <i>2020</i>",
        "source": "report & annex.pdf",
        "page": 4,
        "section": "2. Findings",
        "lang": "en",
        "quote": quote or "In 2019 there were 272 million international migrants.",
        "text": text or "Intro sentence. In 2019 there were 272 million international migrants. Outro.",
        "score": 0.91,
    }
    values.update(overrides)
    return Citation(**values)  # type: ignore[arg-type]


def _answer(text: str, citations: list[Citation], refused: bool = False, notice: str = "", lang: str = "en") -> Answer:
    return Answer(
        question="q",
        answer=text,
        refused=refused,
        mode="extractive",
        lang=lang,
        citations=citations,
        sentences=[AnswerSentence(text=c.quote, citations=[c.n]) for c in citations],
        notice=notice,
    )


def test_citation_html_escapes_document_text() -> None:
    quote = f"The passage says {EVIL} here."
    card = citation_html(_citation(text=f"Before. {quote} After <img src=x onerror=alert(1)>.", quote=quote))
    assert "<script>" not in card and "<img" not in card and "<i>" not in card
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in card
    assert "report &amp; annex.pdf" in card
    assert "Report &lt;i&gt;2020&lt;/i&gt;" in card


def test_citation_html_highlights_the_quote() -> None:
    card = citation_html(_citation())
    assert "<mark>In 2019 there were 272 million international migrants.</mark>" in card
    assert 'id="gfmd-source-1"' in card
    assert "p. 4" in card and "2. Findings" in card
    assert "Intro sentence." in card and "Outro." in card


def test_quote_is_highlighted_despite_whitespace_differences() -> None:
    text = "Intro. In 2019 there were\n272 million   international migrants. Outro."
    card = citation_html(_citation(text=text))
    assert "<mark>" in card
    marked = re.search(r"<mark>(.*?)</mark>", card, re.S)
    assert (
        marked is not None
        and " ".join(marked.group(1).split()) == "In 2019 there were 272 million international migrants."
    )


def test_quote_not_in_text_is_shown_alone_and_escaped() -> None:
    card = citation_html(_citation(text="Something else entirely.", quote=EVIL))
    assert "<mark>&lt;script&gt;" in card
    assert "<script>" not in card


def test_answer_markdown_links_markers_and_escapes() -> None:
    answer = _answer(f"Migrants {EVIL} were 272 million [1]. Remittances grew [2].", [_citation(1), _citation(2)])
    body = answer_to_markdown(answer)
    assert "<script>" not in body
    assert re.search(r'<a href="#gfmd-source-1"[^>]*>\[1\]</a>', body)
    assert re.search(r'<a href="#gfmd-source-2"[^>]*>\[2\]</a>', body)


def test_answer_markdown_does_not_turn_document_markdown_into_links() -> None:
    answer = _answer("See [the annex](http://evil.example) and **this** [1].", [_citation(1)])
    body = answer_to_markdown(answer)
    assert "](http://evil.example)" not in body
    assert "**this**" not in body
    assert 'href="#gfmd-source-1"' in body
    assert 'href="http' not in body


def test_notice_is_shown_for_answers_not_refusals() -> None:
    answered = answer_to_markdown(_answer("A [1].", [_citation()], notice="Quoted <verbatim>."))
    assert "Quoted &lt;verbatim&gt;." in answered
    refused = answer_to_markdown(_answer("The documents don't say.", [], refused=True, notice="score below 0.84"))
    assert "0.84" not in refused


def test_sources_html() -> None:
    assert sources_html(_answer("No.", [], refused=True)) == ""
    html = sources_html(_answer("Sí [1] [2].", [_citation(1), _citation(2)], lang="es"))
    assert html.startswith("<h4>Fuentes</h4>")
    assert html.count('class="gfmd-source"') == 2


def test_answer_to_text() -> None:
    text = answer_to_text(_answer("They were 272 million [1].", [_citation()], notice="Quoted verbatim."))
    lines = text.splitlines()
    assert lines[0] == "They were 272 million [1]."
    assert "(Quoted verbatim.)" in lines
    assert "[1] Report <i>2020</i> — report & annex.pdf, p. 4" in lines  # a terminal shows text as it is
    assert '    "In 2019 there were 272 million international migrants."' in lines


def test_a_clean_quote_is_highlighted_over_the_footnote_markers_it_left_out() -> None:
    # The seed paper as written, and its quote without the marker 13.
    text = "Los fondos se gastan de manera fragmentada y descoordinada.13 Por un lado, los recursos deben canalizarse."
    quote = "de manera fragmentada y descoordinada. Por un lado, los recursos deben canalizarse."
    card = citation_html(_citation(text=text, quote=quote))
    marked = re.search(r"<mark>(.*?)</mark>", card, re.S)
    assert marked is not None and marked.group(1).startswith("de manera fragmentada y descoordinada.13 Por")


def test_a_text_files_page_segment_is_not_called_a_page() -> None:
    segment = _citation(paginated=False)
    assert "page segment 4" in citation_html(segment) and "p. 4" not in citation_html(segment)
    assert "segmento de página 4" in citation_html(segment, "es")
    assert "p. 4" in citation_html(_citation())
    answer = Answer(
        question="q", answer="a [1]", refused=False, mode="extractive", lang="en", citations=[segment]
    )  # fmt: skip
    assert ", page segment 4" in answer_to_text(answer)
