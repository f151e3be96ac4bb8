"""The bundled GGUF as a LangChain chat model, answered by a supervised worker process.

`LocalLlamaChat` looks like any other chat model to the assistant; each call goes to the worker that
`local_worker` keeps per model and settings in this process. The first call (or `gfmd serve` at start) starts
that worker in the background: it checks the CPU, waits while `scripts/run chat` is still building the runtime,
assembles and verifies the model, then self-tests it. Until it is ready, and whenever it fails, calls raise
`LLMUnavailableError` and the assistant answers with the verified quotes instead.
"""

from __future__ import annotations

import atexit
import sys
import threading
from collections.abc import Iterator
from typing import Any, ClassVar

from pydantic import Field

from assistant.generation.llm import runtime
from assistant.generation.llm.engine import Delta
from assistant.generation.llm.model_files import BUNDLED, LLMUnavailableError, ModelMissingError, ensure_local_model
from assistant.generation.llm.streaming import StreamingChat
from assistant.generation.llm.supervisor import ModelWorker, NotReadyYet, WorkerPolicy
from gfmd.records import ModelStatus

_WORKERS: dict[tuple[Any, ...], ModelWorker] = {}
_WORKERS_LOCK = threading.Lock()


class LocalLlamaChat(StreamingChat):
    """The bundled GGUF (or `model_path`) through llama.cpp in a worker process. Calls are serialised."""

    kind: ClassVar[str] = "local"
    model: str = BUNDLED.filename.removesuffix(".gguf")
    model_path: str = Field(default="", description="GGUF file; empty: the bundled model, assembled on first use")
    cache_dir: str = Field(default="", description="where the bundled model is assembled (default cache if empty)")
    n_ctx: int = Field(default=4096, ge=256)
    n_threads: int = Field(default=2, ge=1)
    n_batch: int = Field(default=512, ge=8)
    seed: int = 0
    prompt_cache_mb: int = Field(default=512, ge=0, description="RAM for llama.cpp states of earlier prompts (0: off)")
    memory_mb: int = Field(default=0, ge=0, description="address-space cap of the worker process (0: none)")
    engine: str = Field(default="", description="module:function making the worker's engine (tests)")
    self_test: bool = True

    def worker(self) -> ModelWorker:
        """This model's worker, shared by every chat model with the same settings in this process."""
        return local_worker(self)

    def status(self) -> ModelStatus:
        return self.worker().status()

    def _deltas(self, messages: list[dict[str, str]], p: dict[str, Any]) -> Iterator[Delta]:
        worker = self.worker()
        worker.start(wait=self.timeout)  # the first call waits for the start; later ones never wait
        params = {"temperature": p["temperature"], "max_tokens": p["max_tokens"], "stop": p["stop"] or None}
        return worker.stream(messages, params, timeout=self.timeout)


def worker_command(chat: LocalLlamaChat) -> list[str]:
    """What `prepare` returns once the runtime and the model are there: the worker's command line."""
    building = False
    if not chat.engine:  # llama.cpp's engine: the CPU and the runtime must be fit for it
        building = _check_runtime()
    try:
        path = chat.model_path or str(ensure_local_model(chat.cache_dir or None))
    except ModelMissingError:
        if building:
            raise NotReadyYet("the bundled model is being assembled") from None
        raise
    command = [sys.executable, "-m", "assistant.generation.llm.worker", "--model", path]
    command += ["--n-ctx", str(chat.n_ctx), "--n-threads", str(chat.n_threads), "--n-batch", str(chat.n_batch)]
    command += ["--seed", str(chat.seed), "--prompt-cache-mb", str(chat.prompt_cache_mb)]
    command += ["--memory-mb", str(chat.memory_mb)]
    return command + (["--engine", chat.engine] if chat.engine else [])


def _check_runtime() -> bool:
    """Raise when llama.cpp cannot run here (yet); True while the background setup is still running."""
    missing = runtime.missing_cpu_features()
    if missing:
        raise LLMUnavailableError(
            f"this CPU lacks {', '.join(missing)}, which the local model's runtime needs; use an Ollama or "
            "OpenAI-compatible server instead (GFMD_LLM_BACKEND)"
        )
    setup = runtime.setup_state() or {}
    building = setup.get("state") == "running"
    if runtime.package_dir() is None:
        if building:
            raise NotReadyYet(setup.get("message") or "the model runtime (llama.cpp) is being built")
        if setup.get("state") == "failed":
            log_file = runtime.setup_state_path().parent / "gfmd-llm-setup.log"
            raise LLMUnavailableError(f"{setup.get('message')} (see {log_file})")
        raise LLMUnavailableError(
            "llama-cpp-python is not installed (run: python scripts/setup_llm.py --install-llama, or scripts/run chat)"
        )
    return building


def local_worker(chat: LocalLlamaChat) -> ModelWorker:
    fields = ("model_path", "cache_dir", "n_ctx", "n_threads", "n_batch", "seed", "prompt_cache_mb", "memory_mb")
    key = (*(getattr(chat, f) for f in (*fields, "engine", "self_test")),)
    with _WORKERS_LOCK:
        worker = _WORKERS.get(key)
        if worker is None:
            policy = WorkerPolicy(self_test=chat.self_test)
            worker = _WORKERS[key] = ModelWorker(lambda: worker_command(chat), policy)
        return worker


@atexit.register
def close_workers() -> None:
    """Stop every worker of this process (server shutdown, end of a test)."""
    with _WORKERS_LOCK:
        workers = list(_WORKERS.values())
        _WORKERS.clear()
    for worker in workers:
        worker.close()
