"""BM25 over the same passages as Chroma, saved beside the index and rebuilt only when documents change.

The saved index carries a fingerprint of the registered documents; a mismatch (after ingest or removal)
triggers a rebuild from the passages in Chroma, so the two never drift apart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
from pathlib import Path

import bm25s
import numpy as np

from gfmd.records import Chunk
from gfmd.textnorm import query_tokens, tokens

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.ERROR)


def fingerprint(doc_ids: set[str]) -> str:
    return hashlib.sha256("\n".join(sorted(doc_ids)).encode()).hexdigest()[:24]


def index_text(chunk: Chunk) -> str:
    """What BM25 sees: the passage plus its title and section, which questions often name."""
    return f"{chunk.title}\n{chunk.section or ''}\n{chunk.text}"


class LexicalIndex:
    def __init__(self, retriever: bm25s.BM25 | None, ids: list[str], meta: list[dict[str, object]], fp: str):
        self.retriever = retriever
        self.ids = ids
        self.meta = meta  # per passage: source, lang, year (for filtering without a Chroma round trip)
        self.fingerprint = fp
        self._vocab: dict[str, int] = dict(retriever.vocab_dict) if retriever is not None else {}

    @classmethod
    def build(cls, chunks: list[Chunk], fp: str) -> LexicalIndex:
        if not chunks:
            return cls(None, [], [], fp)
        corpus = [tokens(index_text(c), c.lang) or ["_"] for c in chunks]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(corpus, show_progress=False)
        meta = [{"source": c.source, "lang": c.lang, "year": c.year or 0} for c in chunks]
        return cls(retriever, [c.chunk_id for c in chunks], meta, fp)

    def save(self, directory: Path) -> None:
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.retriever is not None:
            self.retriever.save(str(tmp / "bm25"), show_progress=False)
        (tmp / "passages.json").write_text(
            json.dumps({"fingerprint": self.fingerprint, "ids": self.ids, "meta": self.meta}), encoding="utf-8"
        )
        shutil.rmtree(directory, ignore_errors=True)
        tmp.rename(directory)  # readers see the old index or the new one, never half of one

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex | None:
        info_path = directory / "passages.json"
        if not info_path.exists():
            return None
        try:
            info = json.loads(info_path.read_text(encoding="utf-8"))
            retriever = bm25s.BM25.load(str(directory / "bm25"), show_progress=False) if info["ids"] else None
        except (OSError, ValueError, KeyError) as exc:
            log.warning("lexical index at %s unreadable (%s); it will be rebuilt", directory, exc)
            return None
        return cls(retriever, info["ids"], info["meta"], info["fingerprint"])

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk_id, BM25 score) best first; `allowed` is a boolean mask over passages (filters)."""
        if self.retriever is None:
            return []
        toks = [t for t in query_tokens(query) if t in self._vocab]
        if not toks:
            return []
        scores = np.asarray(self.retriever.get_scores(toks), dtype=np.float32)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def has_term(self, word: str) -> bool:
        """Whether a word (in any of its stemmed forms) occurs anywhere in the indexed passages."""
        return any(token in self._vocab for token in query_tokens(word))

    def mask(self, sources: tuple[str, ...], lang: str | None, year: int | None) -> np.ndarray | None:
        if not sources and lang is None and year is None:
            return None
        allowed = np.ones(len(self.ids), dtype=bool)
        for i, meta in enumerate(self.meta):
            if (
                (sources and meta["source"] not in sources)
                or (lang and meta["lang"] != lang)
                or (year is not None and meta["year"] != year)
            ):
                allowed[i] = False
        return allowed
