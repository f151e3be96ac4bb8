"""`make_chat_model(kind, **opts) -> BaseChatModel`: "local" (the bundled GGUF via llama.cpp, in process),
"ollama" (/api/chat, NDJSON stream) or "openai" (any OpenAI-compatible /chat/completions, SSE stream).

All stream, default to temperature 0 and put a deadline (`timeout`, seconds per answer; HTTP: also connect/read
timeouts) on every call; any failure raises `LLMUnavailableError`. The HTTP clients are plain httpx (not
langchain-ollama/-openai): no new dependencies, no hidden retries multiplying the timeout.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import math
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar, NamedTuple

import httpx
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel, generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage, ChatMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, SecretStr, field_validator

from assistant.llm.model_files import BUNDLED, LLMUnavailableError, ModelMissingError, ensure_local_model

KINDS = ("local", "ollama", "openai")
LLAMA_CPP_REQUIREMENT = "llama-cpp-python==0.3.36"
_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}

Delta = tuple[str, dict[str, Any] | None]  # (text, final metadata: finish_reason / token counts, or None)
Run = CallbackManagerForLLMRun | None


def to_chat_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages -> [{"role", "content"}] as the OpenAI, Ollama and llama.cpp chat APIs take them."""
    roles = [m.role if isinstance(m, ChatMessage) else _ROLES.get(m.type, "") for m in messages]
    if not all(roles):
        raise ValueError(f"unsupported message type for a chat model among {[m.type for m in messages]}")
    return [{"role": r, "content": m.text} for r, m in zip(roles, messages, strict=True)]


def _error_text(err: Any) -> str:
    return str(err.get("message", err) if isinstance(err, dict) else err)


class _StreamingChat(BaseChatModel):
    """Shared plumbing: subclasses yield (text, final-metadata) deltas; this turns them into LangChain chunks."""

    model_config = ConfigDict(extra="forbid")
    kind: ClassVar[str]

    model: str
    max_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.0, ge=0.0)
    timeout: float = Field(default=120.0, gt=0, description="Seconds allowed for one whole answer.")

    def _deltas(self, messages: list[dict[str, str]], p: dict[str, Any]) -> Iterator[Delta]:
        """Yield the answer's deltas; p holds temperature, max_tokens, stop (a list, maybe empty)."""
        raise NotImplementedError

    def _too_slow(self, what: str) -> LLMUnavailableError:
        return LLMUnavailableError(f"{what} did not finish within {self.timeout:g} s (timeout)")

    @property
    def _llm_type(self) -> str:
        return f"gfmd-{self.kind}"

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Run = None, **kw: Any
    ) -> Iterator[ChatGenerationChunk]:
        p = {k: kw.get(k, getattr(self, k)) for k in ("temperature", "max_tokens")} | {"stop": stop or []}
        for text, meta in self._deltas(to_chat_dicts(messages), p):
            msg = AIMessageChunk(content=text)
            if meta is not None:
                msg.response_metadata = {"model_name": self.model, "finish_reason": meta.get("finish_reason")}
                i, o = meta.get("input_tokens"), meta.get("output_tokens")
                if isinstance(i, int) and isinstance(o, int):
                    msg.usage_metadata = {"input_tokens": i, "output_tokens": o, "total_tokens": i + o}
            chunk = ChatGenerationChunk(message=msg)
            if run_manager is not None and text:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk

    def _generate(self, messages: list[BaseMessage], *args: Any, **kw: Any) -> ChatResult:
        return generate_from_stream(self._stream(messages, *args, **kw))


class _Slot(NamedTuple):
    """A loaded Llama, the lock each call holds, and its deadline (checked by llama.cpp between graph nodes)."""

    llama: Any
    lock: threading.Lock
    end: list[float]
    keep: Any = None  # the ctypes callback, kept alive as long as the model


_LOADED: dict[tuple[Any, ...], _Slot] = {}
_LOAD_LOCK = threading.Lock()


@atexit.register
def _close_models() -> None:
    """Free the loaded models while llama_cpp still exists: left to garbage collection at interpreter exit, its
    destructor runs after the library's functions are gone and prints a traceback per model."""
    with _LOAD_LOCK:
        for slot in _LOADED.values():
            with contextlib.suppress(Exception):
                slot.llama.close()
        _LOADED.clear()


def _load_llama(path: str, **params: Any) -> _Slot:
    """Load a llama_cpp.Llama once per process and settings."""
    key = (str(Path(path).resolve()), *sorted(params.items()))
    with _LOAD_LOCK:
        if key in _LOADED:
            return _LOADED[key]
        try:
            import llama_cpp
        except ImportError as exc:
            raise LLMUnavailableError(f"{exc}: the local backend needs pip install {LLAMA_CPP_REQUIREMENT}") from exc
        if not Path(path).is_file():
            raise ModelMissingError(f"model file {path} does not exist (assemble it: python scripts/setup_llm.py)")
        cache_mb = params.pop("prompt_cache_mb", 0)
        try:
            llama = llama_cpp.Llama(model_path=path, n_threads_batch=params["n_threads"], verbose=False, **params)
        except MemoryError as exc:
            raise LLMUnavailableError(f"out of memory loading {path} with {params}") from exc
        except (ValueError, RuntimeError, OSError) as exc:
            msg = f"llama.cpp could not load {path} ({params}): {exc}. Corrupt/not a GGUF, or short of memory?"
            raise LLMUnavailableError(msg) from exc
        if cache_mb:
            # States of earlier prompts, found by their longest common prefix: the answer, translation and follow-up
            # prompts each start with their own fixed system message, and llama.cpp's one context keeps only the
            # last. Without this, alternating between them re-read ~300 tokens each time (first token 3.6 s against
            # 0.4-1.1 s with it, on 2 cores).
            llama.set_cache(llama_cpp.LlamaRAMCache(capacity_bytes=cache_mb << 20))
        end = [math.inf]
        abort = llama_cpp.ggml_abort_callback(lambda _data: time.monotonic() > end[0])
        llama_cpp.llama_set_abort_callback(llama._ctx.ctx, abort, None)
        _LOADED[key] = _Slot(llama, threading.Lock(), end, abort)
        return _LOADED[key]


class LocalLlamaChat(_StreamingChat):
    """The bundled GGUF through llama.cpp, in process. Calls are serialised: one model, one context."""

    kind: ClassVar[str] = "local"
    model: str = BUNDLED.filename.removesuffix(".gguf")
    model_path: str
    n_ctx: int = Field(default=4096, ge=256)
    n_threads: int = Field(default=1, ge=1, description="1 beats 2 on a busy 2-core box (spinning barriers)")
    n_batch: int = Field(default=512, ge=8)
    seed: int = 0
    prompt_cache_mb: int = Field(default=512, ge=0, description="RAM for llama.cpp states of earlier prompts (0: off)")

    def load(self) -> _Slot:
        """Load the model now (otherwise on first call); `.llama` is the llama_cpp.Llama."""
        fields = {"n_ctx", "n_threads", "n_batch", "seed", "prompt_cache_mb"}
        return _load_llama(self.model_path, **self.model_dump(include=fields))

    def _deltas(self, messages: list[dict[str, str]], p: dict[str, Any]) -> Iterator[Delta]:
        slot = self.load()
        end = time.monotonic() + self.timeout
        if not slot.lock.acquire(timeout=self.timeout):
            raise self._too_slow("waiting for the local model (busy with other questions)")
        stream: Any = None
        slot.end[0] = end
        try:
            stream = slot.llama.create_chat_completion(messages, stream=True, seed=self.seed, **p)
            for part in stream:
                choice = part["choices"][0]
                reason = choice.get("finish_reason")
                yield choice["delta"].get("content") or "", {"finish_reason": reason} if reason else None
        except ValueError as exc:  # "Requested tokens (N) exceed context window of M"
            raise LLMUnavailableError(f"prompt too long for the local model (n_ctx={self.n_ctx}): {exc}") from exc
        except RuntimeError as exc:  # "llama_decode returned 2": aborted at the deadline; 1: no room in the KV cache
            if time.monotonic() > end:
                raise self._too_slow("local model answer") from exc
            raise LLMUnavailableError(f"llama.cpp failed: {exc} (out of memory?)") from exc
        finally:
            slot.end[0] = math.inf
            if stream is not None:
                stream.close()  # stops generation early (timeout, caller gave up) and leaves llama.cpp consistent
            slot.lock.release()


class _HttpChat(_StreamingChat):
    base_url: str
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=60.0, gt=0, description="Longest silence allowed between streamed chunks.")

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value:
            raise ValueError("base_url is required (openai: also via OPENAI_BASE_URL), e.g. http://127.0.0.1:8000/v1")
        return (value if "://" in value else "http://" + value).rstrip("/")

    def _lines(self, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Iterator[str]:
        """POST and yield the non-empty response lines; every failure becomes LLMUnavailableError."""
        url = self.base_url + path
        name = f"{self.kind} endpoint {url}"
        end = time.monotonic() + self.timeout
        timeout = httpx.Timeout(self.read_timeout, connect=self.connect_timeout)
        try:
            with (
                httpx.Client(timeout=timeout) as client,
                client.stream("POST", url, json=payload, headers=headers) as resp,
            ):
                if resp.status_code >= 400:
                    resp.read()
                    raise LLMUnavailableError(self._http_error(name, resp))
                for line in resp.iter_lines():
                    if time.monotonic() > end:
                        raise self._too_slow(f"{name} answer")
                    if line.strip():
                        yield line
        except httpx.ConnectTimeout as exc:
            raise LLMUnavailableError(f"{name}: no connection within {self.connect_timeout:g} s (timeout)") from exc
        except httpx.ConnectError as exc:
            raise LLMUnavailableError(f"cannot reach {name}: {exc} (is the server running?)") from exc
        except httpx.TimeoutException as exc:
            raise LLMUnavailableError(f"{name}: no data for {self.read_timeout:g} s (read timeout)") from exc
        except httpx.HTTPError as exc:
            raise LLMUnavailableError(f"{name} failed: {type(exc).__name__}: {exc}") from exc

    def _http_error(self, name: str, resp: httpx.Response) -> str:
        try:
            detail = _error_text(resp.json()["error"])
        except (ValueError, KeyError, TypeError):
            detail = resp.text[:500]
        if resp.status_code == 404 and "model" in detail.lower():
            return f"{name}: model {self.model!r} is not available there: {detail}"
        return f"{name} answered HTTP {resp.status_code}: {detail}"

    @staticmethod
    def _json(line: str, name: str) -> dict[str, Any]:
        try:
            data = json.loads(line)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise LLMUnavailableError(f"{name} sent malformed data: {line[:200]!r}")
        if err := data.get("error"):
            raise LLMUnavailableError(f"{name} failed: {_error_text(err)}")
        return data


class OllamaChat(_HttpChat):
    """Ollama's native /api/chat, streamed as one JSON object per line."""

    kind: ClassVar[str] = "ollama"
    base_url: str = Field(
        default_factory=lambda: os.environ.get("OLLAMA_HOST") or "http://127.0.0.1:11434", validate_default=True
    )
    num_ctx: int = Field(default=4096, ge=256)

    def _deltas(self, messages: list[dict[str, str]], p: dict[str, Any]) -> Iterator[Delta]:
        options = {"temperature": p["temperature"], "num_predict": p["max_tokens"], "num_ctx": self.num_ctx}
        options |= {"stop": p["stop"]} if p["stop"] else {}
        payload = {"model": self.model, "messages": messages, "stream": True, "options": options}
        for line in self._lines("/api/chat", payload):
            data = self._json(line, "ollama")
            text = (data.get("message") or {}).get("content") or ""
            if not data.get("done"):
                yield text, None
                continue
            counts = {"input_tokens": data.get("prompt_eval_count"), "output_tokens": data.get("eval_count")}
            yield text, {"finish_reason": data.get("done_reason", "stop"), **counts}


class OpenAICompatChat(_HttpChat):
    """Any OpenAI-compatible /chat/completions; base_url includes the /v1 part (e.g. http://host:8000/v1)."""

    kind: ClassVar[str] = "openai"
    base_url: str = Field(default_factory=lambda: os.environ.get("OPENAI_BASE_URL") or "", validate_default=True)
    api_key: SecretStr | None = Field(default_factory=lambda: SecretStr(os.environ.get("OPENAI_API_KEY") or "none"))
    include_usage: bool = Field(default=True, description="Ask for token counts (stream_options.include_usage).")

    def _deltas(self, messages: list[dict[str, str]], p: dict[str, Any]) -> Iterator[Delta]:
        payload: dict[str, Any] = {"model": self.model, "messages": messages, "stream": True, **p}
        if not p["stop"]:
            del payload["stop"]
        if self.include_usage:
            payload["stream_options"] = {"include_usage": True}
        headers = {"Authorization": f"Bearer {self.api_key.get_secret_value()}"} if self.api_key else {}
        final: dict[str, Any] = {"finish_reason": None}
        for line in self._lines("/chat/completions", payload, headers):
            if not line.startswith("data:"):
                continue  # SSE comments and event: lines
            if (body := line[5:].strip()) == "[DONE]":
                break
            data = self._json(body, "openai")
            for choice in data.get("choices") or ():
                final["finish_reason"] = choice.get("finish_reason") or final["finish_reason"]
                if text := (choice.get("delta") or {}).get("content"):
                    yield text, None
            if usage := data.get("usage"):
                final.update(input_tokens=usage.get("prompt_tokens"), output_tokens=usage.get("completion_tokens"))
        yield "", final


def make_chat_model(kind: str, **opts: Any) -> BaseChatModel:
    """kind "local" (opts: model_path or cache_dir, n_ctx, n_threads; loaded now, so a broken setup fails at startup,
    unless lazy=True), "ollama" (model, base_url), "openai" (model, base_url, api_key); all: max_tokens, timeout."""
    if kind not in KINDS:
        raise ValueError(f"unknown chat model kind {kind!r}: expected one of {', '.join(KINDS)}")
    if kind != "local":
        return (OllamaChat if kind == "ollama" else OpenAICompatChat)(**opts)
    lazy, cache_dir = bool(opts.pop("lazy", False)), opts.pop("cache_dir", None)
    local = LocalLlamaChat(**{"model_path": str(opts.get("model_path") or ensure_local_model(cache_dir)), **opts})
    if not lazy:
        local.load()
    return local
