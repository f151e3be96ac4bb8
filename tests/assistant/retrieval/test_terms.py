from __future__ import annotations

import pytest

from assistant.retrieval.terms import (
    QueryTerms,
    analyse,
    coverage,
    coverage_units,
    key_term_hits,
    part_pattern,
    passage_stems,
    stem_prefixes,
    translated_coverage,
)
from gfmd.text.normalize import fold


def test_numbers_are_normalised() -> None:
    terms = analyse("Remittances reached 5,500 or 3,5 per cent in 2019")
    assert terms.numbers == ("5500", "3.5", "2019")


def test_acronyms_are_folded_and_generic_ones_ignored() -> None:
    assert analyse("¿Cuál es el presupuesto de PALIM?").acronyms == ("palim",)
    assert analyse("What is the R4V platform?").acronyms == ("r4v",)
    assert analyse("What did the EU-IOM Joint Initiative achieve?").acronyms == ("eu-iom",)
    # The forum's own name is in every document: it is not a key term.
    assert analyse("According to the GFMD, what is KNOMAD?").acronyms == ("knomad",)


def test_names_skip_question_words_and_sentence_starts() -> None:
    terms = analyse("How much did Nigeria raise with diaspora bonds?")
    assert terms.names == ("nigeria",)
    assert analyse("Remittances grew. What about Ecuador?").names == ("ecuador",)
    assert analyse("What is the budget?").names == ()


def test_key_terms() -> None:
    terms = analyse("How much did Nigeria raise in 2017?")
    assert terms.key_terms == ("2017", "nigeria")
    assert key_term_hits(terms, "Nigeria raised 300 million dollars in 2017.") == (2, 2)
    assert key_term_hits(terms, "Ghana raised 300 million dollars in 2017.") == (1, 2)
    assert key_term_hits(analyse("What is the budget?"), "anything") == (0, 0)


def test_query_terms_fields_default_to_empty() -> None:
    terms = QueryTerms(numbers=("2017",))
    assert terms.stems == terms.acronyms == terms.names == terms.references == ()
    assert key_term_hits(terms, "Nigeria raised 300 million dollars in 2017.") == (1, 1)


def test_numbers_match_across_formats() -> None:
    terms = analyse("Was it 5,500 people?")
    assert key_term_hits(terms, "unas 5.500 personas") == (1, 1)
    assert key_term_hits(terms, "about 55 people") == (0, 1)


def test_a_number_inside_another_is_not_a_hit() -> None:
    terms = analyse("What happened in 2019?")
    assert key_term_hits(terms, "In 20190 nothing happened") == (0, 1)
    assert key_term_hits(terms, "Version 1.2019 is out") == (0, 1)


@pytest.mark.parametrize(
    ("question", "passage", "lang", "expected"),
    [
        ("remittances to developing countries", "Remittances reached developing nations", "en", 2 / 3),
        ("remesas de los migrantes", "Las remesas que envían los migrantes", "es", 1.0),
        ("partnerships", "Les partenariats", "fr", 0.0),
        ("migrants", "Los migrantes", "es", 1.0),  # the question's word stemmed the Spanish way meets the passage
    ],
)
def test_coverage(question: str, passage: str, lang: str, expected: float) -> None:
    assert coverage(analyse(question), passage_stems(passage, lang)) == pytest.approx(expected)


def test_coverage_without_content_words_is_zero() -> None:
    assert coverage(analyse("What is it?"), passage_stems("Anything at all", "en")) == 0.0


def test_passage_stems_of_an_unknown_language_use_english() -> None:
    assert passage_stems("Migrants and partnerships", "und") == passage_stems("Migrants and partnerships", "en")


@pytest.mark.parametrize(
    ("question", "numbers", "references"),
    [
        ("How many migrants were there in 2019?", ("2019",), ()),
        ("According to objective 22 of the Compact, what changed in 2019?", ("2019",), ("22",)),
        ("Según la resolución A/RES/78/217, ¿qué cumbre se esperaba?", (), ("78", "217")),
        ("According to the 2022 fact sheet, how many people were hired?", (), ("2022",)),
        ("Selon le module 4.1 du Manuel de l'OIM (2019), quand commencer ?", (), ("4.1", "2019")),
        ("How much money had the fund raised by the end of 2023?", ("2023",), ()),
    ],
)
def test_numbers_that_name_a_document_or_a_part_are_references(
    question: str, numbers: tuple[str, ...], references: tuple[str, ...]
) -> None:
    terms = analyse(question)
    assert terms.numbers == numbers
    assert terms.references == references


def test_months_are_not_names() -> None:
    assert analyse("What did Secretary Blinken announce in September 2024?").names == ("secretary", "blinken")


@pytest.mark.parametrize(
    ("question", "dated"),
    [
        ("How many returnees did the centre receive in 2020?", ("2020",)),
        ("How much money had the fund raised by the end of 2023?", ("2023",)),
        ("¿Cuántos visados emitió Estados Unidos en el año fiscal 2022?", ("2022",)),
        ("Combien de migrants à la fin de 2021 ?", ("2021",)),
        ("According to the GFMD 2020 paper, how many partners are there?", ()),
        ("Dans l'étude de 2023 sur la gestion des cas, combien de pays ?", ()),
        ("Selon le Manuel de l'OIM (2019), quand commencer ?", ()),
    ],
)
def test_years_that_date_the_fact_asked_about(question: str, dated: tuple[str, ...]) -> None:
    assert analyse(question).dated == dated


def test_translated_coverage_meets_a_passage_in_another_language() -> None:
    question = "Which global campaign does the background paper say can support remittance partnerships?"
    spanish = passage_stems(
        "Las alianzas pueden respaldarse con campañas mundiales como el Día internacional de remesas familiares.", "es"
    )
    unrelated = passage_stems("El Fondo Fiduciario ha recaudado 12 millones de dólares para la migración.", "es")
    units = coverage_units(question)
    held = translated_coverage(units, spanish, stem_prefixes(spanish))
    # Same-stem coverage sees nothing of the English question in the Spanish passage.
    assert coverage(analyse(question), spanish) == 0.0
    assert held >= 0.3
    assert translated_coverage(units, unrelated, stem_prefixes(unrelated)) < held


def test_a_glossary_term_counts_once_whichever_language_meets_it() -> None:
    units = coverage_units("trust fund")
    assert len(units) == 1  # one glossary term, not two words
    french = passage_stems("Le fonds fiduciaire pluripartenaires a reçu des contributions.", "fr")
    assert translated_coverage(units, french, stem_prefixes(french)) == 1.0
    # A word of the term alone is not the term.
    fund_only = passage_stems("Le fonds a reçu des contributions.", "fr")
    assert translated_coverage(units, fund_only, stem_prefixes(fund_only)) == 0.0
    assert translated_coverage((), french, stem_prefixes(french)) == 0.0


def test_cognates_match_by_their_first_letters_but_short_words_do_not() -> None:
    units = coverage_units("integration programmes")
    spanish = passage_stems("Los programas de integración de los migrantes.", "es")
    assert translated_coverage(units, spanish, stem_prefixes(spanish)) == 1.0
    fundamental = passage_stems("Un principio fundamental.", "es")
    assert translated_coverage(coverage_units("fund"), fundamental, stem_prefixes(fundamental)) == 0.0


def test_a_part_is_found_after_a_number_sign() -> None:
    # The Haiti-DR management response plan numbers its recommendations "Evaluation recommendation # 5:".
    pattern = part_pattern("5", "¿Por qué la recomendación 5 de la evaluación pide un mecanismo?")
    assert pattern is not None
    assert pattern.search(fold("Evaluation recommendation # 5: (Time 0) Il serait opportun"))
    assert pattern.search(fold("Recommandation n° 5 : renforcer les plateformes"))
    assert not pattern.search(fold("Evaluation recommendation # 15: (Time 0)"))
