"""The benchmark's measurements of the product itself: ingest throughput and memory (in a child process, so its
peak RSS is its own), per-stage query latency, and `gfmd serve`'s cold start and peak memory.

    python -m bench.measure ingest --index DIR FILE...     # one child's job: prints one JSON line
    python -m bench.measure baseline --index DIR FILE...   # the tutorial baseline's ingest (1000/200 chunks)
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from bench.stats import disk_bytes, each_ms, mb, p50_p95, peak_rss_mb
from gfmd.offline import enforce_offline
from gfmd.settings import Settings

enforce_offline()
REPO_ROOT = Path(__file__).resolve().parent.parent
GOLDEN = REPO_ROOT / "evals" / "golden"
STAGES = ["embed", "dense", "lexical", "rerank", "retrieve", "answer", "total"]


def product_settings(index_dir: Path) -> Settings:
    values: dict[str, Any] = {"index_dir": index_dir, "answer_mode": "extractive", "llm_backend": "none"}
    return Settings(**{k: v for k, v in values.items() if k in Settings.model_fields})


def questions(n: int) -> list[str]:
    """Golden questions, interleaved across the sets (answerable, seed, unanswerable) so all kinds are timed."""
    sets = [
        [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        for path in sorted(GOLDEN.glob("*.jsonl"))
    ]
    mixed = [q for group in zip(*sets, strict=False) for q in group]
    return mixed[:n]


# --- ingest (child process) -------------------------------------------------------------------------------------


def run_child(
    kind: str, index_dir: Path, paths: list[Path], timeout: float, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """One measure in a fresh process (its own peak RSS); `env`: settings for that process only."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.measure", kind, "--index", str(index_dir), *map(str, paths)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})},
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"{kind} child failed: {done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["index_mb"] = mb(disk_bytes(index_dir))
    return result


def _ingest(index_dir: Path, paths: list[Path]) -> dict[str, Any]:
    from gfmd.index import Index
    from ingest.pipeline import ingest_paths

    started = time.perf_counter()
    index = Index(product_settings(index_dir))
    index.embeddings.embed_query("warm up")
    load_s = time.perf_counter() - started
    report = ingest_paths(paths, index)  # no tracemalloc here: it would slow the Python stages being timed
    summary = report.summary()
    return {
        "model_id": index.embeddings.model_id,
        "files": len(paths), "failed": summary["failed"], "pages": summary["pages"], "chunks": summary["chunks"],
        "seconds": summary["seconds"], "pages_per_s": summary["pages_per_second"],
        "chunks_per_s": summary["chunks_per_second"], "model_load_s": round(load_s, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }  # fmt: skip


def _baseline(index_dir: Path, paths: list[Path]) -> dict[str, Any]:
    from evals.baseline import TutorialBaseline
    from gfmd.embeddings import get_embeddings
    from ingest.loaders import load_file

    embeddings = get_embeddings(product_settings(index_dir))
    embeddings.embed_query("warm up")
    pages = sum(load_file(p).pages for p in paths)
    started = time.perf_counter()
    chunks = TutorialBaseline(index_dir, embeddings).build({p.name: p for p in paths})  # type: ignore[arg-type]
    seconds = time.perf_counter() - started
    return {
        "model_id": embeddings.model_id, "files": len(paths), "pages": pages, "chunks": chunks,
        "seconds": round(seconds, 2),
        "pages_per_s": round(pages / seconds, 2), "chunks_per_s": round(chunks / seconds, 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }  # fmt: skip


# --- queries ----------------------------------------------------------------------------------------------------


def query_latency(index_dir: Path, asked: list[str], baseline_dir: Path | None = None) -> dict[str, Any]:
    """p50/p95 of each stage of `Answer.timings_ms` (after a warm-up), and the baseline's dense top-4."""
    from assistant.api import Assistant

    assistant = Assistant(product_settings(index_dir))
    for question in asked[:2]:
        assistant.ask(question)  # model, BM25 index and caches loaded before the clock starts
    timings: dict[str, list[float]] = {stage: [] for stage in STAGES}
    refused = 0
    for question in asked:
        answer = assistant.ask(question)
        refused += answer.refused
        for stage in STAGES:
            if stage in answer.timings_ms:
                timings[stage].append(answer.timings_ms[stage])
    out: dict[str, Any] = {"questions": len(asked), "refused": refused}
    out.update({stage: p50_p95(values) for stage, values in timings.items() if values})
    if baseline_dir is not None and baseline_dir.exists():
        from evals.baseline import TutorialBaseline

        tutorial = TutorialBaseline(baseline_dir, assistant.index.embeddings)
        out["baseline_top4_total"] = p50_p95(each_ms(lambda q: tutorial.retrieve(q, k=4), asked))
    return out


# --- the server -------------------------------------------------------------------------------------------------


def serve_cold_start(index_dir: Path, port: int, load_sessions: int = 4, timeout: float = 300) -> dict[str, Any]:
    """Seconds from `gfmd serve` to HTTP 200 on /, then peak RSS idle and after a short load."""
    from bench.load_test import run_load

    env = {**os.environ, "GFMD_ANSWER_MODE": "extractive", "GFMD_LLM_BACKEND": "none"}
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "ui.cli", "serve", "--index", str(index_dir), "--port", str(port)],
        cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"gfmd serve exited: {process.stderr.read()[-2000:] if process.stderr else ''}")
            if time.monotonic() - started > timeout:
                raise RuntimeError(f"gfmd serve not ready after {timeout} s")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.2)
        cold = time.monotonic() - started
        idle_rss = peak_rss_mb(process.pid)
        load = run_load(url, sessions=load_sessions, questions_per_session=2, timeout_s=timeout).summary()
        return {
            "cold_start_s": round(cold, 2), "peak_rss_idle_mb": idle_rss,
            "peak_rss_after_load_mb": peak_rss_mb(process.pid), "load": load,
        }  # fmt: skip
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _prepare(index_dir: Path, paths: list[Path]) -> dict[str, Any]:
    """Load the embedding engine once (building the ONNX engine if this machine has none yet), so that the measured
    ingest neither pays for that build nor counts its memory."""
    from gfmd.embeddings import get_embeddings

    started = time.perf_counter()
    model_id = get_embeddings(product_settings(index_dir)).model_id
    return {"model_id": model_id, "seconds": round(time.perf_counter() - started, 1)}


def question_embedding_ms(index_dir: Path, asked: list[str], engine: str | None = None) -> dict[str, Any]:
    """The product's embedding time of one question (as retrieval embeds it, with its query prefix), in ms."""
    from gfmd.embeddings import get_embeddings

    settings = product_settings(index_dir)
    embeddings = get_embeddings(settings.model_copy(update={"embedding_engine": engine}) if engine else settings)
    embeddings.embed_queries(asked[:3])  # warm
    return {"model_id": embeddings.model_id, **p50_p95(each_ms(lambda q: embeddings.embed_queries([q]), asked))}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("kind", choices=["ingest", "baseline", "prepare"])
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("paths", type=Path, nargs="+")
    args = parser.parse_args()
    job = {"ingest": _ingest, "baseline": _baseline, "prepare": _prepare}[args.kind]
    print(json.dumps(job(args.index, args.paths)))


if __name__ == "__main__":
    main()
