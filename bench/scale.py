"""How query cost grows with the index: 3,000 to 100,000 passages, synthesised from a real index.

Real passages (vectors, texts, metadata) are duplicated and perturbed (Gaussian noise on the unit vector, a
random tenth of the words dropped from the text) into documents of their own, in a separate Chroma index and
BM25 index under a temporary directory: nothing is embedded but the questions. At each size we time dense search
(top `candidates`, the product's HNSW settings), BM25 search, the full hybrid `Retriever.retrieve`, and beside
them the tutorial baseline's dense-only top-4 on a collection with Chroma's default HNSW settings.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path
from typing import Any

import numpy as np

from bench.stats import disk_bytes, each_ms, mb, p50_p95
from gfmd.index import Index
from gfmd.records import Chunk, Document, content_hash
from gfmd.settings import Settings

log = logging.getLogger(__name__)
DOC_CHUNKS = 500  # synthetic passages per synthetic document
NOISE = 0.015  # per-dimension sigma: cosine ~0.96 to the passage it copies


def real_passages(index_dir: Path, embeddings: Any) -> tuple[list[Chunk], np.ndarray]:
    index = Index(Settings(index_dir=index_dir), embeddings=embeddings)
    chunks = index.store.all_chunks()
    found, vectors = index.store.get_chunks([c.chunk_id for c in chunks], with_vectors=True)
    if vectors is None or not found:
        raise RuntimeError(f"no passages with vectors in {index_dir}")
    return found, vectors


def synthesise(chunks: list[Chunk], vectors: np.ndarray, start: int, count: int, seed: int) -> list[tuple]:
    """`count` synthetic passages (copies of real ones, perturbed), as (Document, chunks, vectors) groups."""
    rng = np.random.default_rng(seed)
    groups = []
    for first in range(start, start + count, DOC_CHUNKS):
        n = min(DOC_CHUNKS, start + count - first)
        picks = rng.integers(0, len(chunks), size=n)
        base = chunks[int(picks[0])]
        doc_id = content_hash(f"synthetic-{first}")
        source = f"synthetic-{first:06d}_{base.year or 2020}_{base.lang}.txt"
        noisy = vectors[picks] + rng.normal(0.0, NOISE, size=(n, vectors.shape[1])).astype(np.float32)
        noisy /= np.linalg.norm(noisy, axis=1, keepdims=True)
        out = []
        for ordinal, pick in enumerate(picks):
            real = chunks[int(pick)]
            words = real.text.split(" ")
            keep = [w for w in words if rng.random() > 0.1] or words
            out.append(
                real.model_copy(
                    update={
                        "chunk_id": content_hash(f"{doc_id}:{ordinal}"),
                        "doc_id": doc_id,
                        "source": source,
                        "ordinal": ordinal,
                        "text": " ".join(keep),
                    }
                )
            )
        document = Document(
            doc_id=doc_id, source=source, title=base.title, lang=base.lang, year=base.year, kind="text",
            pages=max(c.page for c in out), paginated=False, chunks=n,
        )  # fmt: skip
        groups.append((document, out, noisy))
    return groups


def baseline_collection(directory: Path) -> Any:
    """The tutorial baseline's store: Chroma's default HNSW settings (cosine), no metadata filters."""
    from gfmd.chroma import make_client

    client = make_client(Settings(index_dir=directory, chroma_url=None))
    return client.get_or_create_collection(
        "tutorial_scale", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
    )


def run_scale(
    source_index: Path, work: Path, sizes: list[int], questions: list[str], embeddings: Any, baseline: bool = True
) -> list[dict[str, Any]]:
    from assistant.retrieval.retrieve import Retriever

    chunks, vectors = real_passages(source_index, embeddings)
    log.warning("scale: %d real passages from %s", len(chunks), source_index)
    settings = Settings(index_dir=work / "scale-index", cross_lingual=True)
    index = Index(settings, embeddings=embeddings)
    retriever = Retriever(index, settings)
    tutorial = baseline_collection(work / "scale-baseline") if baseline else None
    query_vectors = np.asarray(embeddings.embed_queries(questions), dtype=np.float32)
    rows: list[dict[str, Any]] = []
    have = 0
    for size in sizes:
        started = time.perf_counter()
        for document, group, group_vectors in synthesise(chunks, vectors, have, size - have, seed=size):
            index.store.write_document(document, group, group_vectors)
            if tutorial is not None:
                tutorial.add(
                    ids=[c.chunk_id for c in group], embeddings=group_vectors, documents=[c.text for c in group]
                )
        insert_s = time.perf_counter() - started
        have = size
        started = time.perf_counter()
        lexical = index.lexical()
        bm25_build_s = time.perf_counter() - started
        assert index.store.count() == size == len(lexical.ids)
        k = settings.candidates
        dense = each_ms(lambda v: index.store.dense_search(v, k), query_vectors)  # noqa: B023 (called at once)
        bm25 = each_ms(lambda q: lexical.search(q, k), questions)  # noqa: B023
        stages: dict[str, list[float]] = {"retrieve": [], "embed": [], "dense": [], "lexical": [], "rerank": []}
        for question in questions:
            timings = retriever.retrieve(question).timings_ms
            for stage, values in stages.items():
                values.append(timings.get(stage, 0.0))
        without_embed = [total - embed for total, embed in zip(stages["retrieve"], stages["embed"], strict=True)]
        row: dict[str, Any] = {
            "passages": size,
            "insert_s": round(insert_s, 1),
            "bm25_build_s": round(bm25_build_s, 1),
            "dense_ms": p50_p95(dense),
            "bm25_ms": p50_p95(bm25),
            "retrieve_ms": p50_p95(stages["retrieve"]),
            "retrieve_without_embed_ms": p50_p95(without_embed),  # the part that grows with the index
            "retrieve_stages_ms": {stage: p50_p95(values) for stage, values in stages.items() if stage != "retrieve"},
            "index_mb": mb(disk_bytes(work / "scale-index")),
        }
        if tutorial is not None:
            top4 = each_ms(lambda v: tutorial.query(query_embeddings=[v], n_results=4), query_vectors)
            row["baseline_top4_ms"] = p50_p95(top4)
        log.warning("scale %s", row)
        rows.append(row)
    return rows


def probe_filters(index_dir: Path, questions: list[str], embeddings: Any) -> dict[str, Any]:
    """On an existing (scale) index: dense search unfiltered and restricted to one language, in Chroma and exact
    over the snapshot's vectors (what the retriever uses), Chroma's recall of the exact top-4, then whole
    retrievals by stage, to show which part of the query cost grows with the index."""
    from collections import Counter

    from assistant.retrieval.retrieve import Retriever

    index = Index(Settings(index_dir=index_dir, cross_lingual=True), embeddings=embeddings)
    store = index.store
    langs = Counter(d.lang for d in store.documents().values())
    vectors = np.asarray(embeddings.embed_queries(questions), dtype=np.float32)
    k = index.settings.candidates
    started = time.perf_counter()
    snapshot = index.lexical()
    out: dict[str, Any] = {
        "passages": store.count(),
        "snapshot_load_s": round(time.perf_counter() - started, 1),
        "unfiltered_chroma_ms": p50_p95(each_ms(lambda v: store.dense_search(v, k), vectors)),
        "unfiltered_exact_ms": p50_p95(each_ms(lambda v: snapshot.nearest(v, k), vectors)),
    }
    if snapshot.vectors is not None:
        # How many of the exact top-4 Chroma's HNSW index returns (the retriever searches exactly; see gfmd.lexical).
        found = sum(
            len({c for c, _ in store.dense_search(v, 4)} & {c for c, _ in snapshot.nearest(v, 4)}) for v in vectors
        )
        out["chroma_recall_at_4"] = f"{found}/{4 * len(vectors)}"
    for lang in sorted(langs):
        mask = snapshot.mask((), lang, None)
        out[f"lang_{lang}_share"] = round(float(mask.mean()), 3) if mask is not None else None
        out[f"lang_{lang}_chroma_ms"] = p50_p95(each_ms(lambda v: store.dense_search(v, k // 2, lang=lang), vectors))  # noqa: B023
        out[f"lang_{lang}_exact_ms"] = p50_p95(each_ms(lambda v: snapshot.nearest(v, k // 2, mask), vectors))  # noqa: B023
    retriever = Retriever(index, index.settings)
    retriever.retrieve(questions[0])  # warm
    stages: dict[str, list[float]] = {"retrieve": [], "embed": [], "dense": [], "lexical": [], "rerank": []}
    for question in questions:
        timings = retriever.retrieve(question).timings_ms
        for stage, values in stages.items():
            values.append(timings.get(stage, 0.0))
    out["retrieve_ms"] = p50_p95(stages["retrieve"])
    out["retrieve_without_embed_ms"] = p50_p95(
        [total - embed for total, embed in zip(stages["retrieve"], stages["embed"], strict=True)]
    )
    out["retrieve_stages_ms"] = {stage: p50_p95(values) for stage, values in stages.items() if stage != "retrieve"}
    return out


if __name__ == "__main__":
    import argparse
    import json

    from bench.measure import product_settings, questions
    from gfmd.embeddings import get_embeddings

    parser = argparse.ArgumentParser(description="probe dense search and retrieval on an existing (scale) index")
    parser.add_argument("--probe", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=20)
    args = parser.parse_args()
    model = get_embeddings(product_settings(args.probe))
    print(json.dumps(probe_filters(args.probe, questions(args.questions), model), indent=1))
