"""llama.cpp in the current process: load the GGUF once and stream one chat completion at a time.

Only the model worker (`assistant.generation.llm.worker`) and the speed benchmark
(`assistant.generation.llm.bench`) import this. The
web server never does: native code that faults (an instruction the CPU does not enable, a bad allocation) would
take the whole server down with it, so the server talks to a worker process instead
(`assistant.generation.llm.supervisor`).
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.generation.llm.model_files import LLMUnavailableError, ModelMissingError

LLAMA_CPP_REQUIREMENT = "llama-cpp-python==0.3.36"

# (text, final metadata: finish_reason and token counts, or None while the answer goes on)
Delta = tuple[str, dict[str, Any] | None]


@dataclass(frozen=True)
class EngineOptions:
    """How the model is loaded: context size, threads and a RAM cache of earlier prompts' states."""

    model_path: str
    n_ctx: int = 4096
    n_threads: int = 2
    n_batch: int = 512
    seed: int = 0
    # States of earlier prompts, found by their longest common prefix: the answer, translation and follow-up
    # prompts each start with their own fixed system message, and llama.cpp's one context keeps only the last.
    prompt_cache_mb: int = 512


class DeadlineExceeded(LLMUnavailableError):
    """The answer did not finish before its deadline; llama.cpp was stopped between graph nodes."""


@dataclass
class LlamaEngine:
    """One loaded llama_cpp.Llama; `stream` is serialised by a lock (one model, one context)."""

    options: EngineOptions
    llama: Any = None
    lock: threading.Lock = field(default_factory=threading.Lock)
    _stop_at: list[float] = field(default_factory=lambda: [math.inf])
    _keep: Any = None  # the ctypes abort callback, kept alive as long as the model

    def load(self) -> LlamaEngine:
        if self.llama is not None:
            return self
        try:
            import llama_cpp
        except ImportError as exc:
            raise LLMUnavailableError(f"{exc}: the local backend needs pip install {LLAMA_CPP_REQUIREMENT}") from exc
        path = self.options.model_path
        if not Path(path).is_file():
            raise ModelMissingError(f"model file {path} does not exist (assemble it: python scripts/setup_llm.py)")
        o = self.options
        params = {"n_ctx": o.n_ctx, "n_threads": o.n_threads, "n_batch": o.n_batch}
        try:
            llama = llama_cpp.Llama(
                model_path=path, seed=o.seed, verbose=False, n_ctx=o.n_ctx, n_threads=o.n_threads,
                n_threads_batch=o.n_threads, n_batch=o.n_batch,
            )  # fmt: skip
        except MemoryError as exc:
            raise LLMUnavailableError(f"out of memory loading {path} with {params}") from exc
        except (ValueError, RuntimeError, OSError) as exc:
            msg = f"llama.cpp could not load {path} ({params}): {exc}. Corrupt/not a GGUF, or short of memory?"
            raise LLMUnavailableError(msg) from exc
        if o.prompt_cache_mb:
            llama.set_cache(sized_ram_cache(llama_cpp, o.prompt_cache_mb << 20))
        stop_at = self._stop_at
        self._keep = llama_cpp.ggml_abort_callback(lambda _data: time.monotonic() > stop_at[0])
        llama_cpp.llama_set_abort_callback(llama._ctx.ctx, self._keep, None)
        self.llama = llama
        return self

    def close(self) -> None:
        if self.llama is not None:
            with contextlib.suppress(Exception):
                self.llama.close()
            self.llama = None

    def prompt_tokens(self, messages: list[dict[str, str]]) -> int:
        """About how many tokens the messages take (their text, without the chat template's few)."""
        text = "\n".join(m["content"] for m in messages)
        return len(self.load().llama.tokenize(text.encode("utf-8"), add_bos=False))

    def stream(
        self,
        messages: list[dict[str, str]],
        params: dict[str, Any],
        deadline: float,
        cancelled: Callable[[], bool] = lambda: False,
    ) -> Iterator[Delta]:
        """Yield the answer's deltas; stop at `deadline` (time.monotonic) or as soon as `cancelled()` says so."""
        llama = self.load().llama
        with self.lock:
            stream: Any = None
            self._stop_at[0] = deadline
            try:
                stream = llama.create_chat_completion(messages, stream=True, seed=self.options.seed, **params)
                for part in stream:
                    choice = part["choices"][0]
                    reason = choice.get("finish_reason")
                    yield choice["delta"].get("content") or "", {"finish_reason": reason} if reason else None
                    if cancelled():
                        yield "", {"finish_reason": "cancelled"}
                        return
            except ValueError as exc:  # "Requested tokens (N) exceed context window of M"
                msg = f"prompt too long for the local model (n_ctx={self.options.n_ctx}): {exc}"
                raise LLMUnavailableError(msg) from exc
            except RuntimeError as exc:  # "llama_decode returned 2": aborted at the deadline; 1: KV cache full
                if time.monotonic() > deadline:
                    raise DeadlineExceeded("local model answer did not finish in time (timeout)") from exc
                raise LLMUnavailableError(f"llama.cpp failed: {exc} (out of memory?)") from exc
            finally:
                self._stop_at[0] = math.inf
                if stream is not None:
                    stream.close()  # stops generation early and leaves llama.cpp consistent


def sized_ram_cache(llama_cpp: Any, capacity_bytes: int) -> Any:
    """llama.cpp's RAM cache of prompt states, counting every byte a state holds.

    llama-cpp-python's `LlamaRAMCache` counts only a state's KV bytes, but each state also copies the prompt's
    logits (tokens x vocabulary floats), many times more. Uncounted, the cache outgrew the worker's address-space
    cap and every later answer failed with MemoryError (docs/generative.md, "Isolation"); counted, the cache keeps
    as many states as `capacity_bytes` really holds.
    """

    class SizedRAMCache(llama_cpp.LlamaRAMCache):
        @property
        def cache_size(self) -> int:
            return sum(s.llama_state_size + s.scores.nbytes + s.input_ids.nbytes for s in self.cache_state.values())

    return SizedRAMCache(capacity_bytes=capacity_bytes)
