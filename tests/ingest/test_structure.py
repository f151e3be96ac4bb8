from __future__ import annotations

import re
from pathlib import Path

from ingest.loaders import load_file
from ingest.structure import find_pdf_headings, split_text_pages
from tests.conftest import RUNNING_HEADER, Samples

SEED_SECTIONS = [
    "1. Propósito",
    "2. Requisitos para alianzas efectivas",
    "3. Recomendaciones",
    "4. Mecanismo de Financiamiento Concesional para la Migración – Propuesta para el Fomento de Alianzas",
    "5. Mirando hacia el futuro: preguntas para el debate",
]


def _seed_blocks(seed_path: Path):  # type: ignore[no-untyped-def]
    text = seed_path.read_text(encoding="utf-8")
    return split_text_pages(text)


def test_seed_has_nine_page_segments_not_paginated(seed_path: Path) -> None:
    blocks, pages, paginated = _seed_blocks(seed_path)
    assert pages == 9
    assert paginated is False
    assert sorted({b.page for b in blocks}) == list(range(1, 10))


def test_seed_footnotes_are_separate_blocks(seed_path: Path) -> None:
    blocks, _, _ = _seed_blocks(seed_path)
    notes = [b for b in blocks if b.kind == "footnote"]
    assert len(notes) == 17
    # Numbered 1..17 in order, each its own block starting with its number.
    assert [int(b.text.split(" ", 1)[0]) for b in notes] == list(range(1, 18))
    # Footnote text never leaks into body blocks: the first footnote's opening is only in the footnote.
    opening = "El Pacto Mundial para una Migración Segura, Ordenada y Regular en su objetivo"
    assert opening in notes[0].text
    assert not any(opening in b.text for b in blocks if b.kind == "body")
    # Each page segment ends with its footnotes: no body block follows a footnote on the same page.
    for page in range(1, 10):
        kinds = [b.kind for b in blocks if b.page == page]
        if "footnote" in kinds:
            assert kinds[kinds.index("footnote") :] == ["footnote"] * kinds.count("footnote"), page


def test_seed_sections(seed_path: Path) -> None:
    blocks, _, _ = _seed_blocks(seed_path)
    sections = list(dict.fromkeys(b.section for b in blocks if b.section))
    assert sections == SEED_SECTIONS
    # The introduction (before "1. Propósito") belongs to no section.
    assert blocks[0].section is None
    assert blocks[0].text.startswith("Este documento de referencia")


def test_seed_question_list_is_not_taken_for_sections(seed_path: Path) -> None:
    blocks, _, _ = _seed_blocks(seed_path)
    last = blocks[-1]
    assert last.section == SEED_SECTIONS[-1]
    assert "1. ¿Cómo poner recursos financieros" in last.text
    assert "2. ¿Cómo lograr que el Mecanismo" in last.text
    assert not any(b.section and "¿" in b.section for b in blocks)


def test_seed_text_is_kept_whole(seed_path: Path) -> None:
    """Structure recovery moves text into blocks; it never drops words."""
    text = seed_path.read_text(encoding="utf-8")
    blocks, _, _ = split_text_pages(text)
    assert sorted(text.split()) == sorted(" ".join(b.text for b in blocks).split())


def test_form_feeds_are_page_breaks(samples: Samples) -> None:
    text = samples.formfeed_txt.read_text(encoding="utf-8")
    blocks, pages, paginated = split_text_pages(text)
    assert (pages, paginated) == (3, True)
    by_page = {b.page: b for b in blocks}
    assert by_page[1].section is None
    assert by_page[2].section == "1. Labour mobility"
    # Numbered headings continue across pages: "2." after "1." on an earlier page starts a section.
    assert by_page[3].section == "2. Skills partnerships"
    assert by_page[3].text.startswith("2. Skills partnerships")


def test_heading_numbers_must_follow_in_order() -> None:
    lines = ["Intro line.", "", "2. Not a heading yet", "body", "", "1. First", "body one", ""]
    lines += ["3. Skipped number", "more", "", "2. Second", "body two"]
    text = "\n".join(lines)
    blocks, _, _ = split_text_pages(text)
    assert [b.section for b in blocks] == [None, "1. First", "2. Second"]


def test_pdf_running_headers_and_page_numbers_are_dropped() -> None:
    pages = [
        f"{RUNNING_HEADER}\n1. Background\nThe programme started in 2016.\n1",
        f"{RUNNING_HEADER}\nIt ended in 2022.\n2",
        f"{RUNNING_HEADER}\n2. Findings\nReturnees reported higher incomes.\nPage 3 of 4",
        f"{RUNNING_HEADER}\nEXECUTIVE NOTE\nMore text here.\n4 / 4",
    ]
    blocks = find_pdf_headings(pages)
    assert not any(RUNNING_HEADER in b.text for b in blocks)
    assert not any(re.search(r"^(Page )?\d( of \d| / \d)?$", line) for b in blocks for line in b.text.splitlines())
    assert [(b.page, b.section) for b in blocks] == [
        (1, "1. Background"),
        (2, "1. Background"),
        (3, "2. Findings"),
        (4, "EXECUTIVE NOTE"),
    ]


def test_a_date_line_is_not_a_numbered_heading() -> None:
    # The end of a UN resolution: the plenary meeting and the adoption date stay in the block before them.
    lines = ["2. Follow-up", "Member States are called upon to act. The Assembly remains seized of the matter."]
    page = "\n".join([*lines, "50th plenary meeting", "19 December 2023"])
    blocks = find_pdf_headings([page])
    assert len(blocks) == 1 and blocks[0].section == "2. Follow-up"
    assert blocks[0].text.endswith("50th plenary meeting\n19 December 2023")
    for date in ("3 Janvier 2025", "1 de mayo de 2020", "10 August 2024", "15 décembre"):
        assert find_pdf_headings([f"1. Background\nText.\n{date}"])[-1].section == "1. Background", date
    # A numbered heading that starts with a month-like word is still a heading.
    assert find_pdf_headings(["Intro text.\n3. Mayors and migration\nText."])[-1].section == "3. Mayors and migration"


# Lines as pypdf reads them from A/RES/80/185 (2025), page 7: numbered operative paragraphs, wrapped at the text width.
RESOLUTION_PAGE = [
    "1. Takes note of the report of the Secretary-General;23",
    "Women migrant workers lack the protection needed, and calls upon Governments to address their situation;",
    "2. Takes note with appreciation of the report of the Secretary-General on the",
    "implementation of the present resolution, and of the recommendations contained therein;",
    "3. Invites Member States to consider ratifying relevant International Labour",
    "Organization conventions, including the Migration for Employment Convention (Revised),",
    "1949 (No. 97), the Migrant Workers (Supplementary Provisions) Convention, 1975 (No. 143),",
    "the Private Employment Agencies Convention, 1997 (No. 181), and the Domestic Workers",
    "Convention, 2011 (No. 189), and to implement the obligations and commitments therein;",
    "4. Encourages Governments to seek to address the push and pull factors",
    "that drive irregular migration, in cooperation with countries of origin and destination;",
]


def test_numbered_paragraphs_that_run_on_are_not_headings() -> None:
    # A resolution's operative paragraph is one sentence over several lines: its first line is no section heading,
    # so the sentence is not cut in two at "International Labour" / "Organization conventions".
    blocks = find_pdf_headings(["\n".join(RESOLUTION_PAGE)])
    assert [b.section for b in blocks] == [None]
    assert "International Labour\nOrganization conventions" in blocks[0].text
    # In a document that numbers its paragraphs, a short numbered line that does not visibly run on is a paragraph's
    # first line too.
    short = "12. Encourages States to invest in achieving the Sustainable Development"
    page = "\n".join([*RESOLUTION_PAGE, short, "Goals, in particular those on decent work for all;"])
    assert {b.section for b in find_pdf_headings([page])} == {None}


def test_a_heading_wrapped_over_two_lines_is_one_heading() -> None:
    body = ["The body of the section runs over several lines of the page at the full text width here."] * 8
    wrapped = ["2. Implementation of pre-return case management in the JI", "programme", *body]
    assert find_pdf_headings(["\n".join(wrapped)])[0].section == (
        "2. Implementation of pre-return case management in the JI programme"
    )
    # A short numbered heading before an enumerated list ("a) ...") is a heading of its own.
    listed = ["7.2.2 Phase de collecte des données", "a) Opérationnalisation de la collecte", *body]
    assert find_pdf_headings(["\n".join(listed)])[0].section == "7.2.2 Phase de collecte des données"


def test_pdf_with_few_pages_keeps_repeated_lines() -> None:
    # Under four pages there is no telling a running header from a repeated sentence.
    pages = ["Repeated line here\nText one.", "Repeated line here\nText two."]
    blocks = find_pdf_headings(pages)
    assert all("Repeated line here" in b.text for b in blocks)


def test_generated_pdf_structure(samples: Samples) -> None:
    loaded = load_file(samples.running_header_pdf)
    assert loaded.pages == 5
    joined = "\n".join(b.text for b in loaded.blocks)
    assert RUNNING_HEADER not in joined
    assert "Page 1 of 5" not in joined
    assert [(b.page, b.section) for b in loaded.blocks] == [
        (1, "EXECUTIVE SUMMARY"),
        (2, "1. Background"),
        (3, "1. Background"),
        (4, "2. Findings"),
        (5, "3. Recommendations"),
    ]
