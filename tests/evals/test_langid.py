"""The language-detection measurement (evals/langid.py): how it cuts questions down, and what it finds."""

from __future__ import annotations

from evals.golden import default_golden_files, load_golden
from evals.langid import cases_of, keywords, score
from gfmd.text.languages import detect_language


def test_keywords_keep_the_first_content_words_in_order() -> None:
    question = "Según el documento de referencia del FMMD 2020, ¿cuántos migrantes internacionales había en 2019?"
    assert keywords(question, 2) == "migrantes internacionales"
    assert keywords("Who funds the Migration Multi-Partner Trust Fund?", 3) == "funds Migration Multi-Partner"


def test_a_question_with_too_few_content_words_has_no_short_form() -> None:
    assert keywords("What is it?", 2) is None


def test_keyword_forms_of_the_dev_questions_are_read_in_their_language() -> None:
    # A guard a little below what evals.langid measures on the dev split (docs/evaluation.md).
    items = [i for i in load_golden(default_golden_files("dev")) if i.split == "dev"]
    for name, cases in cases_of(items).items():
        row = score(lambda t: detect_language(t, default="en"), cases, name)
        assert row.right / row.total >= 0.95, row.line()
