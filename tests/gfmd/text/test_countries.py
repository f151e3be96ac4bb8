from __future__ import annotations

from gfmd.text.countries import absent_countries, countries_in, country_names, names_country


def test_countries_are_found_by_their_name_in_each_language() -> None:
    assert countries_in("Minimum wage in Qatar") == {"QA"}
    assert countries_in("salario mínimo en Catar") == {"QA"}
    assert countries_in("la République dominicaine et Haïti") == {"DO", "HT"}
    assert countries_in("Turkey, Türkiye, Turquía and Turquie") == {"TR"}
    assert countries_in("los EE. UU. y Myanmar") == {"US", "MM"}


def test_words_that_only_look_like_countries_are_not_countries() -> None:
    # "réunion" is a meeting, "Dominican" is not Dominica, "Nigerian" bonds are not Niger's.
    assert countries_in("Compte rendu de la réunion") == set()
    assert countries_in("the Dominican Republic") == {"DO"}
    assert countries_in("Nigeria's bonds") == {"NG"}
    assert "EU" not in country_names() and "UN" not in country_names()


def test_a_country_is_named_by_a_text_in_another_language() -> None:
    assert names_country("TR", "El apoyo de la Unión Europea a Turquía")
    assert not names_country("TR", "El apoyo de la Unión Europea a Grecia")


def test_absent_countries_lists_the_missing_ones_by_their_english_name() -> None:
    question = "¿Cuál es el salario mínimo en Catar y en Turquía?"
    assert absent_countries(question, ["Turkey raised wages.", "Nothing here."]) == ["Qatar"]
    assert absent_countries(question, ["Qatar et la Turquie"]) == []
    assert absent_countries("What did the report recommend?", ["anything"]) == []
