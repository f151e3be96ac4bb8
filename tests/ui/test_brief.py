"""The brief builder: pinning, reordering, editing, and the Markdown and Word exports."""

from __future__ import annotations

from pathlib import Path

from docx import Document as Docx

from tests.ui.conftest import citation, make_answer
from ui import brief
from ui.brief import BriefItem, Reference
from ui.brief_tab import export_files


def two_items() -> list[BriefItem]:
    first = BriefItem.from_answer(make_answer("How much did the pilot raise?"))
    shared = citation(1, "Partners agreed on five shared indicators.", page=2, chunk_id="chunk-2")
    other = citation(2, "Cities know the needs of migrants.", page=3, chunk_id="chunk-3")
    second_answer = make_answer(
        "What did partners agree?", answer=f"{shared.quote} [1] {other.quote} [2]", citations=[shared, other]
    )
    return [first, BriefItem.from_answer(second_answer)]


def test_item_keeps_the_answer_and_its_references() -> None:
    item = BriefItem.from_answer(make_answer())
    assert item.heading == "How much did the pilot raise?"
    assert item.text.endswith("[2]")
    assert item.citations[2] == Reference(
        "Migration Partnerships Brief", "partnerships-brief_2022_en.md", 2, "Partners agreed on five shared indicators."
    )


def test_a_follow_up_is_headed_by_its_standalone_form() -> None:
    answer = make_answer("And who would govern it?", query="And who would govern it? (KNOMAD)")
    assert BriefItem.from_answer(answer).heading == "And who would govern it? (KNOMAD)"


def test_a_refusal_cannot_be_pinned_and_the_reason_is_in_its_language() -> None:
    assert brief.why_not_pinnable(make_answer()) is None
    refusal = make_answer(
        "¿Quién lo gobierna?", answer="Los documentos no lo dicen.", refused=True, citations=[], lang="es"
    )
    assert brief.why_not_pinnable(refusal) == brief.NOT_PINNABLE["es"]
    assert "no cita ningún documento" in brief.NOT_PINNABLE["es"]
    assert brief.why_not_pinnable(make_answer(citations=[], lang="fr")) == brief.NOT_PINNABLE["fr"]


def test_markers_are_renumbered_across_items_and_shared_passages_share_a_number() -> None:
    texts, references = brief.numbered(two_items())
    assert texts[0].endswith("[1] Partners agreed on five shared indicators. [2]")
    # The second item's [1] is the first item's [2]; its [2] is new.
    assert texts[1] == "Partners agreed on five shared indicators. [2] Cities know the needs of migrants. [3]"
    assert [r.page for r in references] == [1, 2, 3]


def test_unknown_marker_typed_while_editing_is_left_alone() -> None:
    items = brief.edit(two_items(), 0, "Heading", "New text [1] and [9]")
    texts, _ = brief.numbered(items)
    assert texts[0] == "New text [1] and [9]"


def test_move_remove_and_edit_return_new_lists() -> None:
    items = two_items()
    moved = brief.move(items, 1, -1)
    assert [i.heading for i in moved] == ["What did partners agree?", "How much did the pilot raise?"]
    assert brief.move(items, 0, -1) == items  # nothing above the first
    assert [i.heading for i in brief.remove(items, 0)] == ["What did partners agree?"]
    edited = brief.edit(items, 1, "  New heading ", " New text [1] ")
    assert (edited[1].heading, edited[1].text) == ("New heading", "New text [1]")
    assert items[1].heading == "What did partners agree?"  # the original is untouched


def test_markdown_export_has_items_then_numbered_references() -> None:
    text = brief.to_markdown(two_items(), "Partnerships <brief>")
    assert text.startswith("# Partnerships &lt;brief&gt;\n")
    assert "## How much did the pilot raise?" in text
    assert text.index("## What did partners agree?") < text.index("## References")
    assert "1. Migration Partnerships Brief (partnerships-brief_2022_en.md), p. 1: “The pilot facility" in text
    assert "3. Migration Partnerships Brief (partnerships-brief_2022_en.md), p. 3: “Cities know" in text


def test_docx_export_reads_back(tmp_path: Path) -> None:
    path = brief.to_docx(two_items(), tmp_path / "b.docx", "My brief")
    doc = Docx(str(path))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[0] == "My brief"
    assert "How much did the pilot raise?" in paragraphs
    assert paragraphs[paragraphs.index("References") + 1].startswith("[1] Migration Partnerships Brief")
    assert paragraphs[-1] == (
        "[3] Migration Partnerships Brief (partnerships-brief_2022_en.md), p. 3: “Cities know the needs of migrants.”"
    )
    assert doc.core_properties.title == "My brief"


def test_export_files_writes_both_formats_with_a_safe_name(tmp_path: Path) -> None:
    markdown, docx = export_files(two_items(), "../Brief: june/2024", tmp_path)
    assert markdown.parent == tmp_path and docx.parent == tmp_path
    assert markdown.name == "Brief-june-2024.md" and docx.suffix == ".docx"
    assert markdown.read_text(encoding="utf-8").startswith("# ../Brief: june/2024")


def test_preview_is_escaped_and_numbered() -> None:
    items = brief.edit(two_items(), 0, "<script>x</script>", "Text <b>bold</b> [1]")
    html = brief.preview_html(items, "T")
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html
    assert 'href="#gfmd-ref-1"' in html and '<li id="gfmd-ref-1">' in html
    assert "empty" in brief.preview_html([]) and "Add to brief" in brief.preview_html([])
    assert brief.choices(items)[1] == ("2. What did partners agree?", 1)


def test_a_text_files_page_segment_is_exported_as_a_page_segment(tmp_path: Path) -> None:
    seed = citation(
        1, "Nigeria recaudó $330 millones.", title="FMMD 2020", source="fmmd-2020_es.txt", page=7, paginated=False
    )
    items = [BriefItem.from_answer(make_answer(answer=f"{seed.quote} [1]", citations=[seed]))]
    assert "1. FMMD 2020 (fmmd-2020_es.txt), page segment 7: “Nigeria recaudó" in brief.to_markdown(items)
    paragraphs = [p.text for p in Docx(str(brief.to_docx(items, tmp_path / "b.docx"))).paragraphs]
    assert paragraphs[-1].startswith("[1] FMMD 2020 (fmmd-2020_es.txt), page segment 7: ")
    assert "p. 7" not in brief.preview_html(items)
