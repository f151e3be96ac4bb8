"""Chat models on a server: `OllamaChat` (langchain-ollama's `ChatOllama`, Ollama's /api/chat) and
`OpenAICompatChat` (langchain-openai's `ChatOpenAI`, any OpenAI-compatible /chat/completions).

Each wraps the library model and adds what the answer pipeline relies on: a deadline on the whole answer
(`timeout`, checked between streamed chunks; `connect_timeout` and `read_timeout` bound each wait on the
connection), temperature 0 unless asked, no retries (the library's would multiply the deadline), and every
failure raised as `LLMUnavailableError` with a message that says what went wrong and where, so the caller falls
back to the extractive answer. The libraries are optional extras (`pip install -e '.[ollama]'` or `'.[openai]'`),
imported only when such a model is made.

Nothing here counts tokens: ChatOpenAI's `get_num_tokens*` use tiktoken, whose encodings are downloaded on first
use, and no code path of ours calls them; token counts come from the server's own usage report.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Generator, Iterator
from contextlib import closing
from typing import Any, ClassVar, cast

from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import Field, PrivateAttr, SecretStr, field_validator, model_validator

from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.llm.streaming import Run, StreamingChat

Parts = Generator[ChatGenerationChunk, None, None]
# The extra that installs each library, and the pin it carries (pyproject.toml).
_EXTRAS = {"ollama": "langchain-ollama==1.1.0", "openai": "langchain-openai==1.8.1"}


def _error_text(err: Any) -> str:
    return str(err.get("message", err) if isinstance(err, dict) else err)


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """The exception, then what it was raised from, innermost last."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


class _RemoteChat(StreamingChat):
    """A library chat model behind our deadline and error contract; subclasses make the model and read its errors."""

    path: ClassVar[str]
    base_url: str
    connect_timeout: float = Field(default=5.0, gt=0)
    read_timeout: float = Field(default=60.0, gt=0, description="Longest silence allowed between streamed chunks.")
    _library: BaseChatModel = PrivateAttr()

    @field_validator("base_url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value:
            raise ValueError("base_url is required (openai: also via OPENAI_BASE_URL), e.g. http://127.0.0.1:8000/v1")
        return (value if "://" in value else "http://" + value).rstrip("/")

    @model_validator(mode="after")
    def _make_library_model(self) -> _RemoteChat:
        try:
            self._library = self._library_model()
        except ImportError as exc:
            raise LLMUnavailableError(
                f"the {self.kind} backend needs {_EXTRAS[self.kind]}: pip install {_EXTRAS[self.kind]} "
                f"(the project's '{self.kind}' extra: pip install -e '.[{self.kind}]' in its checkout)"
            ) from exc
        return self

    @property
    def endpoint(self) -> str:
        return f"{self.kind} endpoint {self.base_url}{self.path}"

    def _library_model(self) -> BaseChatModel:
        raise NotImplementedError

    def _call_options(self, stop: list[str], temperature: float, max_tokens: int) -> dict[str, Any]:
        """The library model's `_stream` keyword arguments for one answer."""
        raise NotImplementedError

    def _library_failure(self, exc: BaseException) -> str | None:
        """What a failure the library reports in its own terms means, or None."""
        raise NotImplementedError

    def _stream(
        self, messages: list[BaseMessage], stop: list[str] | None = None, run_manager: Run = None, **kw: Any
    ) -> Iterator[ChatGenerationChunk]:
        temperature, max_tokens = kw.get("temperature", self.temperature), kw.get("max_tokens", self.max_tokens)
        options = self._call_options(stop or [], temperature, max_tokens)
        # The library model's `_stream` (the hook every LangChain chat model implements), not its `stream`: a
        # nested public call would report each token to the caller's callbacks a second time, as another run.
        parts = cast(Parts, self._library._stream(messages, run_manager=None, **options))
        end = time.monotonic() + self.timeout
        answered = False
        with closing(self._pull(parts)) as pulled:
            for chunk in pulled:
                if time.monotonic() > end:
                    raise self._too_slow(f"{self.endpoint} answer")
                answered = True
                self._tidy(chunk)
                if run_manager is not None and chunk.text:
                    run_manager.on_llm_new_token(chunk.text, chunk=chunk)
                yield chunk
        if not answered:
            raise LLMUnavailableError(f"{self.endpoint} sent no answer (an empty stream)")

    def _pull(self, parts: Parts) -> Parts:
        """The library's chunks; whatever goes wrong while it reads them becomes LLMUnavailableError."""
        with closing(parts):  # closed early (the deadline), it stops reading the response
            try:
                yield from parts
            except LLMUnavailableError:
                raise
            except Exception as exc:
                raise LLMUnavailableError(self._explain(exc)) from exc

    def _tidy(self, chunk: ChatGenerationChunk) -> None:
        """The same metadata as the local model's chunks: model_name, and finish_reason on the last one."""
        info = chunk.generation_info
        if info is None or info.get("finish_reason", info.get("done_reason")) is None:
            return
        info.setdefault("finish_reason", info.get("done_reason"))
        info["model_name"] = info.get("model_name") or self.model

    def _explain(self, exc: Exception) -> str:
        if (known := self._library_failure(exc)) is not None:
            return known
        for cause in _causes(exc):
            kind = type(cause).__name__  # httpx and httpx2 (openai>=3 uses that fork) name their errors alike
            if kind == "ConnectTimeout":
                return f"{self.endpoint}: no connection within {self.connect_timeout:g} s (timeout)"
            if kind == "ConnectError" or type(cause) is ConnectionError:
                return f"cannot reach {self.endpoint}: {cause} (is the server running?)"
            if kind in ("ReadTimeout", "WriteTimeout", "PoolTimeout"):
                return f"{self.endpoint}: no data for {self.read_timeout:g} s (read timeout)"
        if isinstance(exc, json.JSONDecodeError):
            return f"{self.kind} sent malformed data: {exc.doc[:200]!r}"
        if isinstance(exc, ValueError | TypeError | KeyError | AttributeError):  # a reply of the wrong shape
            return f"{self.kind} sent malformed data ({type(exc).__name__}: {exc})"
        inner = list(_causes(exc))[-1]
        return f"{self.endpoint} failed: {type(inner).__name__}: {inner}"

    def _http_error(self, status: int, detail: str) -> str:
        detail = " ".join(detail.split())[:500]
        if status == 404 and "model" in detail.lower():
            return f"{self.endpoint}: model {self.model!r} is not available there: {detail}"
        return f"{self.endpoint} answered HTTP {status}: {detail}"


class OllamaChat(_RemoteChat):
    """Ollama's native /api/chat through `langchain_ollama.ChatOllama`."""

    kind: ClassVar[str] = "ollama"
    path: ClassVar[str] = "/api/chat"
    base_url: str = Field(
        default_factory=lambda: os.environ.get("OLLAMA_HOST") or "http://127.0.0.1:11434", validate_default=True
    )
    num_ctx: int = Field(default=4096, ge=256)

    def _library_model(self) -> BaseChatModel:
        import httpx
        from langchain_ollama import ChatOllama

        timeout = httpx.Timeout(self.read_timeout, connect=self.connect_timeout)
        return ChatOllama(
            model=self.model,
            base_url=self.base_url,
            num_ctx=self.num_ctx,
            num_predict=self.max_tokens,
            temperature=self.temperature,
            client_kwargs={"timeout": timeout},
        )

    def _call_options(self, stop: list[str], temperature: float, max_tokens: int) -> dict[str, Any]:
        # `options` replaces ChatOllama's own, so that a call's max_tokens and temperature count
        options = {"temperature": temperature, "num_predict": max_tokens, "num_ctx": self.num_ctx}
        return {"options": options | ({"stop": stop} if stop else {})}

    def _library_failure(self, exc: BaseException) -> str | None:
        from ollama import ResponseError

        if not isinstance(exc, ResponseError):
            return None
        if exc.status_code == -1:  # an {"error": ...} line in a stream that had begun
            return f"ollama failed: {_error_text(exc.error)}"
        return self._http_error(exc.status_code, _error_text(exc.error))


class OpenAICompatChat(_RemoteChat):
    """Any OpenAI-compatible /chat/completions through `langchain_openai.ChatOpenAI`; base_url includes the /v1 part
    (e.g. http://host:8000/v1)."""

    kind: ClassVar[str] = "openai"
    path: ClassVar[str] = "/chat/completions"
    base_url: str = Field(default_factory=lambda: os.environ.get("OPENAI_BASE_URL") or "", validate_default=True)
    api_key: SecretStr | None = Field(default_factory=lambda: SecretStr(os.environ.get("OPENAI_API_KEY") or "none"))
    include_usage: bool = Field(default=True, description="Ask for token counts (stream_options.include_usage).")

    def _library_model(self) -> BaseChatModel:
        import openai
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=self.model,
            base_url=self.base_url,
            api_key=self.api_key or SecretStr("none"),
            max_retries=0,
            timeout=openai.Timeout(self.read_timeout, connect=self.connect_timeout),
            temperature=self.temperature,
            streaming=True,
            stream_usage=self.include_usage,
            use_responses_api=False,  # OpenAI-compatible servers serve /chat/completions, not /responses
        )

    def _call_options(self, stop: list[str], temperature: float, max_tokens: int) -> dict[str, Any]:
        # ChatOpenAI would send max_tokens as OpenAI's newer `max_completion_tokens`, which not every
        # OpenAI-compatible server reads; `max_tokens` is the field they all take.
        return {"stop": stop or None, "temperature": temperature, "extra_body": {"max_tokens": max_tokens}}

    def _library_failure(self, exc: BaseException) -> str | None:
        import openai

        if isinstance(exc, openai.APIStatusError):
            body = exc.body if exc.body is not None else exc.response.text
            return self._http_error(exc.status_code, _error_text(body))
        if isinstance(exc, openai.APIConnectionError):  # its cause says which (connect, read, timeout)
            return None
        if isinstance(exc, openai.APIError):  # an {"error": ...} event in a stream that had begun
            return f"openai failed: {_error_text(exc.body) if exc.body is not None else exc.message}"
        return None
