"""Generative-model backends: the bundled GGUF via llama.cpp, an Ollama server, or an OpenAI-compatible endpoint.

    from assistant.generation.llm import make_chat_model, LLMUnavailableError
    llm = make_chat_model("local", max_tokens=200)  # assembles + verifies + loads the bundled model
    for chunk in llm.stream([("system", "..."), ("human", "...")]):
        print(chunk.content, end="")

Names are imported lazily, so `python -m assistant.generation.llm.model_files` (the setup step) does not load LangChain.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from assistant.generation.llm.backends import (
        KINDS,
        LocalLlamaChat,
        OllamaChat,
        OpenAICompatChat,
        make_chat_model,
        to_chat_dicts,
    )
    from assistant.generation.llm.model_files import (
        BUNDLED,
        LLMUnavailableError,
        ModelCorruptError,
        ModelMissingError,
        ModelSpec,
        default_cache_dir,
        ensure_local_model,
    )

__all__ = [
    "BUNDLED",
    "KINDS",
    "LLMUnavailableError",
    "LocalLlamaChat",
    "ModelCorruptError",
    "ModelMissingError",
    "ModelSpec",
    "OllamaChat",
    "OpenAICompatChat",
    "default_cache_dir",
    "ensure_local_model",
    "make_chat_model",
    "to_chat_dicts",
]
_BACKENDS = {"KINDS", "LocalLlamaChat", "OllamaChat", "OpenAICompatChat", "make_chat_model", "to_chat_dicts"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = "backends" if name in _BACKENDS else "model_files"
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
