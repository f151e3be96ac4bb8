"""The chat's pure generators, driven by a fake assistant."""

from __future__ import annotations

from pathlib import Path

import pytest

from gfmd.errors import IndexUnavailableError
from gfmd.records import Filters
from tests.ui.conftest import FakeAssistant, build_tiny_assistant, make_answer
from ui.chat import (
    ERROR_MESSAGE,
    PROGRESS,
    STOPPED,
    Conversation,
    chat_turn,
    feedback_rating,
    make_filters,
    stream_answer,
)

SERVER_DOWN = IndexUnavailableError(
    "reading from the Chroma server at http://127.0.0.1:8000 failed: ConnectError: [Errno 111] Connection refused"
)


def test_stream_shows_text_as_it_comes_then_the_sources() -> None:
    updates = list(stream_answer(FakeAssistant(), "How much?"))
    assert len(updates) > 3
    partial = [u for u in updates if not u.done]
    assert partial and all(u.sources == "" and u.answer is None for u in partial)
    lengths = [len(u.markdown) for u in partial]
    assert lengths == sorted(lengths)
    last = updates[-1]
    assert last.done and last.answer is not None
    assert 'id="gfmd-source-1"' in last.sources
    assert "<sup>" in last.markdown


def test_stream_passes_filters_history_mode_and_k() -> None:
    fake = FakeAssistant()
    filters = Filters(lang="es")
    list(stream_answer(fake, "q", filters=filters, history=["earlier"], mode="generative", k=3))
    assert fake.calls == [{"question": "q", "k": 3, "filters": filters, "history": ["earlier"], "mode": "generative"}]


def test_a_failing_assistant_gives_an_error_message_not_a_crash() -> None:
    updates = list(stream_answer(FakeAssistant(fail=True), "q"))
    assert updates[-1].done and updates[-1].answer is None
    assert "went wrong" in updates[-1].markdown


def test_an_unavailable_index_is_named_in_the_chat() -> None:
    updates = list(stream_answer(FakeAssistant(error=SERVER_DOWN), "q"))
    last = updates[-1]
    assert last.done and last.answer is None
    assert last.error.startswith(f"Index unavailable: {SERVER_DOWN}")
    assert "Index unavailable" in last.markdown and "went wrong" not in last.markdown


def test_a_turn_with_an_unavailable_index_records_what_it_showed() -> None:
    conversation = Conversation()
    steps = list(chat_turn(FakeAssistant(error=SERVER_DOWN), conversation, "How much?"))
    messages, _ = steps[-1]
    assert messages[-1]["role"] == "assistant" and "Index unavailable" in messages[-1]["content"]
    failed = conversation.answers[-1]
    assert failed.refused and failed.answer.startswith("Index unavailable: reading from the Chroma server at")


def test_the_real_assistant_losing_its_index_mid_session(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A real `Assistant` whose store stops answering (the Chroma server went away after start)."""
    assistant = build_tiny_assistant(tmp_path)

    def server_down(*args: object, **kwargs: object) -> None:
        raise SERVER_DOWN

    monkeypatch.setattr(assistant.index.store, "registered_versions", server_down)
    monkeypatch.setattr(assistant.index.store, "dense_search", server_down)
    assistant.index.registry_check_s = 0.0
    last = list(stream_answer(assistant, "How much did the pilot facility raise?"))[-1]
    assert last.answer is None and last.error.startswith("Index unavailable: reading from the Chroma server")


def test_turns_pass_earlier_questions_as_history() -> None:
    fake = FakeAssistant()
    conversation = Conversation()
    for question in ("First question?", "And the second?", "A third?"):
        list(chat_turn(fake, conversation, question))
    assert [c["history"] for c in fake.calls] == [[], ["First question?"], ["First question?", "And the second?"]]
    assert len(conversation.messages) == 6
    assert [m["role"] for m in conversation.messages] == ["user", "assistant"] * 3
    assert conversation.selected == 2
    assert conversation.answer_at_message(3) is conversation.answers[1]
    assert conversation.answer_at_message(2) is None and conversation.answer_at_message(99) is None


def test_each_turn_links_markers_to_its_own_answer() -> None:
    conversation = Conversation()
    list(chat_turn(FakeAssistant(), conversation, "one"))
    list(chat_turn(FakeAssistant(), conversation, "two"))
    assert "#gfmd-source-0-1" in conversation.messages[1]["content"]
    assert "#gfmd-source-1-1" in conversation.messages[3]["content"]


def test_turn_yields_the_question_and_a_progress_cue_first_and_escapes_it() -> None:
    conversation = Conversation()
    steps = list(chat_turn(FakeAssistant(), conversation, "  <b>Why?</b>  "))
    first_messages, first_sources = steps[0]
    assert first_messages == [
        {"role": "user", "content": "&lt;b&gt;Why?&lt;/b&gt;"},
        {"role": "assistant", "content": f"<em>{PROGRESS['en']}</em>"},
    ]
    assert first_sources == ""
    assert steps[-1][1].startswith('<div class="gfmd-sources-panel" data-turn="0"><h4>Sources</h4>')
    assert all(sources == "" for _, sources in steps[:-1])  # the panel fills once the answer is complete


def test_empty_question_does_nothing() -> None:
    fake = FakeAssistant()
    conversation = Conversation()
    assert list(chat_turn(fake, conversation, "   ")) == []
    assert fake.calls == [] and conversation.answers == []


def test_overlong_question_is_cut_in_the_chat_but_sent_whole() -> None:
    fake = FakeAssistant()
    conversation = Conversation()
    list(chat_turn(fake, conversation, "x" * 50, max_chars=10))
    assert conversation.messages[0]["content"] == "x" * 10 + "…"
    assert fake.calls[0]["question"] == "x" * 50  # the assistant refuses it with its own message


def test_failed_turn_is_recorded_as_a_refusal() -> None:
    conversation = Conversation()
    steps = list(chat_turn(FakeAssistant(fail=True), conversation, "q"))
    assert 'data-turn="0"' in steps[-1][1] and "gfmd-hint" in steps[-1][1]
    assert conversation.answers[0].refused and conversation.answers[0].answer == ERROR_MESSAGE


def test_filters_from_the_controls() -> None:
    assert make_filters([], "Any", "Any") is None
    assert make_filters(None, None, "") is None
    assert make_filters(["a.pdf"], "es", "2020") == Filters(sources=("a.pdf",), lang="es", year=2020)


def test_rating_the_same_answer_twice_records_once() -> None:
    conversation = Conversation(answers=[make_answer(), make_answer()])
    assert conversation.rate(1, "up") is conversation.answers[0]
    assert conversation.rate(1, "up") is None
    assert conversation.rate(1, "wrong_evidence") is conversation.answers[0]
    assert conversation.rate(3, "up") is conversation.answers[1]
    assert conversation.rate(1, None) is None  # taken back: the next rating counts again
    assert conversation.rate(1, "wrong_evidence") is conversation.answers[0]
    assert conversation.rate(0, "up") is None  # a user message


def test_feedback_events_map_to_ratings() -> None:
    assert feedback_rating(True) == "up"
    assert feedback_rating(False) == "down"
    assert feedback_rating("The evidence is wrong") == "wrong_evidence"
    assert feedback_rating("") is None and feedback_rating("Something else") is None


# --- stop and retry ------------------------------------------------------------------------------------------------


def test_stopping_a_running_answer_keeps_none_of_its_text() -> None:
    conv = Conversation()
    turn = chat_turn(FakeAssistant(), conv, "How much did the pilot facility raise?")
    next(turn)  # the question is shown
    partial, _ = next(turn)  # the answer has started
    assert partial[-1]["role"] == "assistant" and partial[-1]["content"]
    assert conv.stop()
    assert list(turn) == []  # the turn ends without showing or recording anything more
    assert [m["role"] for m in conv.messages] == ["user", "assistant"]
    assert conv.messages[1]["content"] == STOPPED["en"]
    (answer,) = conv.answers
    assert answer.refused and answer.question == "How much did the pilot facility raise?" and not answer.citations
    assert conv.pending is None and not conv.stop()  # nothing left to stop


def test_a_stopped_answer_is_announced_in_the_askers_language() -> None:
    conv = Conversation()
    turn = chat_turn(FakeAssistant(), conv, "¿Cuánto recaudó el fondo piloto?")
    next(turn)
    conv.stop()
    assert conv.messages[-1]["content"] == STOPPED["es"]


def test_stop_without_a_running_answer_changes_nothing() -> None:
    conv = Conversation()
    list(chat_turn(FakeAssistant(), conv, "How much did the pilot facility raise?"))
    before = (list(conv.messages), list(conv.answers))
    assert not conv.stop()
    assert (conv.messages, conv.answers) == before


def test_retry_takes_back_the_last_turn_and_gives_its_question() -> None:
    conv = Conversation()
    fake = FakeAssistant()
    for question in ("Who coordinated the pilot projects?", "How much did the pilot facility raise?"):
        list(chat_turn(fake, conv, question))
    conv.rate(3, "down")
    assert conv.take_last() == "How much did the pilot facility raise?"
    assert len(conv.answers) == 1 and len(conv.messages) == 2 and conv.selected == 0
    assert 1 not in conv.ratings
    list(chat_turn(fake, conv, "How much did the pilot facility raise?"))
    assert len(conv.answers) == 2 and fake.calls[-1]["history"] == ["Who coordinated the pilot projects?"]


def test_retry_has_nothing_to_take_back_while_an_answer_runs_or_before_any() -> None:
    conv = Conversation()
    assert conv.take_last() is None
    turn = chat_turn(FakeAssistant(), conv, "How much did the pilot facility raise?")
    next(turn)
    assert conv.take_last() is None


# --- the question shown before its answer starts, and each answer's own pin button ----------------------------------


def test_a_question_begun_outside_the_queue_is_answered_once_by_the_turn() -> None:
    conv = Conversation()
    shown = conv.begin("¿Cuánto recaudó el fondo piloto?")
    assert shown is not None and shown[-1]["content"] == f"<em>{PROGRESS['es']}</em>"
    assert conv.waiting() == "¿Cuánto recaudó el fondo piloto?"
    fake = FakeAssistant()
    turn = chat_turn(fake, conv, "¿Cuánto recaudó el fondo piloto?")
    assert next(turn)[0] == shown  # the turn goes on from what was shown, not a second copy of the question
    assert conv.waiting() is None and conv.begin("Another question while it runs?") is None
    list(turn)
    assert [m["role"] for m in conv.messages] == ["user", "assistant"] and len(fake.calls) == 1
    assert conv.pending is None and conv.begin("   ") is None


def test_a_begun_question_can_be_stopped_before_its_answer_starts() -> None:
    conv = Conversation()
    conv.begin("How much did the pilot facility raise?")
    assert conv.stop()
    assert conv.messages[-1]["content"] == STOPPED["en"] and conv.waiting() is None


def test_each_answer_ends_with_its_own_pin_button_and_a_failure_has_none() -> None:
    conv = Conversation()
    list(chat_turn(FakeAssistant(), conv, "one"))
    list(chat_turn(FakeAssistant(answer=make_answer(lang="fr")), conv, "deux"))
    list(chat_turn(FakeAssistant(fail=True), conv, "three"))
    assert conv.messages[1]["content"].endswith('<a href="#gfmd-pin-0" class="gfmd-pin">Add to brief</a>')
    assert conv.messages[3]["content"].endswith('<a href="#gfmd-pin-1" class="gfmd-pin">Ajouter au dossier</a>')
    assert "gfmd-pin" not in conv.messages[5]["content"]
    refusal = make_answer(answer="The documents don't say.", refused=True, citations=[])
    list(chat_turn(FakeAssistant(answer=refusal), conv, "four"))
    assert conv.messages[7]["content"].endswith('<a href="#gfmd-pin-3" class="gfmd-pin gfmd-pin-off">Add to brief</a>')
