from __future__ import annotations

import pytest

from assistant.retrieval.glossary import expansions, spelled_out, translate_words
from assistant.retrieval.glossary_data import DOMAIN, QUESTION_WORDS


@pytest.mark.parametrize("rows", [DOMAIN, QUESTION_WORDS])
def test_every_row_has_a_term_in_each_language(rows: str) -> None:
    for line in rows.splitlines():
        cells = line.split("|")
        assert len(cells) == 3, line  # a malformed row would be skipped silently
        assert all(term.strip() for cell in cells for term in cell.split(",")), line


def test_expansions_give_every_language_equivalent() -> None:
    found = expansions("How much did remittances to Ethiopia reach?")
    assert {"remesas", "transferts de fonds", "etiopia", "ethiopie"} <= set(found)


def test_question_words_render_but_do_not_expand() -> None:
    question = "¿Quién realizó la evaluación final externa?"
    assert translate_words(question, "en").startswith("¿who conducted")
    assert "who" not in expansions(question) and "qui" not in expansions(question)


def test_longest_terms_win_and_other_words_stay() -> None:
    assert translate_words("How much had the trust fund raised by 2023?", "es") == (
        "cuanto had the fondo fiduciario recaudado by 2023?"
    )
    assert translate_words("Quand l'appui au niveau structurel doit-il commencer ?", "en") == (
        "when l'support au level structural doit-il commencer ?"
    )


def test_acronyms_in_capitals_are_spelled_out_in_every_language() -> None:
    names = spelled_out("GCM_A-RES-73-195_2018_23-Objectives-and-Actions_extract_en.md")
    assert "global compact for safe, orderly and regular migration" in names
    assert "pacto mundial sobre migracion" in names and "pacte mondial sur les migrations" in names
    assert spelled_out("la declaración de Los Angeles, una iniciativa conjunta") == []  # prose is not acronyms
