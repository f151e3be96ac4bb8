"""Which document a question names (assistant/docmatch.py), over document records like the corpus's."""

from __future__ import annotations

from assistant.docmatch import document_scores, document_terms
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
