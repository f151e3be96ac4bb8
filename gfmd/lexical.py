"""BM25 over the same passages as Chroma, saved beside the index and rebuilt only when documents change.

The snapshot also keeps a copy of the passages' vectors (memory-mapped, so workers on one machine share one copy in
the page cache) for dense search. Chroma's HNSW search with a metadata filter costs in proportion to the passages the
filter lets through, and HNSW misses some true neighbours of e5 questions whatever its `ef_search`; an exact search
over the snapshot's rows is fast at the corpus's scale and misses nothing, so every dense search of the retriever is
exact. Chroma's index serves only when the snapshot holds no vectors. (Measurements: docs/experiments.md.)

Passages already read for one question are kept in memory by the snapshot they belong to (`chunks`): reading a
question's candidates from Chroma, with their vectors, is a large share of a retrieval once the question is
embedded. A new snapshot (documents changed) starts with an empty cache, so a cached passage is never stale.

The saved snapshot carries a fingerprint of the registered documents; a mismatch (after ingest or removal)
triggers a rebuild from the passages in Chroma, so the two never drift apart.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np

from gfmd.records import Chunk
from gfmd.text.normalize import query_tokens, tokens

log = logging.getLogger(__name__)
logging.getLogger("bm25s").setLevel(logging.ERROR)


def fingerprint(versions: set[str]) -> str:
    """Identifies the registered documents' passages (`Store.active_versions()`): a snapshot is valid for them only."""
    return hashlib.sha256("\n".join(sorted(versions)).encode()).hexdigest()[:24]


def index_text(chunk: Chunk) -> str:
    """What BM25 sees: the passage plus its title and section, which questions often name."""
    return f"{chunk.title}\n{chunk.section or ''}\n{chunk.text}"


class LexicalIndex:
    def __init__(
        self,
        retriever: bm25s.BM25 | None,
        ids: list[str],
        meta: list[dict[str, object]],
        fp: str,
        vectors: np.ndarray | None = None,
    ):
        self.retriever = retriever
        self.ids = ids
        self.meta = meta  # per passage: source, lang, year (for filtering without a Chroma round trip)
        self.fingerprint = fp
        self.vectors = vectors  # unit-length rows aligned with `ids`, or None (then filtered search goes to Chroma)
        self._vocab: dict[str, int] = dict(retriever.vocab_dict) if retriever is not None else {}
        self._sources = np.asarray([m["source"] for m in meta], dtype=object)
        self._langs = np.asarray([m["lang"] for m in meta], dtype=object)
        self._years = np.asarray([m["year"] for m in meta], dtype=np.int64)
        self._rows: dict[str, int] | None = None
        self._cache: dict[str, Chunk] = {}
        self._cache_lock = threading.Lock()

    CACHE_MAX = 50_000  # passages kept in memory (~2 KB each)

    def chunks(
        self, ids: list[str], fetch: Callable[[list[str], bool], tuple[list[Chunk], np.ndarray | None]]
    ) -> tuple[list[Chunk], np.ndarray | None]:
        """The passages of `ids` (in that order, unknown ids left out) and their snapshot vectors.

        Passages not read before are fetched with `fetch` (`Store.get_chunks(ids, with_vectors)`) and kept. Without
        snapshot vectors, or for a passage the snapshot lacks, everything comes from `fetch`, with its vectors."""
        ids = list(dict.fromkeys(ids))
        if self.vectors is None:
            return fetch(ids, True)
        if self._rows is None:
            self._rows = {cid: row for row, cid in enumerate(self.ids)}
        rows = self._rows
        if any(cid not in rows for cid in ids):
            return fetch(ids, True)
        missing = [cid for cid in ids if cid not in self._cache]
        if missing:
            fetched, _ = fetch(missing, False)
            with self._cache_lock:
                if len(self._cache) + len(fetched) > self.CACHE_MAX:
                    self._cache.clear()
                self._cache.update((c.chunk_id, c) for c in fetched)
        cache = self._cache
        found = [cache[cid] for cid in ids if cid in cache]
        vectors = np.asarray(self.vectors[[rows[c.chunk_id] for c in found]], dtype=np.float32)
        return found, vectors

    @classmethod
    def build(cls, chunks: list[Chunk], fp: str, vectors: np.ndarray | None = None) -> LexicalIndex:
        if vectors is not None:
            vectors = np.asarray(vectors, dtype=np.float32).reshape(len(chunks), -1 if chunks else 1)
            norms = np.linalg.norm(vectors, axis=1, keepdims=True)
            vectors = vectors / np.where(norms > 0, norms, 1.0)
        if not chunks:
            return cls(None, [], [], fp, vectors)
        corpus = [tokens(index_text(c), c.lang) or ["_"] for c in chunks]
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index(corpus, show_progress=False)
        meta = [{"source": c.source, "lang": c.lang, "year": c.year or 0} for c in chunks]
        return cls(retriever, [c.chunk_id for c in chunks], meta, fp, vectors)

    def save(self, directory: Path) -> None:
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.retriever is not None:
            self.retriever.save(str(tmp / "bm25"), show_progress=False)
        if self.vectors is not None:
            np.save(tmp / "vectors.npy", np.asarray(self.vectors, dtype=np.float32))
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
            vectors = None
            if (directory / "vectors.npy").exists():
                # Memory-mapped: a reader replaced by a rebuild keeps its (unlinked) file until it lets go.
                vectors = np.load(directory / "vectors.npy", mmap_mode="r")
                if vectors.ndim != 2 or vectors.shape[0] != len(info["ids"]):
                    raise ValueError(f"vectors.npy holds {vectors.shape}, expected {len(info['ids'])} rows")
        except (OSError, ValueError, KeyError) as exc:
            log.warning("lexical index at %s unreadable (%s); it will be rebuilt", directory, exc)
            return None
        return cls(retriever, info["ids"], info["meta"], info["fingerprint"], vectors)

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

    def nearest(self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the `k` nearest passages among `allowed`, best first: exact search
        over the snapshot's vectors (see the module docstring for why filtered searches come here)."""
        if self.vectors is None:
            raise RuntimeError("this lexical snapshot holds no vectors")
        if not self.ids or k <= 0:
            return []
        query = np.asarray(vector, dtype=np.float32).ravel()
        query = query / (float(np.linalg.norm(query)) or 1.0)
        rows = np.arange(len(self.ids)) if allowed is None else np.flatnonzero(allowed)
        if not len(rows):
            return []
        # Gathering a few rows beats scoring them all; gathering most of them would copy most of the matrix.
        few = 4 * len(rows) < len(self.ids)
        scores = self.vectors[rows] @ query if few else (self.vectors @ query)[rows]
        k = min(k, len(rows))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [(self.ids[int(rows[i])], float(scores[i])) for i in top]

    def mask(self, sources: tuple[str, ...], lang: str | None, year: int | None) -> np.ndarray | None:
        """Boolean mask over passages for the filters, or None when nothing is filtered."""
        if not sources and lang is None and year is None:
            return None
        allowed = np.ones(len(self.ids), dtype=bool)
        if sources:
            allowed &= np.isin(self._sources, list(sources))
        if lang:
            allowed &= self._langs == lang
        if year is not None:
            allowed &= self._years == year
        return allowed
