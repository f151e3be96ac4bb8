"""Figures and years, on sentences of the corpus and questions of the golden set."""

from __future__ import annotations

import pytest

from gfmd.text.numbers import (
    figure_forms,
    figures_as_digits,
    figures_in_order,
    has_year,
    is_year,
    normalize_number,
    numbers_in,
)

BUDGET = (
    "a été mis en œuvre conjointement par l'OIM et le PNUD sur une période de 44 mois, d'avril 2021 à novembre "
    "2024, avec un budget de 3 000 000 USD."
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("5,500", "5500"),
        ("5.500", "5500"),
        ("1,000,000", "1000000"),
        ("3,5", "3.5"),
        ("12,34", "12.34"),
        ("3.5", "3.5"),
        ("2019", "2019"),
        ("10.7.1", "10.7.1"),
    ],
)
def test_normalize_number(raw: str, normal: str) -> None:
    assert normalize_number(raw) == normal


def test_numbers_in_reads_figures_as_key_terms() -> None:
    # A figure inside a code or a range's second half is not a key term: "COVID-19", "2017-18", "2-3".
    assert numbers_in("la crisis de la COVID-19") == set()
    assert numbers_in("roundtable 3.2 of GFMD 2017-18") == {"3.2", "2017"}
    assert numbers_in("delivered in 2-3 sessions") == {"2"}
    assert numbers_in("cohésion sociale (activité 2.1.6)") == {"2.1.6"}
    # Thousands grouped by spaces are separate numbers here.
    assert numbers_in(BUDGET) == {"44", "2021", "2024", "3", "000"}
    assert numbers_in("unas 5.500 personas, 3,5 %") == {"5500", "3.5"}


def test_figures_in_order_join_spaced_thousands() -> None:
    assert figures_in_order(BUDGET) == ["44", "2021", "2024", "3000000"]
    assert figures_in_order("COVID-19") == ["19"]
    assert figures_in_order("2-3 sessions") == ["2", "3"]
    # A third level of numbering is cut: a sentence figure is compared with passage figures read the same way.
    assert figures_in_order("indicator 10.7.1") == ["10.7"]


def test_figure_forms_add_the_comma_less_form() -> None:
    assert figure_forms("In 2019, US$ 5,500.25 were sent") == {"2019", "5,500.25", "5500.25"}
    assert figure_forms(BUDGET) == {"44", "2021", "2024", "3000000"}


def test_years() -> None:
    assert [is_year(f) for f in ("2019", "1999", "2100", "1850", "20190")] == [True, True, False, False, False]
    assert has_year("adopted on 19 December 2023")
    assert not has_year("job number 2325999") and not has_year("3 000 000 USD")


@pytest.mark.parametrize(
    ("text", "lang", "digits"),
    [
        ("three million migrants and twenty-two objectives", "en", "3 million migrants and 22 objectives"),
        ("tres millones de migrantes", "es", "3 millones de migrantes"),
        ("doscientos setenta y dos millones", "es", "272 millones"),
        ("554 mil millones", "es", "554 mil millones"),
        ("trois millions de personnes et cinq donateurs", "fr", "3 millions de personnes et 5 donateurs"),
        ("one of the objectives", "en", "one of the objectives"),
        ("una alianza, un plan", "es", "una alianza, un plan"),
        ("un plan de réponse", "fr", "un plan de réponse"),
        ("tres millones", "und", "tres millones"),
    ],
)
def test_number_words_become_digits_and_magnitude_words_stay(text: str, lang: str, digits: str) -> None:
    assert figures_as_digits(text, lang) == digits
