"""`make_chat_model(kind, **opts) -> BaseChatModel`: "local" (the bundled GGUF via llama.cpp, in a worker process),
"ollama" (langchain-ollama's ChatOllama, /api/chat) or "openai" (langchain-openai's ChatOpenAI, any
OpenAI-compatible /chat/completions).

All stream, default to temperature 0 and put a deadline (`timeout`, seconds per answer; servers: also connect and
read timeouts, no retries) on every call; any failure raises `LLMUnavailableError`. The server backends
(`remote.py`) need their optional extra, `pip install -e '.[ollama]'` or `'.[openai]'`; without it, making one
raises `LLMUnavailableError` naming the `pip install` that fixes it.
"""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.chat_models import BaseChatModel

from assistant.generation.llm.local import LocalLlamaChat
from assistant.generation.llm.remote import OllamaChat, OpenAICompatChat

KINDS = ("local", "ollama", "openai")
__all__ = ["KINDS", "make_chat_model"]


def make_chat_model(kind: str, **opts: Any) -> BaseChatModel:
    """kind "local" (opts: model_path or cache_dir, n_ctx, n_threads, ...; its worker is started now, in the
    background, unless lazy=True), "ollama" (model, base_url, num_ctx), "openai" (model, base_url, api_key); all:
    max_tokens, temperature, timeout; servers: also connect_timeout, read_timeout."""
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
