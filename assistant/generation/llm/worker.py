"""The model worker: a child process that owns llama.cpp and answers one chat completion at a time.

    python -m assistant.generation.llm.worker --model MODEL.gguf [--n-threads 2] [--memory-mb 3072]

It speaks JSON lines. On standard input, requests:
    {"op": "generate", "id": 7, "messages": [{"role", "content"}...], "params": {...}, "timeout": 60}
    {"op": "cancel", "id": 7}
On its protocol output, events:
    {"event": "ready", "pid": 123}                       once the model is loaded
    {"event": "delta", "id": 7, "text": "..."}           as tokens come
    {"event": "done", "id": 7, "meta": {"finish_reason": "stop", "input_tokens": 412}}
    {"event": "error", "id": 7, "message": "...", "timeout": false}

Whatever native code prints goes to standard error, never into the protocol. If llama.cpp faults, this process
dies and the supervisor in the server sees the end of its output: one answer is lost, not the server.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import queue
import resource
import sys
import threading
import time
from collections.abc import Callable, Sequence
from typing import IO, Any, Protocol

from assistant.generation.llm.engine import Delta, EngineOptions, LlamaEngine
from assistant.generation.llm.model_files import LLMUnavailableError


class Engine(Protocol):
    """What the worker needs of a model; `LlamaEngine` in production, a fake in tests."""

    def stream(
        self, messages: list[dict[str, str]], params: dict[str, Any], deadline: float, cancelled: Callable[[], bool]
    ) -> Any:  # Iterator[Delta]
        ...

    def prompt_tokens(self, messages: list[dict[str, str]]) -> int: ...


def make_engine(options: EngineOptions, factory: str = "") -> Engine:
    """The llama.cpp engine, loaded; or, with `factory` ("module:function"), the engine that function returns."""
    if factory:
        module, _, name = factory.partition(":")
        made: Engine = getattr(importlib.import_module(module), name)(options)
        return made
    return LlamaEngine(options).load()


class EventWriter:
    """Writes events as JSON lines to the protocol stream, one writer at a time."""

    def __init__(self, out: IO[str]) -> None:
        self.out, self.lock = out, threading.Lock()

    def send(self, event: str, **fields: Any) -> None:
        with self.lock:
            self.out.write(json.dumps({"event": event, **fields}, ensure_ascii=False) + "\n")
            self.out.flush()


def read_requests(stream: IO[str], requests: queue.Queue[dict[str, Any] | None], cancelled: set[int]) -> None:
    """Queue generate requests and note cancels; a None in the queue means the supervisor has gone."""
    for line in stream:
        try:
            message = json.loads(line)
        except ValueError:
            continue
        if message.get("op") == "cancel":
            cancelled.add(int(message.get("id", -1)))
        elif message.get("op") == "generate":
            requests.put(message)
    requests.put(None)


def answer(engine: Engine, request: dict[str, Any], out: EventWriter, cancelled: set[int]) -> None:
    """Run one request and report its deltas and its end (done or error)."""
    rid = int(request["id"])
    messages = request["messages"]
    deadline = time.monotonic() + float(request.get("timeout", 120))
    final: dict[str, Any] = {}
    try:
        if request.get("count_prompt"):
            final["input_tokens"] = engine.prompt_tokens(messages)
        delta: Delta
        for delta in engine.stream(messages, request.get("params", {}), deadline, lambda: rid in cancelled):
            text, meta = delta
            if text:
                out.send("delta", id=rid, text=text)
            if meta:
                final.update(meta)
        out.send("done", id=rid, meta=final)
    except LLMUnavailableError as exc:
        out.send("error", id=rid, message=str(exc), timeout="timeout" in str(exc))
    except Exception as exc:  # anything else the engine raises: report it, keep serving
        out.send("error", id=rid, message=f"{type(exc).__name__}: {exc}", timeout=False)
    finally:
        cancelled.discard(rid)


def limit_memory(megabytes: int) -> None:
    """Cap this process's address space, so a runaway allocation fails here instead of starving the server."""
    if megabytes > 0:
        cap = megabytes << 20
        resource.setrlimit(resource.RLIMIT_AS, (cap, cap))


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m assistant.generation.llm.worker", description="The local model's worker."
    )
    ap.add_argument("--model", required=True, help="GGUF file")
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--n-threads", type=int, default=2)
    ap.add_argument("--n-batch", type=int, default=512)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--prompt-cache-mb", type=int, default=512)
    ap.add_argument("--memory-mb", type=int, default=0, help="address-space cap (0: none)")
    ap.add_argument("--engine", default="", help="module:function returning the engine (tests)")
    args = ap.parse_args(argv)

    out = EventWriter(os.fdopen(os.dup(1), "w", encoding="utf-8"))
    os.dup2(2, 1)  # native code that prints must not corrupt the protocol
    limit_memory(args.memory_mb)
    options = EngineOptions(
        model_path=args.model, n_ctx=args.n_ctx, n_threads=args.n_threads, n_batch=args.n_batch, seed=args.seed,
        prompt_cache_mb=args.prompt_cache_mb,
    )  # fmt: skip
    try:
        engine = make_engine(options, args.engine)
    except (LLMUnavailableError, MemoryError) as exc:
        out.send("failed", message=str(exc))
        return 1
    requests: queue.Queue[dict[str, Any] | None] = queue.Queue()
    cancelled: set[int] = set()
    threading.Thread(target=read_requests, args=(sys.stdin, requests, cancelled), daemon=True).start()
    out.send("ready", pid=os.getpid())
    while (request := requests.get()) is not None:
        answer(engine, request, out, cancelled)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
