"""The judge matches facts and names with its own tables, not the product's: a glossary or name row the product
adds or gets wrong cannot move the figures meant to check it. It shares only the core normalisation of gfmd.text."""

from __future__ import annotations

import subprocess
import sys

import pytest

from evals.metrics.citation_support import lexical_gaps
from evals.tables import EQUIVALENTS, NUMBER_WORDS, equivalents_of_word
from evals.textmatch import canonical, has_name, spelled_numbers
from gfmd.text.normalize import fold

JUDGE_MODULES = (
    "evals.textmatch",
    "evals.tables",
    "evals.metrics.fact_recall",
    "evals.metrics.citation_support",
    "evals.metrics.answered_wrong",
)
# The product's matching: its answerer and ingestion, and its name and country tables. The core normalisation
# (gfmd.text.normalize, gfmd.text.numbers) is shared on purpose.
PRODUCT_MATCHING = ("assistant", "ingest", "gfmd.text.names", "gfmd.text.countries")


def test_the_judge_imports_nothing_of_the_product_matching() -> None:
    # A fresh interpreter: what importing the judge pulls in, whatever other tests imported before.
    code = (
        "import sys\n"
        f"for name in {JUDGE_MODULES!r}: __import__(name)\n"
        "print(' '.join(sorted(m for m in sys.modules "
        f"if any(m == p or m.startswith(p + '.') for p in {PRODUCT_MATCHING!r}))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""


def test_spelled_numbers_in_three_languages_and_no_false_friends() -> None:
    assert spelled_numbers("Eleven donors, doce donantes et vingt pays") == {"11", "12", "20"}
    # French "très" folds to Spanish "tres"; "once" is English; "cent" is in "per cent": none is a number here.
    assert spelled_numbers("Il est très utile, once a year, 6.8 per cent") == set()
    assert all(word == fold(word) for word in NUMBER_WORDS)


def test_a_figure_is_supported_by_its_spelled_out_form() -> None:
    assert lexical_gaps("The facility raised funds from 11 donors.", ["It raised funds from eleven donors."]) == []
    assert lexical_gaps("The facility raised funds from 12 donors.", ["It raised funds from eleven donors."]) == ["12"]


@pytest.mark.parametrize(
    ("name", "passage", "found"),
    [
        ("turkey", "La Facilidad para los refugiados en Turquía.", True),  # a country whose names differ early
        ("ethiopia", "Le bureau de l'OIM en Éthiopie a répondu.", True),
        ("turkey", "La Facilidad para los refugiados en Grecia.", False),
        ("iom", "La OIM coordinó los proyectos.", True),  # an acronym in another language
        ("forum", "El Foro Mundial sobre Migración y Desarrollo.", True),
        ("summit", "La cumbre de Quito.", True),
        ("december", "Adoptée le 19 décembre 2023.", True),  # a month, in any language
        ("december", "Adoptée le 19 novembre 2023.", False),
    ],
)
def test_names_across_languages(name: str, passage: str, found: bool) -> None:
    assert has_name(canonical(passage), name) is found


def test_table_rows_are_folded_and_indexed_by_word() -> None:
    assert all(term == fold(term) for row in EQUIVALENTS for term in row)
    assert {"world bank", "banco mundial", "banque mondiale"} <= set(equivalents_of_word("bank"))
    assert equivalents_of_word("nonexistent") == []
