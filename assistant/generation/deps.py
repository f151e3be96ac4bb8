"""What generation needs from the assistant, and nothing more: its settings, the chat model and two embedders.

The generation modules take a `GenerationDeps` rather than the `Assistant`, so they depend on nothing above them
(the assistant builds one per generative answer: `Assistant.generation_deps`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from langchain_core.language_models import BaseChatModel

from assistant.generation.verify import Embed
from gfmd.settings import Settings


@dataclass(frozen=True)
class GenerationDeps:
    settings: Settings
    llm: BaseChatModel
    embed_sentences: Embed  # passage vectors of sentences, cached by the assistant (the same passages recur)
    embed_query: Callable[[str], list[float]]  # the query vector of a question
