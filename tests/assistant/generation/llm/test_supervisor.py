"""The model worker's supervisor against real worker processes running fake engines: crashes, kills and hangs
cost one answer, the worker comes back, and a worker that keeps failing is switched off."""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Iterator

import pytest

from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.llm.supervisor import ModelWorker, NotReadyYet, WorkerPolicy, describe_exit
from gfmd.records import ModelStatus

MESSAGES = [{"role": "user", "content": "What makes partnerships last?"}]
FAST = WorkerPolicy(start_timeout_s=60, grace_s=1.0, backoff_s=(0.2, 0.4), max_failures=3, poll_s=0.1)


def command(engine: str) -> list[str]:
    fake = f"{__package__}.fake_engine:{engine}"
    return [sys.executable, "-m", "assistant.generation.llm.worker", "--model", "unused.gguf", "--engine", fake]


@pytest.fixture
def make_worker() -> Iterator[Callable[..., ModelWorker]]:
    made: list[ModelWorker] = []

    def make(
        engine: str = "quick", policy: WorkerPolicy = FAST, prepare: Callable[[], list[str]] | None = None
    ) -> ModelWorker:
        worker = ModelWorker(prepare or (lambda: command(engine)), policy)
        made.append(worker)
        return worker

    yield make
    for worker in made:
        worker.close()


def wait_for(worker: ModelWorker, predicate: Callable[[ModelStatus], bool], seconds: float = 30) -> ModelStatus:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        status = worker.status()
        if predicate(status):
            return status
        time.sleep(0.05)
    raise AssertionError(f"timed out; last status {worker.status()}")


def answer(worker: ModelWorker, timeout: float = 20) -> str:
    return "".join(text for text, _ in worker.stream(MESSAGES, {"max_tokens": 50}, timeout=timeout))


def test_worker_self_tests_then_answers(make_worker: Callable[..., ModelWorker]) -> None:
    worker = make_worker()
    assert worker.start(wait=60).state == "ready"
    assert answer(worker).startswith("Partnerships last")
    assert worker.pid is not None and worker.pid != os.getpid()


def test_sigkill_while_answering_costs_that_answer_only(make_worker: Callable[..., ModelWorker]) -> None:
    worker = make_worker("slow")
    assert worker.start(wait=60).generative
    first_pid = worker.pid
    assert first_pid is not None
    stream = worker.stream(MESSAGES, {"max_tokens": 50}, timeout=30)
    assert next(stream)[0]  # the answer has begun
    os.kill(first_pid, signal.SIGKILL)
    with pytest.raises(LLMUnavailableError, match="SIGKILL"):
        list(stream)
    assert worker.status().state == "restarting"
    with pytest.raises(LLMUnavailableError, match="restarting"):
        answer(worker)  # while it restarts, a question is told so at once
    back = wait_for(worker, lambda s: s.generative)
    assert back.crashes == 1 and worker.pid not in (None, first_pid)
    assert answer(worker).startswith("Partnerships last")


def test_a_crash_in_the_self_test_switches_generative_off_without_a_restart_loop(
    make_worker: Callable[..., ModelWorker],
) -> None:
    """A short prompt would pass; the self-test's realistic one (>= 400 tokens) reaches the faulting kernels."""
    spawned: list[int] = []

    def prepare() -> list[str]:
        spawned.append(1)
        return command("sigill_on_long_prompts")

    worker = make_worker(prepare=prepare)
    worker.start()
    status = wait_for(worker, lambda s: s.state == "disabled")
    assert "SIGILL" in status.message and "switched off" in status.message
    assert status.crashes == FAST.max_failures and len(spawned) == FAST.max_failures
    time.sleep(1.0)
    assert len(spawned) == FAST.max_failures  # no further restart
    with pytest.raises(LLMUnavailableError, match="switched off"):
        answer(worker)


def test_a_hung_worker_is_killed_after_the_deadline_and_restarted(make_worker: Callable[..., ModelWorker]) -> None:
    worker = make_worker("hangs", WorkerPolicy(grace_s=0.5, backoff_s=(0.2,), self_test=False, start_timeout_s=60))
    assert worker.start(wait=60).generative
    hung_pid = worker.pid
    started = time.monotonic()
    with pytest.raises(LLMUnavailableError, match="did not answer within 1 s"):
        answer(worker, timeout=1)
    assert time.monotonic() - started < 5
    wait_for(worker, lambda s: s.generative and worker.pid != hung_pid)


def test_an_abandoned_answer_is_cancelled_and_the_worker_keeps_serving(
    make_worker: Callable[..., ModelWorker],
) -> None:
    worker = make_worker("slow")
    assert worker.start(wait=60).generative
    pid = worker.pid
    stream = worker.stream(MESSAGES, {"max_tokens": 50}, timeout=30)
    next(stream)
    stream.close()  # the reader went away
    assert worker.status().generative and worker.pid == pid
    assert answer(worker).startswith("Partnerships last")


def test_preparing_until_the_runtime_is_there(make_worker: Callable[..., ModelWorker]) -> None:
    built = {"done": False}

    def prepare() -> list[str]:
        if not built["done"]:
            raise NotReadyYet("the model runtime (llama.cpp) is being built")
        return command("quick")

    worker = make_worker(prepare=prepare)
    worker.start()
    status = wait_for(worker, lambda s: s.state == "preparing")
    assert "being built" in status.message and not status.generative
    built["done"] = True
    wait_for(worker, lambda s: s.generative)


def test_missing_runtime_is_unavailable_with_its_reason(make_worker: Callable[..., ModelWorker]) -> None:
    def prepare() -> list[str]:
        raise LLMUnavailableError("llama-cpp-python is not installed")

    status = make_worker(prepare=prepare).start(wait=30)
    assert status.state == "unavailable" and "llama-cpp-python is not installed" in status.message


def test_a_model_that_cannot_load_is_reported(make_worker: Callable[..., ModelWorker]) -> None:
    worker = make_worker("cannot_load")
    worker.start()
    status = wait_for(worker, lambda s: s.state == "disabled")
    assert "could not load unused.gguf" in status.message


def test_exit_descriptions() -> None:
    assert "SIGILL" in describe_exit(-4) and "instruction" in describe_exit(-4)
    assert "SIGKILL" in describe_exit(-9)
    assert describe_exit(3) == "it exited with status 3"
