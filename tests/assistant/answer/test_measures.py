"""What an asked figure measures, read from en/es/fr questions, and checked against real sentences of the seed paper
and the public documents (and invented ones for what they lack)."""

from __future__ import annotations

import pytest

from assistant.answer.measures import Measure, asked_measures, gives_any


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("How many caseworkers did the EU-IOM Joint Initiative employ in Sudan?", [("count", ("caseworkers",))]),
        ("How many Moroccan graduates does the PALIM pilot project train?", [("count", ("graduates",))]),
        (
            "How many additional H-2B seasonal non-agricultural visas did the US make available?",
            [("count", ("visas",))],
        ),
        ("How many Member States voted in favour of the resolution?", [("count", ("states",))]),
        ("¿Cuántas entrevistas se realizaron?", [("count", ("entrevistas",))]),
        ("Combien de guichets de service compte le programme ?", [("count", ("guichets", "service"))]),
        ("Dans combien de pays la recherche a-t-elle été menée ?", [("count", ("pays",))]),
        ("¿Cuánto costó la evaluación final?", [("money", ())]),
        ("¿Cuánto cuesta el proyecto PALIM?", [("money", ())]),  # the present tense of costar
        ("How much did Nigeria raise through diaspora bonds?", [("money", ())]),
        ("Quel était le budget initial de l'Initiative conjointe ?", [("money", ())]),
        ("Combien d'argent le fonds a-t-il reçu ?", [("money", ())]),
        (
            "How much new funding did USAID announce, and for Venezuelans in how many countries?",
            [("count", ("countries",)), ("money", ())],
        ),
        # No measure said: any figure may answer (the `asked_kind_missing` gate's business).
        ("How much did the number of migrants travelling to Yemen fall during COVID-19?", []),
        ("How many of them were women?", []),
        ("¿Cuántos de ellos eran gobiernos?", []),
        ("What is the Migration Multi-Partner Trust Fund?", []),
        # A money word that names a kind of thing, not an amount asked for.
        ("What financing mechanism does the paper propose?", []),
        ("¿Qué mecanismo de financiación propone el documento?", []),
        ("What funding instruments does the EU use for migration?", []),
        ("What was the total funding for the programme?", [("money", ())]),
        # A possessive before the money noun, a currency in the question.
        ("What was the EU's total contribution to the Joint Initiative in North Africa?", [("money", ())]),
        ("De los 3 millones de dólares del proyecto, ¿cuánto ejecutó el PNUD?", [("money", ())]),
        # An adjective before the noun is read past; a verb after "cuántos" is no counted noun.
        ("Combien de nouvelles mesures les pays ont-ils prises ?", [("count", ("mesures",))]),
        ("¿Cuántos otros países se sumaron?", [("count", ("paises",))]),
        ("¿Cuántas nuevas oficinas de movilidad se abrieron?", [("count", ("oficinas", "movilidad"))]),
        ("¿Qué proporción afirma que su conciencia ha aumentado, y cuántos señalan una mejora?", []),
        # A length of time.
        ("Combien de temps plus tôt les femmes ont-elles reçu l'aide ?", [("duration", ())]),
        ("¿Cuánto tiempo duró la evaluación?", [("duration", ())]),
    ],
)
def test_asked_measures(question: str, expected: list[tuple[str, tuple[str, ...]]]) -> None:
    assert asked_measures(question) == tuple(Measure(kind, nouns) for kind, nouns in expected)


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        # Real sentences, some in another language than the question.
        (
            "How many employees had the US hired across the region?",
            "los Estados Unidos han contratado a más de 1.300 empleados en toda la región",
        ),
        (
            "According to the paper, how many migrants were there in 2019?",
            "En 2019, el número de migrantes internacionales giraba en torno a los 272 millones",
        ),
        ("¿Cuántas entrevistas se realizaron?", "52 interviews were carried out with a total of 78 stakeholders"),
        (
            "Combien de guichets de service compte le programme ?",
            "El programa se ejecuta a través de seis servicios de ventanilla en lugares con elevadas concentraciones",
        ),
        (
            "Combien de personnes supplémentaires pourraient souffrir de la faim ?",
            "al menos 33 millones de personas más podrían quedar sumidas en el hambre",
        ),
        ("How many countries does the merged office cover?", "to form one regional office for 25 countries in East"),
        ("What was the initial budget of the programme?", "The initial budget of the programme was 25 million"),
        ("Quel budget pour le projet ?", "sur une période de 44 mois, avec un budget de 3 000 000 USD."),
        ("How much did remittances reach?", "ascendió a los $554 mil millones"),
        ("How many people were resettled?", "over 23,000 refugees from the Western Hemisphere have been resettled"),
        # A unit is what is counted when the question counts it.
        ("How many years did the programme run?", "The programme ran for 10 years in six countries."),
        # 2024 Los Angeles Declaration fact sheet, asked in French with an adjective before the noun.
        (
            "Combien de nouvelles mesures de politique des visas les pays ont-ils prises ?",
            "endorsing countries have taken over 300 new visa policy actions to restrict travel",
        ),
        # A length of time (Horn of Africa final evaluation).
        (
            "Combien de temps plus tôt que les hommes les femmes ont-elles reçu l'aide à la micro-entreprise ?",
            "women received micro-business assistance sooner than men (6.5 months sooner in Ethiopia, and 4.8 "
            "months sooner in Sudan)",
        ),
    ],
)
def test_gives_the_measure(question: str, sentence: str) -> None:
    assert gives_any(asked_measures(question), [sentence])


@pytest.mark.parametrize(
    ("question", "sentence"),
    [
        (
            "How many caseworkers did the EU-IOM Joint Initiative employ in Sudan?",
            "65, multiple interviews from Sudan 55 IOM community participation survey.",
        ),
        (
            "¿Cuántas personas trabajan en el centro regional de datos de la OIM en Nairobi?",
            "IOM merged its regional offices to form one regional office for 25 countries in East, Horn and Southern "
            "Africa.",
        ),
        (
            "What was the EU's contribution to the Joint Initiative? How much did it cost?",
            "The EU-IOM Joint Initiative covers and closely cooperates with 26 African countries.",
        ),
        ("Par combien de voix la résolution a-t-elle été adoptée ?", "32. Requests the Secretary-General to report."),
        # Millions of people are not a sum of money (seed paper, p. 6).
        (
            "How much GCFF funding has been approved for Colombia?",
            "tras la crisis venezolana y el éxodo de 3.7 millones de venezolanos a países vecinos y otros países, "
            "Colombia y Ecuador fueron incluidos como países beneficiarios",
        ),
        # A figure followed by a unit counts the unit, not the people named before it (2024 fact sheet).
        (
            "¿Cuántos venezolanos ha regularizado Argentina?",
            "a special admission and regularization program that allows Venezuelans with expired identity documents "
            "(within the last 10 years) to seek residency in Argentina",
        ),
        # A length of time is not a count of anything else.
        ("¿Cuánto tiempo duró la evaluación?", "La evaluación entrevistó a 45 participantes en cinco grupos."),
        # The question's own figure does not answer it.
        ("How much did the fund raise of its $25 million target?", "It set a $25 million target for 2023."),
    ],
)
def test_a_figure_of_something_else_does_not(question: str, sentence: str) -> None:
    assert not gives_any(asked_measures(question), [sentence], given=("25",))


def test_no_measure_asked_passes() -> None:
    assert gives_any((), ["No figure at all."])
