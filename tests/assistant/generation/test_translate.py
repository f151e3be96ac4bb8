"""Cross-lingual generative answers (assistant/generation/translate.py): the extractive quotes, translated and verified.

A scripted fake translator over a small real index (the Spanish seed, an English note and brief). The hashing
fake embedder's similarities are low, so the answer gate and the semantic support threshold are opened.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from assistant.answer.messages import KEPT_IN_SOURCE, MODEL_UNAVAILABLE, TRANSLATED
from assistant.api import Assistant
from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.prompts import TRANSLATE_SYSTEM
from assistant.generation.translate import translated_answer
from gfmd.records import Answer, Filters, ScoredChunk
from gfmd.text.magnitudes import restore_magnitudes
from gfmd.text.sentences import split_sentences
from tests.fakes import ScriptedChatModel

QUESTION_FR = "Combien le Nigeria a-t-il levé avec ses obligations de la diaspora en 2017 ?"
NOTE = "remittances-note_2020_en.txt"
LAST_FENCE = re.compile(r".*<<<\n(.*?)\n>>>(?:\n[^\n]*)?\s*$", re.DOTALL)  # the request's last fenced text


def translator(table: dict[str, str]) -> Callable[[str], str]:
    """A fake translator: the quote of the prompt's last message, replaced by the first entry whose key it holds
    (unchanged when none does, as the small model often does)."""

    def script(prompt: str) -> str:
        match = LAST_FENCE.search(prompt)
        if match:
            text = match.group(1)
        else:  # asked as a translator, with the text alone after the system message
            assert "traducteur" in prompt or "traductor" in prompt or "translator" in prompt, prompt[-400:]
            text = prompt.split("\n", 1)[1]
        return next((out for key, out in table.items() if key in text), text)

    return script


@pytest.fixture
def build(generative: Callable[..., Assistant]) -> Callable[..., Assistant]:
    def make(llm: object, **overrides: object) -> Assistant:
        return generative(llm, **{"llm_grounding": "quotes", **overrides})

    return make


QUESTION_TWO = "En 2019, combien ont atteint les envois de fonds vers les pays à revenu faible et intermédiaire ?"
SEED_QUOTE = "Nigeria recaudó $330 millones mediante bonos de la diáspora en el 2017."
NIGERIA_FR = "Le Nigeria a levé 330 millions de dollars grâce aux obligations de la diaspora en 2017."


def _stream(assistant: Assistant, question: str) -> tuple[str, Answer]:
    events = list(assistant.stream(question))
    assert [e.kind for e in events].count("answer") == 1 and events[-1].answer is not None
    return "".join(e.text for e in events[:-1]), events[-1].answer


def test_a_quote_in_another_language_is_translated_streamed_and_cited(build: Callable[..., Assistant]) -> None:
    llm = ScriptedChatModel(script=translator({"$330 millones": NIGERIA_FR}))
    assistant = build(llm)
    extractive = assistant.ask(QUESTION_FR, mode="extractive")
    assert [c.quote for c in extractive.citations] == [SEED_QUOTE]  # Spanish evidence for a French question

    streamed, answer = _stream(assistant, QUESTION_FR)
    assert streamed.startswith(NIGERIA_FR)
    assert answer.mode == "generative" and not answer.refused
    assert answer.answer == f"{NIGERIA_FR} [1]"
    assert answer.notice == TRANSLATED["fr"]
    assert [(c.n, c.quote) for c in answer.citations] == [(1, SEED_QUOTE)]  # the verbatim Spanish sentence
    assert [(s.text, s.citations, s.supported) for s in answer.sentences] == [(NIGERIA_FR, [1], True)]
    system, *_, last = llm.prompts[-1]
    assert system.text == TRANSLATE_SYSTEM
    # Asked in the language wanted: told in English, the small model often wrote English.
    assert "Texte en espagnol :" in last.text and "en français." in last.text and SEED_QUOTE in last.text
    assert {"first_token", "generate", "verify"} <= set(answer.timings_ms)


def test_a_magnitude_word_the_model_got_wrong_is_set_from_its_source(build: Callable[..., Assistant]) -> None:
    """ "330 millones" translated as "330 milliards": the source says which power of ten the figure has, so the
    word is rewritten ("330 millions") and the translation verified like any other, never shown as written."""
    wrong = "Le Nigeria a levé 330 milliards de dollars grâce aux obligations de la diaspora en 2017."
    assistant = build(ScriptedChatModel(script=translator({"$330 millones": wrong})))
    answer = assistant.ask(QUESTION_FR)
    assert answer.mode == "generative" and "milliards" not in answer.answer
    assert answer.answer == f"{NIGERIA_FR} [1]"


def test_restore_magnitudes_rewrites_only_a_figure_its_source_gives_one_magnitude() -> None:
    source = "El presupuesto totalizó € 17.7 mil millones; recaudó 12 millones y luego 12 mil millones."
    said = "The budget totalled € 17.7 million; it raised 12 billion, then 3 million."
    assert restore_magnitudes(said, "en", source, "es") == (
        "The budget totalled € 17.7 billion; it raised 12 billion, then 3 million."  # 12: two magnitudes; 3: none
    )
    assert restore_magnitudes("Il y a 1 milliard de fonds.", "fr", "The fund has 1 million.", "en") == (
        "Il y a 1 million de fonds."
    )
    assert restore_magnitudes("Se reunieron 554 million.", "es", "reached 554 billion", "en") == (
        "Se reunieron 554 mil millones."
    )


def _passage_with(assistant: Assistant, needle: str) -> ScoredChunk:
    found = [c for c in assistant.index.store.all_chunks() if needle in c.text]
    assert found, needle
    return ScoredChunk(chunk=found[0], score=1.0)


def _quote(passage: ScoredChunk, needle: str) -> str:
    return next(s for s in split_sentences(passage.chunk.text) if needle in s)


def test_a_failed_translation_is_replaced_by_its_quote_and_the_others_are_kept(
    build: Callable[..., Assistant],
) -> None:
    good = "En 2019, les envois de fonds vers les pays à revenu faible ont atteint 554 milliards de dollars."
    wrong = (
        "En 2019, il y avait environ 282 millions de migrants internationaux, soit 3.5 pour cent de la population "
        "mondiale."
    )
    assistant = build(ScriptedChatModel(script=translator({"554 billion": good, "272 millones": wrong})))
    context = [_passage_with(assistant, "554 billion"), _passage_with(assistant, "272 millones")]
    quotes = [_quote(context[0], "554 billion"), _quote(context[1], "272 millones")]
    timings: dict[str, float] = {}
    run = translated_answer(assistant.generation_deps(assistant.llm()), QUESTION_TWO, "fr", context, quotes, timings)
    streamed: list[str] = []
    try:
        while True:
            streamed.append(next(run).text)
    except StopIteration as stop:
        done = stop.value
    assert "".join(streamed).startswith(good)
    assert [(v.text, v.citations, v.supported) for v in done.verdicts] == [
        (good, [1], True),
        (wrong, [2], False),  # reported, with its reason...
        (quotes[1], [2], True),  # ...and replaced by the Spanish quote it translated
    ]
    assert done.verdicts[1].reason.startswith("figures not in the cited passages: 282")
    assert done.notice == f"{KEPT_IN_SOURCE['fr'].format(n=1)} {TRANSLATED['fr']}"
    assert done.any_kept(quotes) and not done.failure
    assert {"first_token", "generate", "verify"} <= set(timings)


def test_an_untranslated_reply_is_not_shown_as_a_translation(build: Callable[..., Assistant]) -> None:
    """The small model often copies the Spanish quote: that is no French answer."""
    llm = ScriptedChatModel(script=translator({}))
    answer = build(llm).ask(QUESTION_FR)
    assert answer.mode == "extractive"
    assert "not in the question's language (fr)" in answer.notice
    assert len(llm.prompts) == 3  # asked three ways, copied each time


def test_a_copied_quote_is_asked_for_again_in_another_way(build: Callable[..., Assistant]) -> None:
    """The first way of asking got the Spanish quote back; asked as a translator into French, the model translates."""
    copies = translator({})

    def script(prompt: str) -> str:
        return NIGERIA_FR if "traducteur professionnel" in prompt else copies(prompt)

    llm = ScriptedChatModel(script=script)
    answer = build(llm).ask(QUESTION_FR)
    assert answer.mode == "generative" and answer.answer == f"{NIGERIA_FR} [1]"
    assert len(llm.prompts) == 2


def test_a_model_that_fails_gives_the_extractive_answer_with_the_reason(build: Callable[..., Assistant]) -> None:
    def down(prompt: str) -> str:
        raise LLMUnavailableError("endpoint down (connection refused)")

    assistant = build(ScriptedChatModel(script=down))
    answer = assistant.ask(QUESTION_FR)
    assert answer.mode == "extractive" and not answer.refused
    assert answer.answer == assistant.ask(QUESTION_FR, mode="extractive").answer
    assert answer.notice.startswith(MODEL_UNAVAILABLE["fr"].format(reason="endpoint down (connection refused)"))


def test_evidence_in_the_question_language_is_not_translated(build: Callable[..., Assistant]) -> None:
    llm = ScriptedChatModel(script=lambda prompt: "Nigeria recaudó $330 millones con bonos de la diáspora en 2017. [1]")
    assistant = build(llm, llm_same_language="restate")
    # Spanish evidence only: the English brief holds the same figure, and which one the fake embedder prefers is
    # not the point here.
    answer = assistant.ask(
        "¿Cuánto recaudó Nigeria con su primer bono de la diáspora en 2017?", filters=Filters(lang="es")
    )
    assert [c.lang for c in answer.citations] == ["es"]
    assert llm.prompts and all(m[0].text != TRANSLATE_SYSTEM for m in llm.prompts)
