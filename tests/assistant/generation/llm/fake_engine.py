"""Engines for the model worker in tests (`--engine tests.assistant.generation.llm.fake_engine:NAME`):
they run inside a real
worker process, so the supervisor meets real crashes, hangs and kills, without llama.cpp or a model file."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable, Iterator
from typing import Any

from assistant.generation.llm.engine import DeadlineExceeded, Delta, EngineOptions
from assistant.generation.llm.model_files import LLMUnavailableError

REPLY = "Partnerships last when they have predictable funding [1]."


class FakeEngine:
    def __init__(self, delay: float = 0.0, crash_over: int = 0, hang: bool = False) -> None:
        self.delay, self.crash_over, self.hang = delay, crash_over, hang

    def prompt_tokens(self, messages: list[dict[str, str]]) -> int:
        return sum(len(m["content"].split()) for m in messages) * 4 // 3  # about 4 tokens per 3 words

    def stream(
        self, messages: list[dict[str, str]], params: dict[str, Any], deadline: float, cancelled: Callable[[], bool]
    ) -> Iterator[Delta]:
        if self.crash_over and self.prompt_tokens(messages) > self.crash_over:
            os.kill(os.getpid(), signal.SIGILL)  # what an unsupported instruction does to llama.cpp
        while self.hang:
            time.sleep(1)  # ignores its deadline, like native code stuck in a loop
        for word in REPLY.split(" ")[: int(params.get("max_tokens", 100))]:
            time.sleep(self.delay)
            if time.monotonic() > deadline:
                raise DeadlineExceeded("local model answer did not finish in time (timeout)")
            yield word + " ", None
            if cancelled():
                yield "", {"finish_reason": "cancelled"}
                return
        yield "", {"finish_reason": "stop"}


def quick(options: EngineOptions) -> FakeEngine:
    return FakeEngine()


def slow(options: EngineOptions) -> FakeEngine:
    return FakeEngine(delay=0.4)


def sigill_on_long_prompts(options: EngineOptions) -> FakeEngine:
    return FakeEngine(crash_over=100)


def hangs(options: EngineOptions) -> FakeEngine:
    return FakeEngine(hang=True)


def cannot_load(options: EngineOptions) -> FakeEngine:
    raise LLMUnavailableError(f"llama.cpp could not load {options.model_path}")
