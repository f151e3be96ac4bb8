"""The real bundled GGUF through llama.cpp in its worker process. Never skipped: without the runtime or the model
these fail.

Setup (once): python scripts/setup_llm.py --install-llama
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage, SystemMessage

from assistant.answer.messages import FELL_BACK
from assistant.api import Assistant
from assistant.generation.llm.backends import make_chat_model
from assistant.generation.llm.model_files import LLMUnavailableError
from gfmd.settings import Settings
from gfmd.text.languages import detect_language
from gfmd.text.normalize import normalize_ws
from gfmd.text.quotes import quoted_in

pytestmark = [pytest.mark.integration, pytest.mark.slow]

PASSAGE = (
    "[1] El Foro Mundial sobre Migración y Desarrollo (FMMD) celebró su cumbre de 2020 bajo la presidencia "
    "de los Emiratos Árabes Unidos. La cumbre se celebró de forma virtual debido a la pandemia."
)
MESSAGES = [
    SystemMessage("Responde en español, en una frase, usando sólo el pasaje. Cita el pasaje como [1]."),
    HumanMessage(f"{PASSAGE}\n\nPregunta: ¿Qué país ejerció la presidencia del FMMD en 2020?"),
]


def test_bundled_model_answers_from_the_passage() -> None:
    llm = make_chat_model("local", max_tokens=48, timeout=300)  # assembles/verifies the GGUF, loads it
    answer = llm.invoke(MESSAGES)
    assert isinstance(answer.content, str)
    assert "Emirato" in answer.content, answer.content  # the 0.5B model's Spanish is shaky: "Emirato(s) Árabes"
    assert answer.response_metadata["finish_reason"] in {"stop", "length"}

    chunks = [str(c.content) for c in llm.stream(MESSAGES) if c.content]
    assert len(chunks) > 2  # tokens arrive one by one
    assert "".join(chunks) == answer.content  # temperature 0: the same answer again


def test_bundled_model_answers_through_the_assistant(real_index_dir: Path, seed_path: Path) -> None:
    """End to end on the real index: retrieve, prompt, generate, verify. The evidence is the Spanish seed paper, so
    the model translates its quote into English. The translation is shown only when verified; otherwise the
    extractive answer is, with a notice saying why."""
    settings = Settings(
        index_dir=real_index_dir, answer_mode="generative", llm_backend="local", llm_max_tokens=48, llm_timeout=300
    )
    assistant = Assistant(settings)
    assert assistant.start_model(wait=300).generative, assistant.model_status()
    events = list(assistant.stream("How many international migrants were there in 2019?"))
    answer = events[-1].answer
    assert answer is not None and [e.kind for e in events[:-1]] == ["token"] * (len(events) - 1)
    assert not answer.refused, answer.notice
    assert answer.citations and "272" in " ".join(c.quote for c in answer.citations)
    if answer.mode == "generative":
        assert all(s.supported for s in answer.sentences if s.text in answer.answer)
        assert "272" in answer.answer
        translated = [s.text for s in answer.sentences if s.supported and s.text not in answer.citations[0].quote]
        assert translated and detect_language(" ".join(translated)) == "en", answer.answer
        for citation in answer.citations:
            assert quoted_in(citation.quote, normalize_ws(citation.text))
    else:
        assert answer.notice.startswith(FELL_BACK["en"].split("(")[0]), answer.notice
    seed_text = normalize_ws(seed_path.read_text(encoding="utf-8"))
    assert any(quoted_in(c.quote, seed_text) for c in answer.citations)


def test_real_model_call_times_out() -> None:
    llm = make_chat_model("local", max_tokens=400, timeout=0.3)
    assert llm.worker().start(wait=300).generative  # type: ignore[attr-defined]
    with pytest.raises(LLMUnavailableError, match="timeout"):
        llm.invoke([HumanMessage("Escribe un ensayo largo sobre la migración laboral.")])


def test_long_prefill_stops_at_the_deadline_and_the_model_recovers() -> None:
    long_prompt = "Resume estos pasajes. " + " ".join([PASSAGE] * 60)  # ~3,000 tokens: a minute of prefill here
    llm = make_chat_model("local", max_tokens=16, timeout=2)
    assert llm.worker().start(wait=300).generative  # type: ignore[attr-defined]
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailableError, match="timeout"):
        llm.invoke([HumanMessage(long_prompt)])
    assert time.monotonic() - t0 < 6  # aborted inside the prefill, not after it
    assert "Emirato" in str(make_chat_model("local", max_tokens=48, timeout=300).invoke(MESSAGES).content)


def test_not_a_gguf_is_reported(tmp_path: Path) -> None:
    bad = tmp_path / "broken.gguf"
    bad.write_bytes(b"GGUF" + b"\0" * 4096)
    with pytest.raises(LLMUnavailableError, match="could not load"):
        make_chat_model("local", model_path=str(bad), timeout=120).invoke([HumanMessage("Hola")])


def test_sigkill_of_the_real_worker_costs_one_answer_and_it_comes_back() -> None:
    llm = make_chat_model("local", max_tokens=200, timeout=120)
    worker = llm.worker()  # type: ignore[attr-defined]
    assert worker.start(wait=300).generative
    pid = worker.pid
    stream = llm.stream([HumanMessage("Escribe un ensayo largo sobre la migración laboral.")])
    assert next(stream) is not None
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(LLMUnavailableError, match="SIGKILL"):
        list(stream)
    deadline = time.monotonic() + 300
    while not worker.status().generative:
        assert time.monotonic() < deadline and worker.status().state in ("restarting", "starting"), worker.status()
        time.sleep(0.2)
    assert worker.pid != pid
    assert "Emirato" in str(llm.invoke(MESSAGES).content)
