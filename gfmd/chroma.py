"""The Chroma client boundary: client creation (embedded or server), our embedding function, and a guard that
turns Chroma's failures (server down or hung, read-only or full disk) into `IndexUnavailableError` naming the index."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import httpx
import numpy as np
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import ChromaError
from chromadb.utils.embedding_functions import register_embedding_function

from gfmd.embeddings import ModelEmbeddings
from gfmd.errors import IndexUnavailableError
from gfmd.settings import Settings

__all__ = [
    "GfmdEmbeddingFunction",
    "GuardedCollection",
    "failure_reason",
    "make_client",
]
log = logging.getLogger(__name__)
for noisy in ("chromadb", "chromadb.telemetry", "httpx"):
    logging.getLogger(noisy).setLevel(logging.ERROR)

# Chroma's HttpClient waits forever by default (httpx timeout=None): a hung server would hang every worker, so
# every request gets `Settings.chroma_timeout` (GFMD_CHROMA_TIMEOUT); connecting gets at most this much of it.
CHROMA_CONNECT_TIMEOUT_S = 5.0
_WRITES = frozenset({"add", "upsert", "update", "delete", "modify"})


@register_embedding_function
class GfmdEmbeddingFunction(EmbeddingFunction[Documents]):
    """Explicit embedding function for Chroma, so it never falls back to its downloading default."""

    def __init__(self, embeddings: ModelEmbeddings | None = None, model_id: str = "") -> None:
        self._embeddings = embeddings
        self.model_id = embeddings.model_id if embeddings is not None else model_id

    def __call__(self, input: Documents) -> Embeddings:
        if self._embeddings is None:
            raise IndexUnavailableError(f"embedding model {self.model_id!r} is not loaded in this process")
        vectors = self._embeddings.embed_documents(list(input))
        return [np.asarray(v, dtype=np.float32) for v in vectors]

    def embed_query(self, input: Documents) -> Embeddings:
        if self._embeddings is None:
            raise IndexUnavailableError(f"embedding model {self.model_id!r} is not loaded in this process")
        return [np.asarray(self._embeddings.embed_query(t), dtype=np.float32) for t in input]

    @staticmethod
    def name() -> str:
        return "gfmd"

    def get_config(self) -> dict[str, Any]:
        return {"model_id": self.model_id}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> GfmdEmbeddingFunction:
        return GfmdEmbeddingFunction(None, str(config.get("model_id", "")))

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"


def make_client(settings: Settings) -> Any:
    chroma_settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if not url.hostname:
            raise IndexUnavailableError(f"GFMD_CHROMA_URL is not a URL: {settings.chroma_url!r}")
        try:
            client = chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
            _bound_requests(client, chroma_timeout(settings))
            client.heartbeat()
        except Exception as exc:
            raise IndexUnavailableError(f"Chroma server at {settings.chroma_url} is not reachable: {exc}") from exc
        return client
    index_dir = Path(settings.index_dir)
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise IndexUnavailableError(f"cannot create index directory {index_dir}: {exc.strerror or exc}") from exc
    try:
        return chromadb.PersistentClient(path=str(index_dir), settings=chroma_settings)
    except (ChromaError, OSError) as exc:
        raise IndexUnavailableError(
            f"cannot open the index directory {index_dir.resolve()}: {failure_reason(exc)}"
        ) from exc


def _bound_requests(client: Any, timeout: httpx.Timeout) -> None:
    """Give every request of an HttpClient a time limit.

    chromadb 1.5 offers no public way to do this: its HTTP client (`chromadb.api.fastapi.FastAPI`) builds its
    `httpx.Client(timeout=None)` with the timeout hard-coded, and `chromadb.config.Settings` carries only the
    server's own timeouts. So the private attribute that holds the session is set here, and nowhere else; should
    a chromadb release move it, a warning says so (tests/reliability/test_server_faults.py freezes a server to
    check that a request fails in time).
    """
    session = getattr(getattr(client, "_server", None), "_session", None)
    if isinstance(session, httpx.Client):
        session.timeout = timeout
    else:
        log.warning("cannot set a time limit on Chroma's HTTP client: a hung server will hang its callers")


def chroma_timeout(settings: Settings) -> httpx.Timeout:
    seconds = settings.chroma_timeout
    return httpx.Timeout(seconds, connect=min(CHROMA_CONNECT_TIMEOUT_S, seconds))


def failure_reason(exc: BaseException, timeout: float | None = None) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, httpx.TimeoutException):
        within = f"within {timeout:g} s" if timeout is not None else "in time"
        return f"no answer {within} ({type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


class GuardedCollection:
    """A Chroma collection whose failures (server down or hung, read-only or full disk) raise `IndexUnavailableError`
    naming the index, instead of a library exception or a hang the caller cannot act on."""

    def __init__(self, collection: Any, where: str, timeout: float | None = None) -> None:
        self._collection = collection
        self._where = where
        self._timeout = timeout  # for the message: the server's time limit, None for an embedded index

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._collection, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            try:
                return attr(*args, **kwargs)
            except IndexUnavailableError:
                raise
            except (httpx.HTTPError, OSError, ChromaError) as exc:
                verb = "writing to" if name in _WRITES else "reading from"
                raise IndexUnavailableError(
                    f"{verb} {self._where} failed: {failure_reason(exc, self._timeout)}"
                ) from exc

        return call
