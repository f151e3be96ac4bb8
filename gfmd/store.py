"""The index: a Chroma collection of passages plus a registry of documents, for embedded or server Chroma.

Commit protocol (so a crash never leaves half a document visible): a document's passages are written first,
then its registry record; the registry is the source of truth, and retrieval only returns passages of
registered documents. Passages of unregistered documents are orphans, removed by `collect_garbage()`.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import httpx
import numpy as np
from chromadb.errors import ChromaError

from gfmd.chroma import (
    GfmdEmbeddingFunction,
    GuardedCollection,
    failure_reason,
    make_client,
)
from gfmd.embeddings import ModelEmbeddings, same_model
from gfmd.errors import IndexUnavailableError, ModelMismatchError
from gfmd.records import Chunk, Document, Filters
from gfmd.settings import Settings

__all__ = ["WRITE_BATCH", "ModelMismatchError", "Store", "make_client", "where_clause"]
log = logging.getLogger(__name__)

WRITE_BATCH = 256
# Passages of no registered document younger than this are another process's document being written (its
# registry record comes after its last passage), not orphans: `collect_garbage` leaves them. An interrupted
# ingest's orphans go at the first garbage collection after this long.
ORPHAN_GRACE_S = 3600.0
READ_PAGE = 5000


class Store:
    """Passages and document registry in Chroma. One instance per process and index."""

    def __init__(self, settings: Settings, embeddings: ModelEmbeddings) -> None:
        self.settings = settings
        self.embeddings = embeddings
        self.model_id = embeddings.model_id
        self.client = make_client(settings)
        self.where = (
            f"the Chroma server at {settings.chroma_url}"
            if settings.chroma_url
            else f"the index directory {Path(settings.index_dir).resolve()}"
        )
        # The time limit of a request to a Chroma server, named in the error when it runs out (None: embedded).
        self.timeout = settings.chroma_timeout if settings.chroma_url else None
        try:
            self._open_collections()
        except (httpx.HTTPError, OSError, ChromaError) as exc:
            raise IndexUnavailableError(f"cannot open {self.where}: {failure_reason(exc, self.timeout)}") from exc
        self._documents: dict[str, Document] | None = None

    def _open_collections(self) -> None:
        settings = self.settings
        self._check_model(settings.collection)
        function = GfmdEmbeddingFunction(self.embeddings)
        passages = self.client.get_or_create_collection(
            name=settings.collection,
            embedding_function=function,
            configuration={
                "hnsw": {
                    "space": "cosine",
                    "ef_search": settings.hnsw_ef_search,
                    "ef_construction": settings.hnsw_ef_construction,
                    "max_neighbors": settings.hnsw_m,
                }
            },
            metadata={"embedding_model": self.model_id, "gfmd_schema": 1},
        )
        registry = self.client.get_or_create_collection(
            name=f"{settings.collection}_documents",
            embedding_function=function,
            metadata={"embedding_model": self.model_id, "gfmd_schema": 1},
        )
        self.passages = GuardedCollection(passages, self.where, self.timeout)
        self.registry = GuardedCollection(registry, self.where, self.timeout)

    # --- model guard
    def _check_model(self, name: str) -> None:
        try:
            existing = self.client.get_collection(name=name)
        except Exception:
            return  # a new index
        built_with = (existing.metadata or {}).get("embedding_model")
        if not built_with or built_with == self.model_id:
            return
        if not same_model(built_with, self.model_id):
            raise ModelMismatchError(
                f"the index '{name}' was built with the embedding model {built_with!r}, but this process uses "
                f"{self.model_id!r}; query it with the same model (GFMD_EMBEDDING_BACKEND / "
                "GFMD_EMBEDDING_ENGINE / GFMD_EMBEDDING_MODEL) or rebuild it in another directory (--index)"
            )
        log.info("the index %r was built by %s, this process embeds with %s: the same weights", name, built_with,
                 self.model_id)  # fmt: skip

    # --- documents
    def documents(self, refresh: bool = False) -> dict[str, Document]:
        """Registered documents by source name (the source of truth for what the index contains)."""
        if self._documents is None or refresh:
            got = self.registry.get(include=["documents"])
            docs: dict[str, Document] = {}
            for raw in got["documents"] or []:
                doc = Document.model_validate_json(raw)
                docs[doc.source] = doc
            self._documents = docs
        return self._documents

    def active_doc_ids(self) -> set[str]:
        return {d.doc_id for d in self.documents().values()}

    def active_versions(self) -> set[str]:
        """What identifies the passages of each registered document: its content and the pipeline that cut it
        (the same file re-chunked by a newer pipeline has other passages)."""
        return {f"{d.doc_id}:{d.pipeline}" for d in self.documents().values()}

    def registered_versions(self) -> set[str]:
        """`active_versions()` as the registry stores them now, read without the document records (a cheap change
        check). Records written before pipelines had versions are version 1."""
        got = self.registry.get(include=["metadatas"])
        return {f"{meta.get('doc_id')}:{meta.get('pipeline', 1)}" for meta in got["metadatas"] or [] if meta}

    def write_document(self, document: Document, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        """Add a document's passages, then commit it in the registry, then drop what it replaces."""
        previous = self.documents(refresh=True).get(document.source)
        written_at = time.time()  # tells `collect_garbage` a document in the writing from an orphan
        for start in range(0, len(chunks), WRITE_BATCH):
            batch = chunks[start : start + WRITE_BATCH]
            self.passages.upsert(
                ids=[c.chunk_id for c in batch],
                embeddings=vectors[start : start + len(batch)],
                documents=[c.text for c in batch],
                metadatas=[c.metadata() | {"written_at": written_at} for c in batch],
            )
        self.registry.upsert(
            ids=[document.source],
            embeddings=[self._registry_vector()],
            documents=[document.model_dump_json()],
            metadatas=[{"doc_id": document.doc_id, "source": document.source, "pipeline": document.pipeline}],
        )
        if self._documents is not None:
            self._documents[document.source] = document
        if previous is not None and previous.doc_id != document.doc_id:
            self.passages.delete(where={"doc_id": previous.doc_id})
        elif previous is not None:  # the same file re-chunked: drop the passages the new chunking no longer has
            keep = {c.chunk_id for c in chunks}
            stale = [
                cid
                for cid in self.passages.get(where={"doc_id": document.doc_id}, include=[])["ids"]
                if cid not in keep
            ]
            for start in range(0, len(stale), WRITE_BATCH):
                self.passages.delete(ids=stale[start : start + WRITE_BATCH])

    def remove_document(self, source: str) -> bool:
        doc = self.documents(refresh=True).get(source)
        if doc is None:
            return False
        self.registry.delete(ids=[source])
        self.passages.delete(where={"doc_id": doc.doc_id})
        self.documents(refresh=True)
        return True

    def collect_garbage(self, grace_s: float = ORPHAN_GRACE_S) -> int:
        """Delete passages whose document is not registered (left by an interrupted ingest), once they are older
        than `grace_s`: younger ones may be a document another process (a second worker, `gfmd ingest`) is
        writing to the same Chroma server right now."""
        active = self.active_doc_ids()
        got = self._scan(["metadatas"])
        cutoff = time.time() - grace_s
        orphans = [
            cid
            for cid, meta in zip(got["ids"], got["metadatas"], strict=True)
            if (meta or {}).get("doc_id") not in active and float((meta or {}).get("written_at") or 0) <= cutoff
        ]
        for start in range(0, len(orphans), WRITE_BATCH):
            self.passages.delete(ids=orphans[start : start + WRITE_BATCH])
        if orphans:
            log.info("removed %d orphan passages", len(orphans))
        return len(orphans)

    def _registry_vector(self) -> list[float]:
        dim = int(getattr(self.embeddings, "dim", 0) or 384)
        return [1.0] + [0.0] * (dim - 1)

    # --- passages
    def count(self) -> int:
        return int(self.passages.count())

    def all_chunks(self) -> list[Chunk]:
        return self.all_chunks_with_vectors(with_vectors=False)[0]

    def all_chunks_with_vectors(self, with_vectors: bool = True) -> tuple[list[Chunk], np.ndarray | None]:
        """Every passage of the registered documents, with its vector when asked (rows aligned with the list)."""
        active = self.active_doc_ids()
        include = ["documents", "metadatas", "embeddings"] if with_vectors else ["documents", "metadatas"]
        got = self._scan(include)
        keep = [i for i, meta in enumerate(got["metadatas"]) if (meta or {}).get("doc_id") in active]
        chunks = [Chunk.from_store(got["ids"][i], got["documents"][i], got["metadatas"][i]) for i in keep]
        if not with_vectors:
            return chunks, None
        rows = [got["embeddings"][i] for i in keep]
        dim = len(rows[0]) if rows else 1
        return chunks, np.asarray(rows, dtype=np.float32).reshape(len(rows), dim)

    def _scan(self, include: list[str]) -> dict[str, list[Any]]:
        """Every passage, read in pages: one embedded `get()` of more than ~32,000 rows fails in SQLite
        ("too many SQL variables"), and the BM25 rebuild and garbage collection read every passage."""
        out: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}
        offset = 0
        while True:
            got = self.passages.get(include=include, limit=READ_PAGE, offset=offset)
            out["ids"].extend(got["ids"])
            for field in include:
                values = got.get(field)
                out[field].extend(list(values) if values is not None else [None] * len(got["ids"]))
            if len(got["ids"]) < READ_PAGE:
                return out
            offset += READ_PAGE

    def document_chunks(self, doc_id: str, with_vectors: bool = True) -> tuple[list[Chunk], np.ndarray | None]:
        """A document's stored passages and, when asked, their vectors (rows aligned)."""
        include = ["documents", "metadatas", "embeddings"] if with_vectors else ["documents", "metadatas"]
        got = self.passages.get(where={"doc_id": doc_id}, include=include)
        chunks = [
            Chunk.from_store(cid, text, meta)
            for cid, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        ]
        embeddings = got.get("embeddings")
        vectors = np.asarray(embeddings, dtype=np.float32) if embeddings is not None and len(chunks) else None
        return chunks, vectors

    def following(self, chunk: Chunk, within: int = 20) -> Chunk | None:
        """The next passage of `chunk`'s kind in its document (where a sentence cut by a page break goes on: the
        page's footnotes come between), if one lies within `within` passages."""
        where = {
            "$and": [
                {"doc_id": chunk.doc_id},
                {"kind": chunk.kind},
                {"ordinal": {"$gt": chunk.ordinal}},
                {"ordinal": {"$lte": chunk.ordinal + within}},
            ]
        }
        got = self.passages.get(where=where, include=["documents", "metadatas"])
        found = [
            Chunk.from_store(cid, text, meta)
            for cid, text, meta in zip(got["ids"], got["documents"] or [], got["metadatas"] or [], strict=True)
        ]
        return min(found, key=lambda c: c.ordinal, default=None)

    def get_chunks(self, ids: Iterable[str], with_vectors: bool = False) -> tuple[list[Chunk], np.ndarray | None]:
        ids = list(dict.fromkeys(ids))
        if not ids:
            return [], None
        include = ["documents", "metadatas", "embeddings"] if with_vectors else ["documents", "metadatas"]
        got = self.passages.get(ids=ids, include=include)
        order = {cid: i for i, cid in enumerate(got["ids"])}
        chunks: list[Chunk] = []
        rows: list[int] = []
        for cid in ids:
            if cid in order:
                i = order[cid]
                chunks.append(Chunk.from_store(cid, got["documents"][i], got["metadatas"][i]))
                rows.append(i)
        vectors = None
        if with_vectors and got.get("embeddings") is not None:
            vectors = np.asarray(got["embeddings"], dtype=np.float32)[rows]
        return chunks, vectors

    def dense_search(
        self, vector: np.ndarray, k: int, filters: Filters | None = None, lang: str | None = None
    ) -> list[tuple[str, float]]:
        """(chunk_id, cosine similarity) of the nearest passages, best first."""
        where = where_clause(filters, lang)
        n = self.count()
        if n == 0:
            return []
        if n != sum(d.chunks for d in self.documents().values()):
            # Unregistered passages (an interrupted ingest, or another worker's ingest in flight) would crowd the
            # registered ones out of the top k: filter on the registered documents inside Chroma instead.
            if not self.documents():
                return []
            registered = {"doc_id": {"$in": sorted(self.active_doc_ids())}}
            where = registered if where is None else {"$and": [where, registered]}
        got = self.passages.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(k, n),
            where=where,
            include=["distances", "metadatas"],
        )
        active = self.active_doc_ids()
        out: list[tuple[str, float]] = []
        for cid, dist, meta in zip(got["ids"][0], got["distances"][0], got["metadatas"][0], strict=True):
            if meta.get("doc_id") in active:
                out.append((cid, 1.0 - float(dist)))
        return out

    def describe(self) -> dict[str, Any]:
        return {
            "location": self.settings.chroma_url or str(Path(self.settings.index_dir).resolve()),
            "collection": self.settings.collection,
            "embedding_model": self.model_id,
            "documents": len(self.documents()),
            "passages": self.count(),
            "hnsw": json.loads(json.dumps(self.passages.configuration_json.get("hnsw", {}))),
        }


def where_clause(filters: Filters | None, lang: str | None = None) -> dict[str, Any] | None:
    clauses: list[dict[str, Any]] = []
    if filters is not None:
        if filters.sources:
            clauses.append({"source": {"$in": list(filters.sources)}})
        if filters.lang:
            clauses.append({"lang": filters.lang})
        if filters.year is not None:
            clauses.append({"year": filters.year})
    if lang:
        clauses.append({"lang": lang})
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}
