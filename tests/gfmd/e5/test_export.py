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

    def fake_export(w: E5Weights, target: Path) -> Path:  # the real export takes a minute; its output is tested
        built.append(target)  # in test_engine.py
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(b"onnx")
        return target

    monkeypatch.setattr(export, "export_fp32", fake_export)
    first = export.cached_onnx(weights, tmp_path, int8=False)
    again = export.cached_onnx(weights, tmp_path, int8=False)
    assert first == again and built == [first]
    assert weights.digest[:16] in str(first.parent)
