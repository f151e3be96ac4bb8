from __future__ import annotations

import numpy as np
import pytest

from assistant.answer.candidates import refers_back
from tests.assistant.answer.extractive_support import FAKE, ask, check_citations, scored

# An invented project, so no glossary row or name table knows it: what it does is named two sentences before the
# sentence that gives its budget, which calls it only "the project".
PILOT = scored(
    0,
    "Our region trains nurses in many ways. Quuxhaven runs a nursing project for 60 graduates. About half of them "
    "will work in the capital. The budget of the project amounts to 1.5 million euros.",
    0.9,
)


@pytest.mark.parametrize(
    ("sentence", "before", "lang"),
    [
        (
            "El presupuesto del proyecto asciende a 1.5 millones de euros.",
            "Este proyecto piloto (QUUX) forma a 60.",
            "es",
        ),
        ("The fund raised 5 million dollars.", "The Quuxland Trust Fund was created in 2020.", "en"),
        ("Ce programme a coûté 2 millions d'euros.", "Le programme Zorba aide les rapatriés.", "fr"),
    ],
)
def test_a_definite_or_demonstrative_noun_named_just_before_refers_back(sentence: str, before: str, lang: str) -> None:
    assert refers_back(sentence, before, lang)


def test_a_noun_the_sentences_before_did_not_name_does_not_refer_back() -> None:
    assert not refers_back("The budget amounts to 1.5 million euros.", "The Quuxhaven pilot trains nurses.", "en")
    assert not refers_back("Budgets vary.", "The budget of the project is large.", "en")  # no article, no antecedent


def test_a_sentence_that_refers_back_is_read_and_quoted_with_what_it_refers_to() -> None:
    question = "What is the budget of the Quuxhaven project?"
    result = ask(question, [PILOT], min_support=0.1, max_sentences=1)
    assert not result.refused
    quote = result.citations[0].quote
    assert "1.5 million euros" in quote
    assert quote.startswith("Quuxhaven runs a nursing project")  # the antecedent, two sentences back
    check_citations(result, [PILOT])
    # its support is the mean of the sentence read alone and read with the two sentences before it
    q = FAKE.embed_queries([question])[0]
    alone, paired = (
        np.asarray(
            FAKE.embed_documents(
                [
                    "The budget of the project amounts to 1.5 million euros.",
                    "Quuxhaven runs a nursing project for 60 graduates. About half of them will work in the capital. "
                    "The budget of the project amounts to 1.5 million euros.",
                ]
            )
        )
        @ q
    )
    assert paired > alone
    assert result.best_score == pytest.approx((alone + paired) / 2, abs=1e-4)


def test_a_sentence_that_names_its_subject_is_read_alone() -> None:
    named = scored(0, "Our region trains nurses. The Quuxhaven pilot budget amounts to 1.5 million euros.", 0.9)
    result = ask("What is the budget of the Quuxhaven pilot?", [named], min_support=0.1, max_sentences=1)
    assert not result.refused
    assert result.citations[0].quote.startswith("The Quuxhaven pilot budget")
