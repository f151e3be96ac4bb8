"""Month names in English, Spanish and French: one table, its equivalence groups and its pattern."""

from __future__ import annotations

import pytest

from gfmd.text.dates import MONTH_GROUPS, MONTH_WORD, month_names, months_in
from gfmd.text.languages import LANGUAGES


@pytest.mark.parametrize(
    "line",
    ["19 December 2023", "3 janvier 2025", "1.º de mayo de 2020", "le 5 février", "en août", "15 Décembre", "julio"],
)
def test_month_pattern_finds_every_language_and_spelling(line: str) -> None:
    assert MONTH_WORD.search(line)


@pytest.mark.parametrize("word", ["Mayor", "marché", "Junior", "mais", "Marzotto"])
def test_month_pattern_needs_the_whole_word(word: str) -> None:
    assert not MONTH_WORD.fullmatch(word)


def test_month_groups_are_folded_and_hold_every_variant() -> None:
    assert len(MONTH_GROUPS) == 12
    groups = [g for g in MONTH_GROUPS if "june" in g or "september" in g or "december" in g]
    assert [set(g) for g in groups] == [
        {"june", "junio", "juin"},
        {"september", "septiembre", "setiembre", "septembre"},
        {"december", "diciembre", "decembre"},
    ]


def test_month_names_per_language() -> None:
    assert month_names("en")[:3] == ("january", "february", "march")
    assert month_names("es")[8:10] == ("septiembre", "setiembre")
    assert month_names("fr")[-1] == "décembre"
    assert all(len(month_names(lang)) >= 12 for lang in LANGUAGES)


def test_months_in_finds_each_month_once_in_any_language() -> None:
    assert months_in("closed in September 2023, reopened en octubre, fermée en septembre") == frozenset({9, 10})
    assert months_in("no month here") == frozenset()
