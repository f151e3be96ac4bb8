from __future__ import annotations

import numpy as np
import pytest

from gfmd.e5.weights import _BLOCK, E5Weights, dequantise


@pytest.fixture(scope="module")
def weights() -> E5Weights:
    return E5Weights()


def test_dequantise_reads_low_nibbles_first_then_high_ones() -> None:
    block = np.zeros(1, dtype=_BLOCK)
    block["d"] = 0.5
    block["qs"][0] = [(hi << 4) | lo for lo, hi in zip(range(16), range(15, -1, -1), strict=True)]
    values = dequantise(block)  # one block: 32 weights
    assert values[:16].tolist() == [(q - 8) * 0.5 for q in range(16)]
    assert values[16:].tolist() == [(q - 8) * 0.5 for q in range(15, -1, -1)]


def test_the_bundled_file_is_multilingual_e5_small(weights: E5Weights) -> None:
    s = weights.shape
    assert (s.hidden, s.layers, s.heads, s.ffn, s.vocab, s.max_positions) == (384, 12, 12, 1536, 250037, 512)
    vocab = weights.vocabulary
    assert vocab.pieces[vocab.bos] == "<s>" and vocab.pieces[vocab.eos] == "</s>" and vocab.pieces[vocab.unk] == "<unk>"
    assert len(vocab.pieces) == len(vocab.scores) == 250002
    assert vocab.char_map  # the normaliser's character map came with it
    assert len(weights.digest) == 64


def test_tensors_have_their_shapes(weights: E5Weights) -> None:
    assert weights.vector("emb.pos").size == 512 * 384
    assert weights.matrix("l0.fo.w", 1536).shape == (384, 1536)
    assert weights.matrix("l11.fi.w", 384).shape == (1536, 384)
    rows = weights.word_embeddings(np.array([[5, 6], [7, 5]]))
    assert rows.shape == (2, 2, 384)
    assert np.array_equal(rows[0, 0], rows[1, 1])  # the same token, the same row
    assert np.array_equal(rows[0, 1], weights.matrix("emb.word", 384, np.array([6]))[0])
    with pytest.raises(ValueError, match="quantised"):
        weights.vector("l0.q.w")
