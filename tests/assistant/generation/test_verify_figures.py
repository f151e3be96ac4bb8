"""Verification of figures: present in the cited passage whatever their format, with the passage's magnitude, in
its order, and read as digits when written in words."""

from __future__ import annotations

import pytest

from assistant.generation.verify import verify
from tests.assistant.generation.verify_support import (
    BOND,
    REMITTANCES,
    SEED_REMITTANCES,
    chunk,
    hash_embed,
    one,
    spanish,
)

# --- figures and dates ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("in_answer", "in_passage", "kept"),
    [
        ("5,500", "5.500", True),
        ("5.500", "5,500", True),
        ("5 500", "5,500", True),
        ("5500", "5,500", True),
        ("3.5", "3,5", True),
        ("3,5", "3.5", True),
        ("5,600", "5,500", False),
        ("3.6", "3,5", False),
        ("35", "3,5", False),
        ("55", "5,500", False),
    ],
)
def test_figures_must_be_in_the_cited_passage_whatever_their_format(
    in_answer: str, in_passage: str, kept: bool
) -> None:
    passage = f"The programme trained {in_passage} workers in 2017."
    verdict = one(f"The programme trained {in_answer} workers in 2017 [1].", [passage])
    assert verdict.supported is kept, verdict.reason
    assert verdict.reason.startswith("figures not in the cited passages") is not kept


def test_a_date_not_in_the_passage_is_dropped() -> None:
    verdict = one("Nigeria raised 300 million dollars with its first diaspora bond in 2018 [1].", [BOND])
    assert verdict.supported is False
    assert verdict.reason == "figures not in the cited passages: 2018"


def test_a_footnote_marker_glued_to_a_year_is_no_figure() -> None:
    # The seed paper: "junio de 2020.17", footnote 17 after the year the fund was set up.
    passage = (
        "El Fondo Fiduciario General de Múltiples Donantes para la Migración de KNOMAD fue establecido por el Banco "
        "Mundial en junio de 2020.17 El Fondo apoya proyectos de migración."
    )
    assert one("The KNOMAD trust fund was set up by the World Bank in June 2020 [1].", [passage]).supported
    late = one("The KNOMAD trust fund was set up by the World Bank in June 2021 [1].", [passage])
    assert late.supported is False and late.reason == "figures not in the cited passages: 2021"


def test_a_figure_must_be_in_the_passage_the_sentence_cites() -> None:
    answer = "In 2019, remittances reached 554 billion dollars"
    assert one(f"{answer} [1].", [BOND, REMITTANCES]).supported is False
    assert one(f"{answer} [2].", [BOND, REMITTANCES]).supported is True
    assert one(f"{answer} [1, 2].", [BOND, REMITTANCES]).supported is True


# --- magnitudes ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "lang", "kept"),
    [
        ("In 2019, remittances reached $554 billion (World Bank 2020). [1]", "en", True),
        ("In 2019, remittances reached $554 million (World Bank 2020). [1]", "en", False),  # what the 0.5B model wrote
        ("En 2019, les envois de fonds ont atteint 554 milliards de dollars. [1]", "fr", True),
        ("En 2019, les envois de fonds ont atteint 554 billions de dollars. [1]", "fr", False),  # 10^12 in French
        (
            "In 2019, remittances reached $554 (World Bank 2020). [1]",
            "en",
            True,
        ),  # no magnitude word: figure check only
    ],
)
def test_a_figure_keeps_the_magnitude_the_passage_gives_it(sentence: str, lang: str, kept: bool) -> None:
    checked = verify(sentence, [spanish(SEED_REMITTANCES)], hash_embed, 0.0, lang=lang)
    (verdict,) = checked.sentences
    assert verdict.supported is kept, verdict.reason
    if not kept:
        assert verdict.reason.startswith("figures with another magnitude than in the cited passages: 554 (10^")


def test_a_magnitude_the_passage_never_gives_the_figure_is_dropped() -> None:
    verdict = one("Nigeria raised 300 billion dollars with its first diaspora bond in 2017. [1]", [BOND])
    assert verdict.reason == "figures with another magnitude than in the cited passages: 300 (10^9)"


# --- figures written in words --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sentence", "lang", "kept"),
    [
        ("The fund received twelve million dollars from five donors. [1]", "en", True),
        ("The fund received thirteen million dollars from five donors. [1]", "en", False),
        ("The fund received twelve billion dollars from five donors. [1]", "en", False),
        ("El Fondo recibió doce millones de dólares de cinco donantes. [1]", "es", True),
        ("El Fondo recibió quince millones de dólares de cinco donantes. [1]", "es", False),
        ("Le Fonds a reçu douze millions de dollars de cinq donateurs. [1]", "fr", True),
        ("Le Fonds a reçu douze millions de dollars de sept donateurs. [1]", "fr", False),
    ],
)
def test_figures_written_in_words_are_checked_like_digits(sentence: str, lang: str, kept: bool) -> None:
    passage = chunk("The Fund received 12 million dollars from 5 donors in its first year.")
    (verdict,) = verify(sentence, [passage], hash_embed, 0.0, lang=lang).sentences
    assert verdict.supported is kept, verdict.reason
    if not kept:
        assert verdict.reason.startswith(("figures not in the cited passages", "figures with another magnitude"))


def test_a_passage_that_writes_its_figures_in_words_supports_them_in_digits() -> None:
    passage = spanish("El programa formó a doscientos trabajadores sociales en tres países.")
    (verdict,) = verify(
        "The programme trained 200 social workers in 3 countries. [1]", [passage], hash_embed, 0.0
    ).sentences
    assert verdict.supported, verdict.reason
