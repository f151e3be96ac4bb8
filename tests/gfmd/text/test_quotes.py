"""Clean quotes: footnote markers, a footnote's number and run-in headings leave a quote; figures never do; a
clean quote is still found in its page, an altered one is not. Examples from the seed paper (a text file) and
the public PDFs, read by the loader as the index and the evaluation read them."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pytest

from gfmd.text.normalize import normalize_ws
from gfmd.text.quotes import (
    clean_quote,
    find_quote,
    footnote_number,
    marker_numbers,
    quoted_in,
    strip_markers,
    without_footnote_number,
    without_heading,
)
from gfmd.text.sentences import split_sentences
from ingest.loaders import LoadedFile, load_file

HORN = "IOM_2023_EU-IOM-JI-HornOfAfrica_Final-Evaluation-Report_en.pdf"
RESOLUTION = "UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf"


@lru_cache(maxsize=4)
def _load(path: Path) -> LoadedFile:
    return load_file(path)


def _page(path: Path, page: int) -> str:
    return _load(path).page_text(page)


def _pdf_page(path: Path, page: int) -> str:
    """One page of a PDF as pypdf reads it (what the loader reads; the whole report would take long to load)."""
    from pypdf import PdfReader

    return PdfReader(path, strict=False).pages[page - 1].extract_text()


def _sentence(text: str, start: str) -> str:
    """The sentence of `text` that starts with `start` (as the answerer splits it)."""
    return next(s for s in split_sentences(normalize_ws(text)) if s.startswith(start))


@pytest.mark.parametrize(
    ("written", "clean"),
    [
        # The seed paper: markers after a full stop, after a bracket, after a year.
        ("equitativa y voluntaria.14 La concepción", "equitativa y voluntaria. La concepción"),
        ("fragmentada y descoordinada.13 Por un lado", "fragmentada y descoordinada. Por un lado"),
        ("€4.2 mil millones ).15 Y el Mecanismo", "€4.2 mil millones ). Y el Mecanismo"),
        ("por el Banco Mundial en junio de 2020.17", "por el Banco Mundial en junio de 2020."),
        # The public PDFs: markers glued to a word, after a comma, a bracket.
        ("Convention on the Rights7 and", "Convention on the Rights and"),
        ("Punishment,9 the Convention", "Punishment, the Convention"),
        ("in the Horn of Africa (JI-HOA)6 commenced", "in the Horn of Africa (JI-HOA) commenced"),
        ("migration more than doubled.10", "migration more than doubled."),
    ],
)
def test_a_footnote_marker_leaves_the_quote(written: str, clean: str) -> None:
    assert strip_markers(written) == clean


@pytest.mark.parametrize(
    "figure",
    [
        "En 2019, el número de migrantes internacionales giraba en torno a los 272 millones",
        "in 2019, 272 million",
        "aproximadamente el 3.5 por ciento de la población mundial",
        "between 2010 and 2019, from 17.2 million to 26.3 million",
        "la actual crisis de la COVID19 ha dejado",  # an acronym's number
        "la ventanilla de refugiados bajo IDA18 e IDA19 (de la Asociación",
        "(indicador 10.c.1 de los ODS)",
        "Mid Term Review of EU-IOM Joint Initiative, p.14 and annex",  # a page reference
        "In the IGAD9 region",  # a marker glued to an acronym cannot be told from its number: kept
        "covering 5 km2 of land",
        "resolution A/RES/78/217 ",
    ],
)
def test_a_figure_is_never_a_marker(figure: str) -> None:
    assert strip_markers(figure) == figure


def test_a_footnote_number_leaves_the_quote_only_when_the_document_shows_it_as_a_marker(seed_path: Path) -> None:
    page = _page(seed_path, 7)
    body = page.split("\n11 Las alianzas")[0]
    assert {13, 14} <= marker_numbers(body)
    note = _sentence(page, "14 El mecanismo")
    assert footnote_number(note) == 14
    assert without_footnote_number(note, marker_numbers(body)).startswith("El mecanismo de financiación en este")
    # The same number at the start of a sentence with no such footnote is a figure, and stays.
    assert without_footnote_number("14 Estados miembros firmaron el acuerdo.", {13, 15}).startswith("14 Estados")
    assert without_footnote_number("52 interviews were carried out.", {52}).startswith("52 interviews")


def test_a_clean_seed_quote_is_still_found_in_its_page(seed_path: Path) -> None:
    page = _page(seed_path, 7)
    written = _sentence(page, "Por un lado")
    span = (
        "Los fondos no son necesariamente escasos, pero sí que se gastan actualmente de manera fragmentada y "
        "descoordinada.13 Por un lado, los recursos deben canalizarse de manera más eficiente y coherente."
    )
    assert span in normalize_ws(page) and written in span
    clean = clean_quote(span)
    assert "descoordinada. Por un lado" in clean and "13" not in clean
    assert quoted_in(clean, page)
    assert quoted_in(span, page)  # as written, too
    assert find_quote(clean, page) is not None


@pytest.mark.parametrize(
    "altered",
    [
        "de manera fragmentada y coordinada. Por un lado",  # a word changed
        "de manera fragmentada y descoordinada.15 Por un lado",  # another footnote's number
        "de manera fragmentada y descoordinada. Por otro lado",
    ],
)
def test_an_altered_quote_is_still_rejected(seed_path: Path, altered: str) -> None:
    assert not quoted_in(altered, _page(seed_path, 7))


def test_an_altered_figure_is_still_rejected(seed_path: Path) -> None:
    page = _page(seed_path, 1)
    assert quoted_in("giraba en torno a los 272 millones", page)
    assert not quoted_in("giraba en torno a los 27 millones", page)
    assert not quoted_in("giraba en torno a los 72 millones", page)
    assert not quoted_in("aproximadamente el 3 por ciento", page)


def test_pdf_markers_leave_a_quote_that_is_still_on_its_page(public_dir: Path) -> None:
    page = _pdf_page(public_dir / HORN, 18)
    written = _sentence(page, "The EU-IOM Joint Initiative in the Horn of Africa")
    clean = clean_quote(written)
    assert "(JI-HOA)6" in written and "(JI-HOA) commenced" in clean
    assert quoted_in(clean, page) and not quoted_in(clean.replace("March 2017", "March 2018"), page)


def test_a_pdf_footnotes_number_leaves_a_quote_when_its_page_shows_its_marker(public_dir: Path) -> None:
    page = normalize_ws(_pdf_page(public_dir / HORN, 21))
    assert "include12:" in page and 12 in marker_numbers(page)
    note = _sentence(page, "12 The sixth pillar")
    assert without_footnote_number(note, marker_numbers(page)).startswith("The sixth pillar of the EU-IOM")
    # A figure opening a sentence on that page is no footnote of it.
    assert without_footnote_number("20 IOM staff were interviewed.", marker_numbers(page)).startswith("20 IOM")


def test_pdf_markers_glued_to_words_of_a_resolution(public_dir: Path) -> None:
    page = normalize_ws(_pdf_page(public_dir / RESOLUTION, 2))
    assert "Rights7 and" in page
    clean = strip_markers(page)
    assert "Rights7" not in clean and "Rights and" in clean
    assert quoted_in("the International Covenant on Civil and Political Rights and", page)


@pytest.mark.parametrize(
    ("sentence", "headings", "clean"),
    [
        # A known heading, with or without its number (the splitter cut "2.1." off).
        (
            "Context and design of the JI-HoA According to data from the migration database of the African Union.",
            ["2.1. Context and design of the JI-HoA"],
            "According to data from the migration database of the African Union.",
        ),
        # Headings the structure did not know: a short heading-like phrase before a sentence's first word.
        (
            "Requisitos para alianzas efectivas Las complejidades multidimensionales vinculadas a la migración.",
            [],
            "Las complejidades multidimensionales vinculadas a la migración.",
        ),
        (
            "A.1 Accountability to Affected Populations in IOM Ethiopia Background The consultation in Ethiopia, "
            "conducted in February and March 2024, involved KIIs.",
            [],
            "The consultation in Ethiopia, conducted in February and March 2024, involved KIIs.",
        ),
        (
            "Executive summary This report presents the findings of the meta-evaluation.",
            [],
            "This report presents the findings of the meta-evaluation.",
        ),
    ],
)
def test_a_heading_run_into_a_sentence_leaves_it(sentence: str, headings: list[str], clean: str) -> None:
    assert without_heading(sentence, headings) == clean


@pytest.mark.parametrize(
    "sentence",
    [
        "On September 25, 2024, Secretary of State Antony Blinken hosted the fourth Los Angeles Declaration "
        "Ministerial meeting.",
        "In 2019 The Hague hosted the conference on migration and development.",  # a date is not a heading
        "Private sector engagement is growing in the partnerships of the region.",
        "La efectividad de toda alianza depende fundamentalmente de la confianza.",
    ],
)
def test_a_sentence_without_a_heading_is_kept_whole(sentence: str) -> None:
    assert without_heading(sentence) == sentence


def test_the_seed_papers_heading_leaves_its_first_sentence(seed_path: Path) -> None:
    loaded = _load(seed_path)
    block = next(b for b in loaded.blocks if "Requisitos para alianzas efectivas" in b.text)
    sentence = _sentence(block.text[block.text.index("Requisitos para alianzas efectivas") :], "Requisitos")
    clean = clean_quote(sentence)
    assert clean.startswith("Las complejidades") and quoted_in(clean, loaded.page_text(block.page))


def test_a_known_heading_leaves_only_a_sentence_after_it() -> None:
    # A sentence that is its heading (the Global Compact's objective titles) stays whole.
    title = "Title: Minimize the adverse drivers and structural factors that compel people to leave their country"
    assert without_heading(title, [title]) == title
    # A heading the structure cut short after a function word is no heading.
    question = "To what extent was the JI’s response to COVID-19 effective and timely in the region."
    assert without_heading(question, ["To what extent was the"]) == question
