"""Chat-model backends behind one factory: `make_chat_model(kind, **opts) -> BaseChatModel`.

* local:  the bundled GGUF through llama.cpp (llama-cpp-python), in process; loaded once per process and shared.
* ollama: an Ollama server's /api/chat (NDJSON stream).
* openai: any OpenAI-compatible /v1/chat/completions (SSE stream): vLLM, llama-server, LM Studio, OpenAI.

All three stream (`.stream()` yields tokens as they come), run at temperature 0 by default and put a deadline on
every call (`timeout`, seconds for the whole answer; the HTTP ones also have connect/read timeouts). Whatever goes
wrong (server down, timeout, model missing or corrupt, out of memory) surfaces as `LLMUnavailableError`.
The HTTP clients are ~40 lines of httpx each rather than langchain-ollama / langchain-openai: no new dependencies,
no hidden retries that multiply the timeout, and every failure mapped to that one exception.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel, generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage, ChatMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field, SecretStr

from assistant.llm.model_files import BUNDLED, LLMUnavailableError, ModelMissingError, ensure_local_model

KINDS = ("local", "ollama", "openai")
LLAMA_CPP_REQUIREMENT = "llama-cpp-python==0.3.36"
_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}

Delta = tuple[str, dict[str, Any] | None]  # (text, final metadata: finish_reason / token counts, or None)


def to_chat_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages -> [{"role", "content"}] as the OpenAI, Ollama and llama.cpp chat APIs take them."""
    out = []
    for m in messages:
        role = m.role if isinstance(m, ChatMessage) else _ROLES.get(m.type)
        if role is None:
            raise ValueError(f"unsupported message type for a chat model: {m.type}")
        out.append({"role": role, "content": m.text})
    return out


class _Deadline:
    def __init__(self, seconds: float, what: str) -> None:
        self.seconds, self.what, self.end = seconds, what, time.monotonic() + seconds

    def remaining(self) -> float:
        return self.end - time.monotonic()

    def expired(self) -> bool:
        return time.monotonic() > self.end

    def error(self) -> LLMUnavailableError:
        return LLMUnavailableError(f"{self.what} did not finish within {self.seconds:g} s (timeout)")


class _StreamingChat(BaseChatModel):
    """Shared plumbing: subclasses yield (text, final-metadata) deltas; this turns them into LangChain chunks."""

    model_config = ConfigDict(extra="forbid")

    model: str
    max_tokens: int = Field(default=256, ge=1)
    temperature: float = Field(default=0.0, ge=0.0)
    timeout: float = Field(default=120.0, gt=0, description="Seconds allowed for one whole answer.")

    def _deltas(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> Iterator[Delta]:
        raise NotImplementedError

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model": self.model, "temperature": self.temperature, "max_tokens": self.max_tokens}

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        for text, meta in self._deltas(messages, stop, **kwargs):
            msg = AIMessageChunk(content=text)
            if meta is not None:
                msg.response_metadata = {"model_name": self.model, "finish_reason": meta.get("finish_reason")}
                if meta.get("input_tokens") is not None and meta.get("output_tokens") is not None:
                    i, o = int(meta["input_tokens"]), int(meta["output_tokens"])
                    msg.usage_metadata = {"input_tokens": i, "output_tokens": o, "total_tokens": i + o}
            chunk = ChatGenerationChunk(message=msg)
            if run_manager is not None and text:
                run_manager.on_llm_new_token(text, chunk=chunk)
            yield chunk

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return generate_from_stream(self._stream(messages, stop, run_manager, **kwargs))


# --------------------------------------------------------------------------------------------------- local
_LOADED: dict[tuple[Any, ...], tuple[Any, threading.Lock]] = {}
_LOAD_LOCK = threading.Lock()


def _load_llama(path: str, n_ctx: int, n_threads: int, n_batch: int, seed: int) -> tuple[Any, threading.Lock]:
    """Load (once per process and settings) a llama_cpp.Llama, plus the lock that serialises calls to it."""
    key = (str(Path(path).resolve()), n_ctx, n_threads, n_batch, seed)
    with _LOAD_LOCK:
        if key in _LOADED:
            return _LOADED[key]
        try:
            from llama_cpp import Llama
        except ImportError as exc:
            raise LLMUnavailableError(
                f"the local backend needs llama-cpp-python: pip install {LLAMA_CPP_REQUIREMENT} ({exc})"
            ) from exc
        if not Path(path).is_file():
            raise ModelMissingError(f"model file {path} does not exist (assemble it: python scripts/setup_llm.py)")
        try:
            llama = Llama(
                model_path=path,
                n_ctx=n_ctx,
                n_threads=n_threads,
                n_threads_batch=n_threads,
                n_batch=n_batch,
                seed=seed,
                verbose=False,
            )
        except MemoryError as exc:
            raise LLMUnavailableError(f"out of memory loading {path} with n_ctx={n_ctx}") from exc
        except (ValueError, RuntimeError, OSError) as exc:
            raise LLMUnavailableError(
                f"llama.cpp could not load {path} (n_ctx={n_ctx}): {exc}. "
                "The file may be corrupt or not a GGUF, or memory may be short."
            ) from exc
        _LOADED[key] = (llama, threading.Lock())
        return _LOADED[key]


class LocalLlamaChat(_StreamingChat):
    """The bundled GGUF through llama.cpp. Calls are serialised (one context); the deadline is checked per token."""

    model: str = BUNDLED.filename.removesuffix(".gguf")
    model_path: str
    n_ctx: int = Field(default=4096, ge=256)
    n_threads: int = Field(default=2, ge=1)
    n_batch: int = Field(default=512, ge=8)
    seed: int = 0

    @property
    def _llm_type(self) -> str:
        return "gfmd-llama-cpp"

    def load(self) -> Any:
        """Load the model now (otherwise on first call) and return the llama_cpp.Llama."""
        return _load_llama(self.model_path, self.n_ctx, self.n_threads, self.n_batch, self.seed)[0]

    def _deltas(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> Iterator[Delta]:
        from llama_cpp import StoppingCriteriaList

        llama, lock = _load_llama(self.model_path, self.n_ctx, self.n_threads, self.n_batch, self.seed)
        deadline = _Deadline(self.timeout, "local model answer")
        if not lock.acquire(timeout=max(deadline.remaining(), 0.001)):
            raise LLMUnavailableError(f"local model busy with other questions for {self.timeout:g} s (timeout)")
        try:
            stream = llama.create_chat_completion(
                messages=to_chat_dicts(messages),
                stream=True,
                stop=stop or [],
                seed=self.seed,
                temperature=kwargs.get("temperature", self.temperature),
                max_tokens=kwargs.get("max_tokens", self.max_tokens),
                stopping_criteria=StoppingCriteriaList([lambda _ids, _logits: deadline.expired()]),
            )
            for part in stream:
                choice = part["choices"][0]
                reason = choice.get("finish_reason")
                yield choice["delta"].get("content") or "", {"finish_reason": reason} if reason else None
        except ValueError as exc:  # "Requested tokens (N) exceed context window of M"
            raise LLMUnavailableError(f"prompt too long for the local model (n_ctx={self.n_ctx}): {exc}") from exc
        except MemoryError as exc:
            raise LLMUnavailableError("out of memory while generating with the local model") from exc
        finally:
            lock.release()
        if deadline.expired():
            raise deadline.error()


# ---------------------------------------------------------------------------------------------------- http
class _HttpChat(_StreamingChat):
    base_url: str
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=60.0, gt=0, description="Longest silence allowed between streamed chunks.")
    trust_env: bool = Field(default=True, description="Honour HTTP(S)_PROXY / NO_PROXY from the environment.")

    def _lines(self, path: str, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Iterator[str]:
        """POST and yield the non-empty response lines; every failure becomes LLMUnavailableError."""
        url = self.base_url.rstrip("/") + path
        name = f"{self._llm_type.removeprefix('gfmd-')} endpoint {url}"
        deadline = _Deadline(self.timeout, f"{name} answer")
        timeout = httpx.Timeout(self.read_timeout, connect=self.connect_timeout)
        try:
            with (
                httpx.Client(timeout=timeout, trust_env=self.trust_env) as client,
                client.stream("POST", url, json=payload, headers=headers) as resp,
            ):
                if resp.status_code >= 400:
                    resp.read()
                    raise LLMUnavailableError(self._http_error(name, resp))
                for line in resp.iter_lines():
                    if deadline.expired():
                        raise deadline.error()
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
        detail = resp.text[:500]
        try:
            err = resp.json().get("error", detail)
            detail = str(err.get("message", err) if isinstance(err, dict) else err)
        except (ValueError, AttributeError):
            pass
        if resp.status_code == 404 and "model" in detail.lower():
            return f"{name}: model {self.model!r} is not available there: {detail}"
        return f"{name} answered HTTP {resp.status_code}: {detail}"

    @staticmethod
    def _json(line: str, name: str) -> dict[str, Any]:
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise LLMUnavailableError(f"{name} sent malformed data: {line[:200]!r}") from exc
        if not isinstance(data, dict):
            raise LLMUnavailableError(f"{name} sent malformed data: {line[:200]!r}")
        if data.get("error"):
            err = data["error"]
            raise LLMUnavailableError(f"{name} failed: {err.get('message', err) if isinstance(err, dict) else err}")
        return data


class OllamaChat(_HttpChat):
    """Ollama's native /api/chat, streamed as one JSON object per line."""

    base_url: str = Field(default_factory=lambda: os.environ.get("OLLAMA_HOST") or "http://127.0.0.1:11434")
    num_ctx: int = Field(default=4096, ge=256)

    @property
    def _llm_type(self) -> str:
        return "gfmd-ollama"

    def _deltas(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> Iterator[Delta]:
        if "://" not in self.base_url:
            self.base_url = "http://" + self.base_url
        options: dict[str, Any] = {
            "temperature": kwargs.get("temperature", self.temperature),
            "num_predict": kwargs.get("max_tokens", self.max_tokens),
            "num_ctx": self.num_ctx,
        }
        if stop:
            options["stop"] = stop
        payload = {"model": self.model, "messages": to_chat_dicts(messages), "stream": True, "options": options}
        for line in self._lines("/api/chat", payload):
            data = self._json(line, "ollama")
            text = (data.get("message") or {}).get("content") or ""
            meta = None
            if data.get("done"):
                meta = {
                    "finish_reason": data.get("done_reason", "stop"),
                    "input_tokens": data.get("prompt_eval_count"),
                    "output_tokens": data.get("eval_count"),
                }
            yield text, meta


class OpenAICompatChat(_HttpChat):
    """Any OpenAI-compatible /chat/completions; base_url includes the /v1 part (e.g. http://host:8000/v1)."""

    base_url: str = Field(default_factory=lambda: os.environ.get("OPENAI_BASE_URL") or "")
    api_key: SecretStr | None = Field(default_factory=lambda: SecretStr(os.environ.get("OPENAI_API_KEY") or "none"))
    include_usage: bool = Field(default=True, description="Ask for token counts (stream_options.include_usage).")

    @property
    def _llm_type(self) -> str:
        return "gfmd-openai"

    def _deltas(self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any) -> Iterator[Delta]:
        if not self.base_url:
            raise ValueError("the openai backend needs base_url= (or OPENAI_BASE_URL), e.g. http://127.0.0.1:8000/v1")
        payload: dict[str, Any] = {
            "model": self.model,
            "messages": to_chat_dicts(messages),
            "stream": True,
            "temperature": kwargs.get("temperature", self.temperature),
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
        }
        if stop:
            payload["stop"] = stop
        if self.include_usage:
            payload["stream_options"] = {"include_usage": True}
        headers = {"Authorization": f"Bearer {self.api_key.get_secret_value()}"} if self.api_key else {}
        reason = None
        for line in self._lines("/chat/completions", payload, headers):
            if not line.startswith("data:"):
                continue  # SSE comments, event: lines
            body = line[5:].strip()
            if body == "[DONE]":
                break
            data = self._json(body, "openai")
            for choice in data.get("choices") or ():
                reason = choice.get("finish_reason") or reason
                text = (choice.get("delta") or {}).get("content") or ""
                if text:
                    yield text, None
            if usage := data.get("usage"):
                yield (
                    "",
                    {
                        "finish_reason": reason,
                        "input_tokens": usage.get("prompt_tokens"),
                        "output_tokens": usage.get("completion_tokens"),
                    },
                )
                reason = "reported"
        if reason not in (None, "reported"):
            yield "", {"finish_reason": reason}


def make_chat_model(kind: str, **opts: Any) -> BaseChatModel:
    """Build a chat model. kind: "local" (opts: model_path or cache_dir, n_ctx, n_threads, lazy=False),
    "ollama" (model, base_url) or "openai" (model, base_url, api_key); all: max_tokens, temperature, timeout.

    The local model is assembled/verified and loaded here unless lazy=True, so a broken setup fails at startup.
    """
    if kind == "local":
        lazy = bool(opts.pop("lazy", False))
        cache_dir = opts.pop("cache_dir", None)
        if not opts.get("model_path"):
            opts["model_path"] = str(ensure_local_model(cache_dir))
        local = LocalLlamaChat(**opts)
        if not lazy:
            local.load()
        return local
    if kind == "ollama":
        return OllamaChat(**opts)
    if kind == "openai":
        return OpenAICompatChat(**opts)
    raise ValueError(f"unknown chat model kind {kind!r}: expected one of {', '.join(KINDS)}")
