"""The in-process llama.cpp engine (what runs inside the model worker) against a fake llama_cpp module."""

from __future__ import annotations

import math
import sys
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assistant.generation.llm.engine import DeadlineExceeded, EngineOptions, LlamaEngine, sized_ram_cache
from assistant.generation.llm.model_files import LLMUnavailableError

MESSAGES = [{"role": "system", "content": "Answer briefly."}, {"role": "user", "content": "¿Qué es el FMMD?"}]


class FakeLlama:
    def __init__(self, words: list[str], delay: float = 0.0, fail: Exception | None = None, **params: Any) -> None:
        self.words, self.delay, self.fail, self.params = words, delay, fail, params
        self.calls: list[dict[str, Any]] = []
        self.closed = False
        self.cache: Any = None
        self._ctx = types.SimpleNamespace(ctx=None)
        self.abort: Any = None

    def set_cache(self, cache: Any) -> None:
        self.cache = cache

    def create_chat_completion(self, messages: list[dict[str, str]], **kw: Any) -> Iterator[dict[str, Any]]:
        self.calls.append({"messages": messages, **kw})
        if self.fail:
            raise self.fail
        return self._gen()

    def _gen(self) -> Iterator[dict[str, Any]]:
        try:
            yield {"choices": [{"delta": {"role": "assistant"}, "finish_reason": None}]}
            for w in self.words:
                time.sleep(self.delay)
                if self.abort(None):  # what llama.cpp asks its abort callback between graph nodes
                    raise RuntimeError("llama_decode returned 2")
                yield {"choices": [{"delta": {"content": w}, "finish_reason": None}]}
            yield {"choices": [{"delta": {}, "finish_reason": "length"}]}
        finally:
            self.closed = True


class FakeRAMCache:
    def __init__(self, capacity_bytes: int) -> None:
        self.capacity_bytes = capacity_bytes


def engine_with(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, llama: FakeLlama, **options: Any) -> LlamaEngine:
    def set_abort(ctx: Any, callback: Any, data: Any) -> None:
        llama.abort = callback

    fake = types.SimpleNamespace(
        Llama=lambda **params: llama.params.update(params) or llama,
        LlamaRAMCache=FakeRAMCache,
        ggml_abort_callback=lambda fn: fn,
        llama_set_abort_callback=set_abort,
    )
    monkeypatch.setitem(sys.modules, "llama_cpp", fake)
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    return LlamaEngine(EngineOptions(model_path=str(model), **options)).load()


def test_streams_with_the_given_parameters(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    llama = FakeLlama(["Hola", ", ", "mundo"])
    engine = engine_with(monkeypatch, tmp_path, llama)
    params = {"temperature": 0.0, "max_tokens": 64, "stop": ["###"]}
    deltas = list(engine.stream(MESSAGES, params, deadline=time.monotonic() + 10))
    assert [t for t, _ in deltas if t] == ["Hola", ", ", "mundo"] and deltas[-1][1] == {"finish_reason": "length"}
    call = llama.calls[-1]
    assert call["temperature"] == 0.0 and call["max_tokens"] == 64 and call["stop"] == ["###"]
    assert call["stream"] is True and call["messages"][0]["role"] == "system"
    assert llama.params["n_threads"] == llama.params["n_threads_batch"] == 2 and llama.params["verbose"] is False


def test_deadline_stops_generation_inside_llama_cpp(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    llama = FakeLlama(["tok"] * 100, delay=0.02)
    engine = engine_with(monkeypatch, tmp_path, llama)
    with pytest.raises(DeadlineExceeded, match="timeout"):
        list(engine.stream(MESSAGES, {}, deadline=time.monotonic() + 0.2))
    assert llama.closed and engine._stop_at == [math.inf] and not engine.lock.locked()


def test_cancel_ends_the_answer_early(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    engine = engine_with(monkeypatch, tmp_path, FakeLlama(["a", "b", "c", "d"]))
    deltas = list(engine.stream(MESSAGES, {}, deadline=time.monotonic() + 10, cancelled=lambda: True))
    assert deltas[-1] == ("", {"finish_reason": "cancelled"}) and len(deltas) == 2


def test_prompt_too_long(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fail = ValueError("Requested tokens (5000) exceed context window of 4096")
    engine = engine_with(monkeypatch, tmp_path, FakeLlama([], fail=fail))
    with pytest.raises(LLMUnavailableError, match="prompt too long"):
        list(engine.stream(MESSAGES, {}, deadline=time.monotonic() + 10))


def test_missing_model_file(tmp_path: Path) -> None:
    with pytest.raises(LLMUnavailableError, match=r"does not exist|llama-cpp-python"):
        LlamaEngine(EngineOptions(model_path=str(tmp_path / "absent.gguf"))).load()


def test_earlier_prompt_states_are_kept_in_a_ram_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """llama.cpp's one context keeps only the last prompt: the answer, translation and follow-up prompts each begin
    with their own fixed system message, so their states are kept in a RAM cache found by prefix."""
    cached = engine_with(monkeypatch, tmp_path, FakeLlama([]), prompt_cache_mb=64)
    assert isinstance(cached.llama.cache, FakeRAMCache) and cached.llama.cache.capacity_bytes == 64 << 20
    assert "prompt_cache_mb" not in cached.llama.params  # not a llama.cpp parameter
    assert engine_with(monkeypatch, tmp_path, FakeLlama([]), prompt_cache_mb=0).llama.cache is None


def test_the_ram_cache_counts_the_logits_each_state_copies() -> None:
    """A cached prompt state holds its logits (tokens x vocabulary floats), ~25x its KV bytes: uncounted, the
    cache outgrew the worker's memory cap within a few dozen answers."""
    llama_cpp = pytest.importorskip("llama_cpp")  # installed wherever the real model runs, CI included
    import numpy as np

    cache = sized_ram_cache(llama_cpp, capacity_bytes=3 << 20)

    def state(tokens: list[int]) -> Any:
        ids = np.array(tokens, dtype=np.intc)
        scores = np.zeros((len(tokens), 1 << 18), dtype=np.single)  # 1 MB per token
        return llama_cpp.LlamaState(ids, scores, len(tokens), b"kv", 2, 0)

    cache[(1, 2)] = state([1, 2])
    assert cache.cache_size > 2 << 20
    cache[(3, 4)] = state([3, 4])  # 4 MB in all: the older state goes
    assert len(cache.cache_state) == 1 and cache.cache_size <= 3 << 20
    assert (3, 4) in cache and (1, 2) not in cache
