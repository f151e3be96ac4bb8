from __future__ import annotations

import pytest

from gfmd.text.languages import LANGUAGE_NAMES, LANGUAGES, detect_language


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("How many international migrants were there in 2019?", "en"),
        ("What is PALIM?", "en"),
        ("Who funds it?", "en"),
        ("¿Cuál es el presupuesto de PALIM?", "es"),
        ("¿Cuántos migrantes?", "es"),
        ("¿Qué es el Mecanismo de Financiamiento Concesional?", "es"),
        ("Quel est le budget du programme?", "fr"),
        ("Combien de migrants?", "fr"),
        ("Qu'est-ce que le FMMD?", "fr"),
    ],
)
def test_short_questions(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        (
            "Partnerships between countries of origin and destination are essential for the protection of "
            "migrants and for the development of their communities.",
            "en",
        ),
        (
            "La migración puede ser sumamente beneficiosa si los riesgos y desafíos se gestionan de manera "
            "adecuada, mediante alianzas efectivas e innovadoras entre múltiples partes interesadas.",
            "es",
        ),
        (
            "Les partenariats pour la migration réunissent les États, les villes et la société civile autour "
            "d'objectifs communs.",
            "fr",
        ),
    ],
)
def test_prose(text: str, lang: str) -> None:
    assert detect_language(text) == lang


@pytest.mark.parametrize("text", ["", "PALIM", "12345 678", "2019 2020", "   ", "KNOMAD GCFF"])
def test_too_little_evidence_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


def test_default_replaces_und() -> None:
    assert detect_language("PALIM", default="en") == "en"
    # A clear language is not overridden by the default.
    assert detect_language("¿Cuántos migrantes hay?", default="en") == "es"


def test_tie_is_undetermined() -> None:
    # "de" and "la" are function words in both Spanish and French: no basis to choose.
    assert detect_language("de la") == "und"


def test_every_language_is_named_in_every_language() -> None:
    assert set(LANGUAGE_NAMES) == set(LANGUAGES)
    assert all(set(names) == set(LANGUAGES) for names in LANGUAGE_NAMES.values())
    assert LANGUAGE_NAMES["es"]["en"] == "inglés"
