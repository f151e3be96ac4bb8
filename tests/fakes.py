"""Fakes at our own interfaces (never at a library's network layer).

`HashEmbeddings` stands in for the e5 model: a deterministic bag of hashed words and character trigrams,
L2-normalised. Texts that share words get similar vectors, so retrieval and answer selection stay testable
without loading a model; random vectors would make them untestable.

`ScriptedChatModel` stands in for the generative model behind `Assistant(llm=...)` (LangChain's chat-model
interface): its reply is a function of the prompt, and it records what it was shown.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from functools import lru_cache
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.embeddings import Embeddings
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from gfmd.records import AskOptions
from gfmd.text.normalize import fold

DIM = 384
_WORD = re.compile(r"\w+", re.UNICODE)
TRIGRAM_WEIGHT = 0.5


@lru_cache(maxsize=200_000)
def _feature(feature: str) -> tuple[int, float]:
    """Bucket and sign of a feature: stable across runs and processes (unlike `hash`)."""
    value = int.from_bytes(hashlib.blake2b(feature.encode("utf-8"), digest_size=8).digest(), "little")
    return value % DIM, 1.0 if (value >> 40) & 1 else -1.0


@lru_cache(maxsize=50_000)  # the same passages are embedded in many tests; the result never changes
def _hash_vector(text: str) -> np.ndarray:
    vec = np.zeros(DIM, dtype=np.float64)
    for word in _WORD.findall(fold(text)):
        if len(word) < 3 and not word.isdigit():
            continue  # articles and particles would make every pair of same-language texts look alike
        index, sign = _feature(f"w:{word}")
        vec[index] += sign
        padded = f"<{word}>"
        for i in range(len(padded) - 2):
            index, sign = _feature(f"c:{padded[i : i + 3]}")
            vec[index] += TRIGRAM_WEIGHT * sign
    norm = float(np.linalg.norm(vec))
    if norm == 0.0:
        vec[0] = 1.0  # no usable token: a fixed unit vector, still normalised
        return vec.astype(np.float32)
    return (vec / norm).astype(np.float32)


class HashEmbeddings(Embeddings):
    """Deterministic 384-dimensional embeddings with the interface of `gfmd.embeddings.E5Embeddings`."""

    model_id = "fake-hash-384"
    dim = DIM

    def __init__(self) -> None:
        self.documents_embedded = 0  # passages embedded so far: lets tests see that nothing was re-embedded
        self.queries_embedded = 0

    def vector(self, text: str) -> np.ndarray:
        return _hash_vector(text).copy()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.documents_embedded += len(texts)
        return [self.vector(t).tolist() for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0].tolist()  # type: ignore[no-any-return]

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.queries_embedded += len(texts)
        if not texts:
            return np.zeros((0, DIM), dtype=np.float32)
        return np.stack([self.vector(t) for t in texts])


class OtherHashEmbeddings(HashEmbeddings):
    """The same fake under another model id, to exercise the index's model guard."""

    model_id = "fake-hash-384-other"


class ScriptedChatModel(GenericFakeChatModel):
    """A LangChain fake chat model whose reply is computed from the prompt: `script(prompt_text) -> reply`.

    It records every prompt it is given (`prompts`), so tests can see what the model was shown, and its reply can
    cite the right passage number whatever order retrieval put the passages in. Streams word by word, like
    `GenericFakeChatModel`. A script that raises makes the model fail as a real one does.
    """

    script: Callable[[str], str]
    messages: Iterator[AIMessage | str] = Field(default_factory=lambda: iter(()))
    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        reply = self.script("\n".join(m.text for m in messages))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


def recorded_call(question: str, options: AskOptions) -> dict[str, Any]:
    """One call of a fake assistant's `stream`, every option spelled out (what a test checks it was asked with)."""
    return {
        "question": question,
        "k": options.get("k"),
        "filters": options.get("filters"),
        "history": list(options.get("history", ())),
        "mode": options.get("mode"),
    }
