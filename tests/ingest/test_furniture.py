"""Document furniture: the masthead, symbol and distribution lines of UN documents, kept apart from their text."""

from __future__ import annotations

from ingest.furniture import furniture_indexes, is_furniture_line
from ingest.structure import find_pdf_headings

# The first page of A/RES/78/217 as pypdf reads it (blank lines as in the file).
RESOLUTION_PAGE_1 = """United Nations A/RES/78/217

General Assembly

Distr.: General
22 December 2023


23-25999 (E) 100124
*2325999*
Seventy-eighth session
Agenda item 71 (b)
Promotion and protection of human rights: human
rights questions, including alternative approaches for
improving the effective enjoyment of human rights and
fundamental freedoms

Resolution adopted by the General Assembly
on 19 December 2023
[on the report of the Third Committee (A/78/481/Add.2, para. 139)]
78/217. Protection of migrants
The General Assembly,
Recalling all its previous resolutions on the protection of migrants, the most
recent of which is resolution 76/172 of 16 December 2021,"""


def test_a_resolution_masthead_is_furniture_and_its_adoption_line_is_not() -> None:
    blocks = find_pdf_headings([RESOLUTION_PAGE_1])
    furniture = [b for b in blocks if b.kind == "furniture"]
    body = "\n".join(b.text for b in blocks if b.kind == "body")
    assert len(furniture) == 1
    for line in (
        "United Nations A/RES/78/217",
        "Distr.: General",
        "22 December 2023",
        "Seventy-eighth session",
        "Agenda item 71 (b)",
        "fundamental freedoms",
        "*2325999*",
    ):
        assert line in furniture[0].text and line not in body, line
    # The adoption line dates the resolution: it stays in the text that answers.
    assert body.startswith("Resolution adopted by the General Assembly\non 19 December 2023\n[on the report")
    assert "78/217. Protection of migrants" in furniture[0].text and "Protection of migrants" not in body


def test_masthead_lines_in_french_and_spanish() -> None:
    for line in (
        "Nations Unies A/RES/79/1",
        "Assemblée générale",
        "Distr. générale",
        "Soixante-dix-neuvième session",
        "Point 71 b) de l'ordre du jour",
        "Naciones Unidas A/RES/78/185",
        "Asamblea General",
        "Septuagésimo octavo período de sesiones",
        "Tema 71 b) del programa",
        "E/CN.6/2024/3",
    ):
        assert is_furniture_line(line), line


def test_sentences_and_body_lines_are_not_furniture() -> None:
    for line in (
        "Welcomes the first session",
        "Points 3 and 4 were discussed at length",
        "The General Assembly,",
        "Resolution adopted by the General Assembly",
        "N/A",
        "50th plenary meeting",
        "19 December 2023",
        "In 2019 there were 272 million migrants",
    ):
        assert not is_furniture_line(line), line
    # A date is furniture only under the distribution line.
    assert furniture_indexes(["50th plenary meeting", "19 December 2023"]) == set()


def test_an_agenda_title_without_an_adoption_line_after_it_stays_text() -> None:
    lines = ["Agenda item 60", "Report of the High Commissioner", "The Office protects refugees."]
    assert furniture_indexes(lines) == {0}


def test_job_number_running_headers_are_dropped_though_their_page_numbers_differ() -> None:
    pages = [
        f"23-25999 {n}/6\nParagraph {n} of the resolution text."
        if n % 2 == 0
        else f"{n}/6 23-25999\nParagraph {n} of the resolution text."
        for n in range(1, 7)
    ]
    blocks = find_pdf_headings(pages)
    assert all("23-25999" not in b.text for b in blocks)
    assert [b.text for b in blocks][:2] == [f"Paragraph {n} of the resolution text." for n in (1, 2)]


def test_a_table_row_repeated_mid_page_is_kept() -> None:
    # Rows that differ only by their figures look like a running header with its page number, but mid-page.
    regions = "ABCDEF"
    pages = [
        f"Region {r}\nReturns rose in {r}.\nSee table {r}.\nIncomes rose in {r}.\nTotal {n}0 {n}4\n"
        f"Jobs rose in {r}.\nLoans fell in {r}.\nEnd of {r}."
        for n, r in enumerate(regions, start=1)
    ]
    blocks = find_pdf_headings(pages)
    assert len(blocks) == len(regions)
    assert all(f"Total {n}0 {n}4" in b.text for n, b in enumerate(blocks, start=1))
