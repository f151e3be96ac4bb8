from __future__ import annotations

import pytest

from gfmd.text.languages import LANGUAGE_NAMES, LANGUAGES, detect_language, function_word_language


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


@pytest.mark.parametrize("text", ["", "PALIM", "12345 678", "2019 2020", "   ", "KNOMAD GCFF", "de la"])
def test_too_little_evidence_is_undetermined(text: str) -> None:
    assert detect_language(text) == "und"


# Keyword questions, as delegates type them: two to four words, few or no function words. Written for this test
# (not taken from the golden set), on the corpus's topics, in each language.
@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("Remesas Nigeria 2019", "es"),
        ("bonos diáspora Nigeria", "es"),
        ("financiamiento concesional migración", "es"),
        ("alianzas ciudades migrantes", "es"),
        ("reintegración sostenible retornados", "es"),
        ("presupuesto programa", "es"),
        ("transferts de fonds Sénégal", "fr"),
        ("partenariats migration développement", "fr"),
        ("travailleuses migrantes violence", "fr"),
        ("gestion frontières Haïti", "fr"),
        ("plan de réponse", "fr"),
        ("remittance costs Africa", "en"),
        ("diaspora bonds Nigeria", "en"),
        ("labour mobility partnerships", "en"),
        ("returnees reintegration support", "en"),
        ("refugee resettlement pledges", "en"),
    ],
)
def test_keyword_questions(text: str, lang: str) -> None:
    assert detect_language(text, default="en") == lang


@pytest.mark.parametrize("text", ["Objective 1", "management response", "Global Forum"])
def test_a_fragment_shared_by_english_and_french_is_left_to_the_default(text: str) -> None:
    assert detect_language(text, default="xx") == "xx"


def test_function_words_alone_judge_a_sentence_and_give_up_on_a_fragment() -> None:
    assert function_word_language("Los migrantes envían remesas a sus familias.") == "es"
    assert function_word_language("Objective 1") is None
    assert function_word_language("") is None


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
