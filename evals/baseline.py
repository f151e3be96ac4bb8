"""The baseline to beat: the LangChain RAG tutorial's pipeline, with our embedding model.

Page texts (from `ingest.loaders.load_file`, with source and page metadata) are cut by
RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200), embedded with the same model as the product
(`gfmd.embeddings.get_embeddings`: e5 query/passage roles included) into a Chroma collection of their own, and
searched by dense similarity alone. The "answer" is the top passage, cited as [1] with the whole passage as its
quote; the baseline never refuses. It retrieves 10 passages so hit@k compares like with like (the tutorial
passes the top 4 to its LLM).
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.documents import Document as LCDocument
from langchain_text_splitters import RecursiveCharacterTextSplitter
from tqdm import tqdm

from evals.metrics.base import Passage
from gfmd.chroma import make_client
from gfmd.embeddings import ModelEmbeddings
from gfmd.records import Answer, AnswerSentence, Citation, content_hash
from gfmd.settings import Settings
from gfmd.text.languages import detect_language
from ingest.errors import IngestError
from ingest.loaders import load_file

log = logging.getLogger(__name__)

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TUTORIAL_K = 4  # passages the tutorial hands to its LLM
RETRIEVE_K = 10
COLLECTION = "langchain_tutorial"
_DONE = "complete"  # marker written once the collection holds every chunk


def baseline_dir(out: Path, corpus: Mapping[str, Path], model_id: str) -> Path:
    key = "|".join(f"{name}:{path.stat().st_size}" for name, path in sorted(corpus.items()))
    digest = hashlib.sha256(f"{key}|{model_id}|{CHUNK_SIZE}/{CHUNK_OVERLAP}".encode()).hexdigest()[:12]
    return out / f"baseline-{digest}"


class TutorialBaseline:
    def __init__(self, directory: Path, embeddings: ModelEmbeddings) -> None:
        self.directory = directory
        self.embeddings = embeddings
        directory.mkdir(parents=True, exist_ok=True)
        self.client = make_client(Settings(index_dir=directory, chroma_url=None))
        self.collection = self.client.get_or_create_collection(
            name=COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    @property
    def ready(self) -> bool:
        return (self.directory / _DONE).exists() and self.collection.count() > 0

    def build(self, corpus: Mapping[str, Path], progress: bool = False) -> int:
        """Split and embed every document (once: a complete collection is reused). Returns the chunk count."""
        if self.ready:
            return int(self.collection.count())
        # 1. One LangChain Document per page, as the tutorial's PDF loader gives them.
        pages: list[LCDocument] = []
        for name, path in sorted(corpus.items()):
            try:
                loaded = load_file(path)
            except IngestError as exc:
                log.warning("baseline: skipping %s: %s", name, exc.reason)
                continue
            for page in range(1, loaded.pages + 1):
                text = loaded.page_text(page)
                if text.strip():
                    pages.append(LCDocument(page_content=text, metadata={"source": name, "page": page}))
        # 2. The tutorial's splitter.
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        chunks = splitter.split_documents(pages)
        # 3. Embed (passage role) and store, in batches. A batch already stored by an interrupted build is kept,
        #    so a stopped build resumes where it was instead of embedding everything again.
        batch = 32
        for start in tqdm(range(0, len(chunks), batch), desc="baseline index", disable=not progress, unit="batch"):
            part = chunks[start : start + batch]
            ids = [content_hash(f"{c.metadata['source']}:{start + i}:{c.page_content}") for i, c in enumerate(part)]
            if len(self.collection.get(ids=ids, include=[])["ids"]) == len(ids):
                continue
            vectors = self.embeddings.embed_documents([c.page_content for c in part])
            self.collection.upsert(
                ids=ids,
                embeddings=np.asarray(vectors, dtype=np.float32),
                documents=[c.page_content for c in part],
                metadatas=[dict(c.metadata) for c in part],
            )
        (self.directory / _DONE).write_text(f"{len(chunks)}\n", encoding="utf-8")
        return len(chunks)

    def retrieve(self, question: str, k: int = RETRIEVE_K) -> list[Passage]:
        """Dense similarity search (query role), best first."""
        vector = np.asarray(self.embeddings.embed_query(question), dtype=np.float32)
        n = int(self.collection.count())
        if n == 0:
            return []
        got: Any = self.collection.query(
            query_embeddings=[vector], n_results=min(k, n), include=["documents", "metadatas", "distances"]
        )
        return [
            Passage(cid, str(meta["source"]), int(meta["page"]), text, round(1.0 - float(dist), 4))
            for cid, text, meta, dist in zip(
                got["ids"][0], got["documents"][0], got["metadatas"][0], got["distances"][0], strict=True
            )
        ]

    def ask(self, question: str) -> tuple[Answer, list[Passage]]:
        """The top passage as the answer, cited [1]; never a refusal. Also returns the 10 passages retrieved."""
        started = time.perf_counter()
        passages = self.retrieve(question)
        t_retrieved = time.perf_counter()
        lang = detect_language(question, default="en")
        retrieve_ms = round((t_retrieved - started) * 1000, 2)
        if not passages:
            answer = Answer(question=question, answer="", refused=False, mode="extractive", lang=lang)
            return answer, []
        top = passages[0]
        citation = Citation(
            n=1,
            chunk_id=top.chunk_id,
            doc_id="",
            title=top.source,
            source=top.source,
            page=top.page,
            lang=detect_language(top.text, default="und"),
            quote=top.text,
            text=top.text,
            score=top.score or 0.0,
        )
        answer = Answer(
            question=question,
            answer=f"{top.text} [1]",
            refused=False,
            mode="extractive",
            lang=lang,
            citations=[citation],
            sentences=[AnswerSentence(text=top.text, citations=[1])],
            timings_ms={
                "retrieve": retrieve_ms,
                "answer": round((time.perf_counter() - t_retrieved) * 1000, 2),
                "total": round((time.perf_counter() - started) * 1000, 2),
            },
        )
        return answer, passages
