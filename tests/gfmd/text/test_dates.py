"""Month names in English, Spanish and French: one table, its equivalence groups and its pattern."""

from __future__ import annotations

import re

import pytest

from assistant.answer.names import EQUIVALENT_WORDS
from gfmd.text.normalize import MONTHS

MONTH = re.compile(rf"\b(?:{MONTHS})\b", re.IGNORECASE)


@pytest.mark.parametrize(
    "line",
    ["19 December 2023", "3 janvier 2025", "1.º de mayo de 2020", "le 5 février", "en août", "15 Décembre", "setiembre"],
)
def test_month_pattern_finds_every_language_and_spelling(line: str) -> None:
    assert MONTH.search(line)


@pytest.mark.parametrize("word", ["Mayor", "marché", "Junior", "mais", "Marzotto"])
def test_month_pattern_needs_the_whole_word(word: str) -> None:
    assert not MONTH.fullmatch(word)


def test_month_groups_are_folded_and_hold_every_variant() -> None:
    groups = [g for g in EQUIVALENT_WORDS if "june" in g or "september" in g or "december" in g]
    assert [set(g) for g in groups] == [
        {"june", "junio", "juin"},
        {"september", "septiembre", "setiembre", "septembre"},
        {"december", "diciembre", "decembre"},
    ]
