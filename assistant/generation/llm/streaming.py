"""The plumbing every chat model of ours shares: deltas from a backend become LangChain message chunks.

A subclass yields (text, final-metadata) pairs from `_deltas`; this class turns them into `AIMessageChunk`s with
token usage and finish reason, reports tokens to callbacks, and builds `invoke` from `stream`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel, generate_from_stream
from langchain_core.messages import AIMessageChunk, BaseMessage, ChatMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from pydantic import ConfigDict, Field

from assistant.generation.llm.engine import Delta
from assistant.generation.llm.model_files import LLMUnavailableError

_ROLES = {"system": "system", "human": "user", "ai": "assistant", "tool": "tool"}
Run = CallbackManagerForLLMRun | None


def to_chat_dicts(messages: list[BaseMessage]) -> list[dict[str, str]]:
    """LangChain messages -> [{"role", "content"}] as the OpenAI, Ollama and llama.cpp chat APIs take them."""
    roles = [m.role if isinstance(m, ChatMessage) else _ROLES.get(m.type, "") for m in messages]
    if not all(roles):
        raise ValueError(f"unsupported message type for a chat model among {[m.type for m in messages]}")
    return [{"role": r, "content": m.text} for r, m in zip(roles, messages, strict=True)]


class StreamingChat(BaseChatModel):
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
