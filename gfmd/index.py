"""The index as the rest of the product sees it: Chroma passages plus the BM25 index kept in step."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from gfmd.embeddings import ModelEmbeddings, get_embeddings
from gfmd.errors import IndexUnavailableError
from gfmd.lexical import LexicalIndex, fingerprint
from gfmd.settings import Settings
from gfmd.store import Store

log = logging.getLogger(__name__)


class Index:
    # How often, at most, `refresh_if_changed` asks the registry whether another process (a second `gfmd serve`
    # worker sharing the Chroma server, a `gfmd ingest`) added or removed documents. The check reads only the
    # registry's ids and metadata (one small request: no passages, no vectors, no document records to parse), so
    # one every 2 s costs a shared server a few small requests per worker whatever the question rate, and another
    # worker's ingest or removal is seen by the next question at most 2 s later.
    registry_check_s: float = 2.0

    def __init__(self, settings: Settings, embeddings: ModelEmbeddings | None = None) -> None:
        self.settings = settings
        self.embeddings: ModelEmbeddings = embeddings or get_embeddings(settings)
        self.store = Store(settings, self.embeddings)
        self._lexical: LexicalIndex | None = None
        self._lock = threading.Lock()
        self._check_lock = threading.Lock()
        self._checked_at = float("-inf")
        self._check_failed: tuple[float, str] | None = None  # when the last registry check failed, and why

    @property
    def lexical_dir(self) -> Path:
        # In server mode the BM25 copy is a local cache, rebuilt from the server when documents change.
        return Path(self.settings.index_dir) / f"lexical-{self.settings.collection}"

    def lexical(self) -> LexicalIndex:
        """The BM25 index matching the registered documents (loaded from disk, or rebuilt once)."""
        with self._lock:
            fp = fingerprint(self.store.active_versions())
            if self._lexical is not None and self._lexical.fingerprint == fp:
                return self._lexical
            loaded = LexicalIndex.load(self.lexical_dir)
            if loaded is None or loaded.fingerprint != fp or loaded.vectors is None:
                log.info("building the lexical index")
                chunks, vectors = self.store.all_chunks_with_vectors()
                loaded = LexicalIndex.build(chunks, fp, vectors)
                try:
                    loaded.save(self.lexical_dir)
                except OSError as exc:
                    log.warning("cannot save the lexical index to %s: %s", self.lexical_dir, exc)
            self._lexical = loaded
            return loaded

    def refresh(self) -> None:
        """Re-read the registry (another process may have ingested) and bring BM25 in step."""
        self.store.documents(refresh=True)
        self.lexical()

    def refresh_if_changed(self) -> bool:
        """`refresh()` when the registry's documents differ from the ones this process knows; the registry is
        asked at most once every `registry_check_s` seconds. True when it refreshed.

        When the check fails (`IndexUnavailableError`: the Chroma server down or hung), the questions that waited
        for it and those of the next `registry_check_s` seconds get the same error at once: otherwise each would
        wait its own full time limit in turn behind this lock, and a queue of questions to a hung server would
        take minutes to be told."""
        with self._check_lock:
            now = time.monotonic()
            if self._check_failed is not None and now - self._check_failed[0] < self.registry_check_s:
                raise IndexUnavailableError(self._check_failed[1])
            if now - self._checked_at < self.registry_check_s:
                return False
            self._checked_at = now
            try:
                unchanged = self.store.registered_versions() == self.store.active_versions()
            except IndexUnavailableError as exc:
                self._check_failed = (time.monotonic(), str(exc))
                raise
            self._check_failed = None
            if unchanged:
                return False
        log.info("the document registry changed in another process: re-reading it")
        self.refresh()
        return True
