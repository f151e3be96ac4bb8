"""`make_chat_model(kind, **opts) -> BaseChatModel`: "local" (the bundled GGUF via llama.cpp, in a worker process),
"ollama" (/api/chat, NDJSON stream) or "openai" (any OpenAI-compatible /chat/completions, SSE stream).

All stream, default to temperature 0 and put a deadline (`timeout`, seconds per answer; HTTP: also connect/read
timeouts) on every call; any failure raises `LLMUnavailableError`. The HTTP clients are plain httpx (not
langchain-ollama/-openai): no new dependencies, no hidden retries multiplying the timeout.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from typing import Any, ClassVar

import httpx
from langchain_core.language_models.chat_models import BaseChatModel
from pydantic import Field, SecretStr, field_validator

from assistant.generation.llm.engine import Delta
from assistant.generation.llm.local import LocalLlamaChat
from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.llm.streaming import StreamingChat, to_chat_dicts

KINDS = ("local", "ollama", "openai")
__all__ = ["KINDS", "LocalLlamaChat", "OllamaChat", "OpenAICompatChat", "make_chat_model", "to_chat_dicts"]


def _error_text(err: Any) -> str:
    return str(err.get("message", err) if isinstance(err, dict) else err)


class _HttpChat(StreamingChat):
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
    """kind "local" (opts: model_path or cache_dir, n_ctx, n_threads, ...; its worker is started now, in the
    background, unless lazy=True), "ollama" (model, base_url), "openai" (model, base_url, api_key); all: max_tokens,
    timeout."""
    if kind not in KINDS:
        raise ValueError(f"unknown chat model kind {kind!r}: expected one of {', '.join(KINDS)}")
    if kind != "local":
        return (OllamaChat if kind == "ollama" else OpenAICompatChat)(**opts)
    lazy = bool(opts.pop("lazy", False))
    opts = {k: str(v) if k in ("model_path", "cache_dir") and v is not None else v for k, v in opts.items()}
    local = LocalLlamaChat(**opts)
    if not lazy:
        local.worker().start()
    return local
