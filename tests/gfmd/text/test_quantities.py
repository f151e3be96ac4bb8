import pytest

from gfmd.text.quantities import quantities_in


@pytest.mark.parametrize(
    ("text", "figures"),
    [
        # Quantities, with a year beside them or not.
        ("En 2019, el número de migrantes internacionales giraba en torno a los 272 millones.", {"272"}),
        ("Secretary Blinken announced more than $686 million in new assistance.", {"686"}),
        ("An online survey was conducted with 72 caseworkers at IOM.", {"72"}),
        ("5.500 personas recibieron asistencia y 1,2 millones de dólares fueron desembolsados.", {"5500", "1.2"}),
        # The day of a date, in the three languages and both orders.
        ("Held in Marrakech on 10 and 11 December 2018 and endorsed on 19 December 2018.", set()),
        ("On September 24, 2024, the State Department imposed additional visa restrictions.", set()),
        ("La Commission a été créée le 1er janvier 1996 et réunie le 3 mars.", set()),
        ("Adoptada el 19 de diciembre de 2023 en la 50a sesión plenaria.", set()),
        # Note markers opening a sentence or glued behind punctuation; paragraph numbers; references.
        ("16 Según su informe anual 2020, el Mecanismo Mundial es un esfuerzo emprendido en 2016.", set()),
        ("Adopted by the Commission on Crime Prevention and Criminal Justice,1 and recalling also", set()),
        ("Recalling the New York Declaration, held on 19 September 2016,12 and the review in 2020.17", set()),
        ("32. Requests the Secretary-General to submit a report at its eightieth session;37", set()),
        ("Also takes note of the reports at its seventy-eighth session;37 32. Requests the Secretary-General", set()),
        ("Les ressources ont-elles été affectées pour obtenir les résultats ? 4.5", set()),
        ("Interviews with IOM staff and a stakeholder from Djibouti 6.", set()),
        ("See the Mid Term Review, p. 16, and para. 139 of A/78/203 and resolution 73/195.", set()),
    ],
)
def test_quantities_in(text: str, figures: set[str]) -> None:
    assert quantities_in(text) == figures


def test_a_figure_after_a_lower_case_word_is_a_quantity() -> None:
    # Only a number before a capitalised word opens a note; "272 millones" starts a quantity.
    assert quantities_in("272 millones de migrantes vivían fuera de su país.") == {"272"}
