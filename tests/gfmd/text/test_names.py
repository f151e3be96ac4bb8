"""Acronyms and proper names of questions and of answer sentences, on questions of the golden set."""

from __future__ import annotations

from gfmd.text.names import (
    ACRONYM_EQUIVALENTS,
    LANGUAGE_NAME_GROUPS,
    NOT_NAMES_IN_QUESTIONS,
    question_names,
    statement_names,
)


def test_question_names_skip_question_words_forum_words_and_english_months() -> None:
    assert question_names("What did the GFMD say about remittances in May 2020?") == ((), ())
    assert question_names("In which city was the Forum held in December 2019?") == ((), ())
    # Spanish months are not in the list of non-names (questions write them in lower case).
    assert question_names("¿Qué dijo la OIM en Mayo de 2020 sobre Ecuador?") == (("oim",), ("mayo", "ecuador"))


def test_question_names_are_single_words_and_acronyms_keep_their_suffix() -> None:
    question = "Which pillar of the EU-IOM Joint Initiative for Migrant Protection was not implemented in the Horn?"
    assert question_names(question) == (("eu-iom",), ("joint", "initiative", "migrant", "protection", "horn"))
    assert question_names("What is COVID-19's effect? Remittances fell.") == (("covid-19",), ())
    assert question_names(
        "Selon le module 4 du Manuel de réintégration de l'OIM (2019), quand l'appui doit-il commencer ?"
    ) == (("oim",), ("manuel",))


def test_statement_names_are_runs_of_capitalised_words() -> None:
    assert statement_names("According to the World Bank, remittances to Nigeria reached $24 billion in 2019.") == [
        "world bank",
        "nigeria",
    ]
    assert statement_names("La OIM y el Banco Mundial (Banco Mundial) apoyan a los migrantes de Venezuela.") == [
        "oim",
        "banco mundial",
        "venezuela",
    ]
    # Months and the forum's words are names here: they are checked against the cited passage.
    assert statement_names("The Global Forum on Migration and Development met in Quito in January 2020.") == [
        "global forum",
        "migration",
        "development",
        "quito",
        "january",
    ]
    assert statement_names("Article 5 of the Fund and the Facility of This Report") == ["this report"]


def test_acronym_equivalents_across_languages() -> None:
    groups = {frozenset(g) for g in ACRONYM_EQUIVALENTS}
    assert frozenset({"iom", "oim"}) in groups
    assert frozenset({"unhcr", "acnur", "hcr"}) in groups
    assert all(name == name.lower() for group in groups for name in group)


def test_language_names_in_every_language() -> None:
    assert [set(g) for g in LANGUAGE_NAME_GROUPS] == [
        {"english", "ingles", "anglais"},
        {"spanish", "espanol", "espagnol"},
        {"french", "frances", "francais"},
    ]


def test_not_names_are_folded() -> None:
    assert {"segun", "cuantos", "gfmd", "january", "friday"} <= NOT_NAMES_IN_QUESTIONS
    assert "saturday" not in NOT_NAMES_IN_QUESTIONS and "enero" not in NOT_NAMES_IN_QUESTIONS
