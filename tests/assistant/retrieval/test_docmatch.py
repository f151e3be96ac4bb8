"""Which document a question names (assistant/retrieval/docmatch.py), over document records like the corpus's."""

from __future__ import annotations

import pytest

from assistant.retrieval.docmatch import (
    DocumentReference,
    document_reference,
    document_scores,
    document_terms,
    referenced_sources,
    symbols_of,
)
from gfmd.records import Document


def _doc(source: str, title: str, lang: str = "en") -> Document:
    return Document(doc_id=f"id-{source}", source=source, title=title, lang=lang, kind="pdf", pages=1, paginated=True)


DOCS = {
    d.doc_id: d
    for d in [
        _doc("IOM_2019_Reintegration-Handbook_Module4-1-Stakeholder-engagement_en.md", "Module 4.1 Stakeholders"),
        _doc("IOM_2019_Reintegration-Handbook_Module4-2-International-cooperation_en.md", "Module 4.2 Cooperation"),
        _doc("UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf", "Protection of migrants"),
        _doc("UNGA_A-RES-80-218_2025_Protection-of-migrants_en.pdf", "Protection of migrants"),
        _doc("GCM_A-RES-73-195_2018_23-Objectives-and-Actions_extract_en.md", "GCM objectives"),
        _doc("fmmd-2020-tema6-alianzas-documento-de-referencia_es.txt", "Documento de referencia", lang="es"),
    ]
}


def _best(question: str) -> list[str]:
    scores = document_scores(question, DOCS)
    top = max(scores.values())
    return sorted(DOCS[d].source for d, s in scores.items() if s == top and s > 0)


def test_a_module_number_in_another_language_names_its_file() -> None:
    assert _best("Según el Manual de reintegración de la OIM (módulo 4.1), ¿cómo se formalizan las alianzas?") == [
        "IOM_2019_Reintegration-Handbook_Module4-1-Stakeholder-engagement_en.md"
    ]


def test_a_resolution_number_names_its_file() -> None:
    assert _best("On what date was resolution 78/217 on the protection of migrants adopted?") == [
        "UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf"
    ]


def test_an_acronym_spelled_out_in_the_question_names_its_file() -> None:
    best = _best("¿Qué pide el objetivo 1 del Pacto Mundial para una Migración Segura, Ordenada y Regular?")
    assert best == ["GCM_A-RES-73-195_2018_23-Objectives-and-Actions_extract_en.md"]


def test_a_question_naming_no_document_scores_none() -> None:
    scores = document_scores("How do cities welcome newcomers?", DOCS)
    assert set(scores) == set(DOCS) and max(scores.values()) == 0.0
    assert document_scores("anything", {}) == {}


def test_document_terms_read_the_file_name_and_title() -> None:
    terms = document_terms(next(iter(DOCS.values())))
    assert {"4.1", "2019", "iom"} <= terms and ("handbook" in terms or "handbook" in {t[:8] for t in terms})


def _dated(source: str, title: str, year: int) -> Document:
    return _doc(source, title).model_copy(update={"year": year})


RESOLUTIONS = {
    d.source: d
    for d in [
        _dated("UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf", "Protection of migrants", 2023),
        _dated("UNGA_A-RES-80-218_2025_Protection-of-migrants_en.pdf", "Protection of migrants", 2025),
        _dated("UNGA_A-RES-79-156_2024_Office-of-the-UNHCR_en.pdf", "Office of the UNHCR", 2024),
        _dated("UNGA_A-RES-80-187_2025_Office-of-the-UNHCR_en.pdf", "Office of the UNHCR", 2025),
        _dated("IOM_2024_Accountability-to-Affected-Populations_Evaluation-Report_en.pdf", "AAP evaluation", 2024),
    ]
}


@pytest.mark.parametrize(
    ("question", "symbols", "year"),
    [
        ("What does resolution 78/217 call upon States to do?", ("78/217",), None),
        ("Which report does A/RES/79/156 endorse?", ("79/156",), None),
        ("Que demande la résolution 80/187 au Haut-Commissaire ?", ("80/187",), None),
        ("¿Qué pide la resolución 78/185 a los Estados?", ("78/185",), None),
        ("How do resolutions 78/217 and A/RES/80/218 differ on detention?", ("78/217", "80/218"), None),
        ("What did the 2024 resolution say about pledges?", (), 2024),
        ("In its 2025 resolution on the UNHCR, what did the Assembly welcome?", (), 2025),
        ("Selon la résolution de 2023, que doivent faire les États ?", (), 2023),
        ("What does the resolution on the protection of migrants adopted in December 2022 ask of States?", (), 2022),
        ("Que demande la résolution sur les travailleuses migrantes adoptée le 15 décembre 2021 ?", (), 2021),
        ("¿Qué pide la resolución sobre la trata de personas aprobada en diciembre de 2020?", (), 2020),
        ("What did the 2025 General Assembly resolution on the Global Compact decide?", (), 2025),
        ("¿Qué pide la resolución de la Asamblea General de 2023 sobre los migrantes?", (), 2023),
        ("Que demande la résolution de l'Assemblée générale de 2025 sur les réfugiés ?", (), 2025),
    ],
)
def test_a_question_names_a_resolution_by_symbol_or_year(question: str, symbols: tuple[str, ...], year: int) -> None:
    assert document_reference(question) == DocumentReference(symbols, year)


def test_a_question_that_names_no_resolution_has_no_reference() -> None:
    assert document_reference("How many migrants were there in 2019 according to the 2020 paper?") is None
    assert document_reference("What does objective 22 of the Global Compact say about 3/4 of pensions?") is None
    # A year in the same sentence that dates something else than the resolution's adoption names nothing.
    assert document_reference("How many migrants does the resolution say arrived in 2022?") is None


def test_the_named_resolution_is_the_indexed_document_that_carries_its_symbol_or_year() -> None:
    by_symbol = referenced_sources(DocumentReference(("80/218",)), RESOLUTIONS)
    assert by_symbol == ("UNGA_A-RES-80-218_2025_Protection-of-migrants_en.pdf",)
    # A year names the resolutions of that year, not every document of it.
    assert referenced_sources(DocumentReference((), 2024), RESOLUTIONS) == (
        "UNGA_A-RES-79-156_2024_Office-of-the-UNHCR_en.pdf",
    )
    assert len(referenced_sources(DocumentReference((), 2025), RESOLUTIONS)) == 2
    # No indexed document is resolution 76/172: nothing is named, and the answerer refuses (test_extractive).
    assert referenced_sources(DocumentReference(("76/172",)), RESOLUTIONS) == ()
    assert symbols_of("GCM_A-RES-73-195_2018_23-Objectives-and-Actions_extract_en.md", "GCM") == {"73/195"}


# Real titles of the public corpus's resolutions (../shared/corpus/public).
SUBJECTS = {
    d.source: d
    for d in [
        _dated("UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf", "78/217. Protection of migrants", 2023),
        _dated("UNGA_A-RES-80-218_2025_Protection-of-migrants_en.pdf", "80/218. Protection of migrants", 2025),
        _dated(
            "UNGA_A-RES-80-185_2025_Violence-against-women-migrant-workers_en.pdf",
            "80/185. Violence against women migrant workers",
            2025,
        ),
    ]
}


@pytest.mark.parametrize(
    ("question", "named"),
    [
        # The year's resolution is on the subject asked about.
        ("What does the 2023 resolution on the protection of migrants say about detention?", ["78-217"]),
        ("¿Qué pide la resolución de 2023 sobre la protección de los migrantes?", ["78-217"]),
        ("Que demande la résolution de 2025 sur la violence à l'égard des travailleuses migrantes ?", ["80-185"]),
        # No subject given ("say about" is what is asked of it): every resolution of the year may be the one.
        ("What did the 2023 resolution say about women migrant workers?", ["78-217"]),
        ("What did the 2025 resolution say about remittances?", ["80-185", "80-218"]),
        ("¿Qué pide la resolución de la Asamblea General de 2023 sobre la protección de los migrantes?", ["78-217"]),
        # The subject is another year's resolution's: the one named is not indexed.
        ("What did the 2023 resolution on violence against women migrant workers request?", []),
        ("¿Qué pide la resolución sobre la violencia contra las trabajadoras migrantes aprobada en 2023?", []),
        ("What did the 2025 General Assembly resolution on violence against women migrant workers ask?", ["80-185"]),
    ],
)
def test_a_resolution_named_by_year_and_subject_must_have_both(question: str, named: list[str]) -> None:
    reference = document_reference(question)
    assert reference is not None and reference.year is not None
    found = referenced_sources(reference, SUBJECTS, question)
    assert sorted(source.split("_")[1][6:] for source in found) == named
