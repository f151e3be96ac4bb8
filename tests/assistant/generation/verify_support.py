"""What the verification tests share: passages as chunks, the hashing embedder, one-sentence verdicts."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.generation.verify import verify
from gfmd.records import AnswerSentence, Chunk
from tests.fakes import HashEmbeddings

BOND = "Nigeria raised 300 million dollars with its first diaspora bond in 2017."
REMITTANCES = "In 2019, remittances to low and middle income countries reached 554 billion dollars."
SEED_REMITTANCES = "En el 2019, los flujos de remesas ascendieron a los $554 mil millones (Banco Mundial 2020)."


def chunk(text: str, n: int = 0) -> Chunk:
    return Chunk(
        chunk_id=f"c{n}", doc_id="d", source="note_2020_en.txt", title="Note", lang="en", page=1, ordinal=n, text=text
    )


def hash_embed(texts: Sequence[str]) -> np.ndarray:
    return HashEmbeddings().embed_queries(texts)


class PlannedEmbed:
    """Sentence vectors chosen by the test (2-D), so a similarity is whatever the test says it is."""

    def __init__(self, vectors: dict[str, tuple[float, float]]) -> None:
        self.vectors = vectors

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        return np.array([self.vectors.get(t, (0.0, 1.0)) for t in texts], dtype=np.float32)


def one(answer: str, passages: Sequence[str], threshold: float = 0.0) -> AnswerSentence:
    checked = verify(answer, [chunk(t, i) for i, t in enumerate(passages)], hash_embed, threshold)
    assert len(checked.sentences) == 1, checked.sentences
    return checked.sentences[0]


def spanish(text: str) -> Chunk:
    return chunk(text).model_copy(update={"lang": "es", "source": "paper_2020_es.txt"})
