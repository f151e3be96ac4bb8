from __future__ import annotations

import pytest

from assistant.answer.condense import condense, looks_like_follow_up
from assistant.generation.generative import condense_with_model
from assistant.generation.llm.model_files import LLMUnavailableError
from tests.fakes import ScriptedChatModel

KNOMAD = "What is the KNOMAD trust fund?"


@pytest.mark.parametrize(
    "question",
    [
        "And how much did it raise?",
        "What about Mexico?",
        "¿Y cuánto recaudó?",
        "Et ce fonds, combien a-t-il levé ?",
        "How much did this fund raise last year?",
        "Its budget?",  # short: elliptical whatever its words
        "¿Cuál fue su presupuesto total?",
        "Quels sont leurs principaux résultats ?",
        "Which partners did they work with?",
    ],
)
def test_follow_ups_are_recognised(question: str) -> None:
    assert looks_like_follow_up(question)


@pytest.mark.parametrize(
    "question",
    [
        "What is the budget of the PALIM project in Belgium?",
        "¿Cuál es el presupuesto del proyecto PALIM en Bélgica?",
        "Quel est le budget du projet PALIM en Belgique ?",
        # A pronoun alone does not make a follow-up when the question has its own subject.
        "What role do cities play in partnerships that support labour migration?",
        "What are the main lessons of this evaluation about partnerships with the private sector?",
        "¿Qué países aportaron sus fondos al programa de migración laboral?",
        "What is the fund that finances diaspora investment in Africa?",
        "Which objective of the Global Compact covers their remittances?",
    ],
)
def test_self_contained_questions_are_not_follow_ups(question: str) -> None:
    assert not looks_like_follow_up(question)


def test_condense_without_history_or_follow_up_keeps_the_question() -> None:
    assert condense("And how much did it raise?", []) == "And how much did it raise?"
    assert condense("And how much did it raise?", ["", "  "]) == "And how much did it raise?"
    question = "What is the budget of the PALIM project in Belgium?"
    assert condense(question, [KNOMAD]) == question


def test_condense_carries_the_previous_acronym_and_names() -> None:
    assert condense("And how much did it raise?", [KNOMAD]) == "And how much did it raise? (KNOMAD)"
    assert condense("And how much did it raise?", ["What did Nigeria raise?"]) == "And how much did it raise? (Nigeria)"


def test_condense_reads_the_last_question_asked() -> None:
    history = ["What did Nigeria raise?", KNOMAD, "   "]
    assert condense("And how much did it raise?", history) == "And how much did it raise? (KNOMAD)"


def test_condense_carries_the_whole_previous_question_when_it_names_nothing() -> None:
    previous = "what do remittances cost to send?"
    assert condense("And in 2019?", [previous]) == f"And in 2019? ({previous})"


# --- with a model ----------------------------------------------------------------------------------------------


def test_model_rewrite_is_used() -> None:
    llm = ScriptedChatModel(script=lambda prompt: "How much did the KNOMAD trust fund raise?\nIt is a fund.")
    history = ["What is a diaspora bond?", "Who uses them?", "How do remittances work?", KNOMAD]
    rewritten = condense_with_model(llm, "And how much did it raise?", history)
    assert rewritten == "How much did the KNOMAD trust fund raise?"  # its first line only
    prompt = "\n".join(m.text for m in llm.prompts[0])
    assert "Last question: And how much did it raise?" in prompt
    assert f"- {KNOMAD}" in prompt
    assert "What is a diaspora bond?" not in prompt  # the last three questions only


def test_model_is_not_asked_about_a_self_contained_question() -> None:
    llm = ScriptedChatModel(script=lambda prompt: "something else entirely")
    question = "What is the budget of the PALIM project in Belgium?"
    assert condense_with_model(llm, question, [KNOMAD]) == question
    assert condense_with_model(llm, "And how much did it raise?", []) == "And how much did it raise?"
    assert llm.prompts == []


def _fail(error: Exception) -> ScriptedChatModel:
    def script(prompt: str) -> str:
        raise error

    return ScriptedChatModel(script=script)


@pytest.mark.parametrize("error", [LLMUnavailableError("timeout after 120 s"), RuntimeError("out of memory")])
def test_failing_model_falls_back_to_the_heuristic(error: Exception) -> None:
    rewritten = condense_with_model(_fail(error), "And how much did it raise?", [KNOMAD])
    assert rewritten == "And how much did it raise? (KNOMAD)"


@pytest.mark.parametrize(
    "reply",
    [
        "",
        "   \n  ",
        "Sure! " + "The KNOMAD trust fund is a multi-donor fund that supports research on migration. " * 5,
    ],
)
def test_empty_or_rambling_rewrite_falls_back_to_the_heuristic(reply: str) -> None:
    llm = ScriptedChatModel(script=lambda prompt: reply)
    assert condense_with_model(llm, "And how much did it raise?", [KNOMAD]) == "And how much did it raise? (KNOMAD)"
    assert len(llm.prompts) == 1
