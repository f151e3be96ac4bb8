"""The model worker killed while it answers: that answer falls back to the verified quotes, the next question is
answered, and the worker comes back. The worker is a real process running a fake engine (no llama.cpp needed)."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from assistant.answer.messages import MODEL_UNAVAILABLE
from assistant.api import Assistant
from assistant.generation.llm.local import LocalLlamaChat, close_workers
from gfmd.records import Answer

QUESTION = "How much did Nigeria raise with its first diaspora bond?"
UNAVAILABLE_EN = MODEL_UNAVAILABLE["en"].split("(")[0]


@pytest.fixture(autouse=True)
def _stop_workers() -> Iterator[None]:
    yield
    close_workers()


@pytest.fixture
def assistant(generative: Callable[..., Assistant], tmp_path: Path) -> Assistant:
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    llm = LocalLlamaChat(model_path=str(model), engine="tests.assistant.generation.llm.fake_engine:slow", timeout=30)
    # "restate": the model is asked even when the quotes are in the question's language
    return generative(llm, llm_same_language="restate")


def worker_pid(assistant: Assistant) -> int:
    pid = assistant.llm().worker().pid
    assert pid is not None
    return int(pid)


def test_sigkill_mid_answer_falls_back_then_the_next_question_is_answered_and_the_worker_returns(
    assistant: Assistant,
) -> None:
    assert assistant.start_model(wait=60).generative
    first_pid = worker_pid(assistant)

    # 1. Kill the worker once the model's first tokens have been streamed.
    answer: Answer | None = None
    tokens = 0
    for event in assistant.stream(QUESTION):
        if event.kind == "token":
            tokens += 1
            if tokens == 1:
                os.kill(first_pid, signal.SIGKILL)
        else:
            answer = event.answer
    assert answer is not None and not answer.refused and answer.citations
    assert answer.mode == "extractive" and answer.notice.startswith(UNAVAILABLE_EN), answer.notice
    assert "SIGKILL" in answer.notice and "300 million" in answer.answer  # the verified quote

    # 2. The next question is answered at once, from the quotes, while the worker restarts.
    status = assistant.model_status()
    assert status.state == "restarting" and status.crashes == 1
    following = assistant.ask(QUESTION)
    assert not following.refused and following.citations and following.notice.startswith(UNAVAILABLE_EN)

    # 3. The worker comes back (a new process, self-tested) and the model answers again.
    deadline = time.monotonic() + 60
    while not assistant.model_status().generative:
        assert time.monotonic() < deadline, assistant.model_status()
        time.sleep(0.1)
    assert worker_pid(assistant) != first_pid
    again = assistant.ask(QUESTION)
    assert "first_token" in again.timings_ms and UNAVAILABLE_EN not in again.notice
