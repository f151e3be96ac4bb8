"""Measure the llama.cpp runtime on this machine: load time, time to first token, prefill and decode speed.

    python -m assistant.generation.llm.bench        # 4 Spanish passages (~1,500 prompt tokens), 120 output tokens
    python -m assistant.generation.llm.bench --prompt-tokens 3000 --max-tokens 200 --runs 3 --json

The prompt is built like a RAG prompt: a system instruction, then numbered passages cut from the bundled corpus,
then a question. Each run starts from an empty KV cache (llama.cpp would otherwise reuse the shared prefix).
It runs the engine in this process, as the model worker does, so two builds of llama-cpp-python can be compared
by running it with each on the Python path (`PYTHONPATH=build-a python -m assistant.generation.llm.bench`).
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import time
from pathlib import Path
from typing import Any

from assistant.generation.llm import runtime
from assistant.generation.llm.engine import EngineOptions, LlamaEngine
from assistant.generation.llm.model_files import ensure_local_model

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
SYSTEM = (
    "Eres un asistente que responde sólo con la información de los pasajes numerados. "
    "Cita los pasajes que uses con su número entre corchetes, por ejemplo [2]. "
    "Si los pasajes no contienen la respuesta, dilo."
)
QUESTION = "¿Cuáles son los principales desafíos a la hora de establecer alianzas en materia de migración?"


def spanish_text(corpus: Path) -> str:
    files = sorted(corpus.glob("*_es.txt")) or sorted(corpus.glob("*.txt"))
    if not files:
        raise SystemExit(f"no .txt documents in {corpus}")
    return re.sub(r"\s+", " ", " ".join(f.read_text(encoding="utf-8") for f in files)).strip()


def build_messages(llama: Any, corpus: Path, prompt_tokens: int, passages: int) -> list[dict[str, str]]:
    """Numbered passages, cut at sentence ends, sized so that the whole prompt is about prompt_tokens long."""
    text = spanish_text(corpus)
    chars_per_token = len(text) / max(1, len(llama.tokenize(text.encode(), add_bos=False)))
    fixed = len(llama.tokenize((SYSTEM + QUESTION).encode(), add_bos=False)) + 40  # template and numbering
    size = int((prompt_tokens - fixed) / passages * chars_per_token)
    sentences = re.split(r"(?<=[.!?])\s+", text)
    chunks, cur = [], ""
    for s in sentences:
        if cur and len(cur) + len(s) > size:
            chunks.append(cur.strip())
            cur = ""
        cur += s + " "
    step = max(1, len(chunks) // passages)
    picked = chunks[::step][:passages]
    body = "\n\n".join(f"[{i}] {p}" for i, p in enumerate(picked, 1))
    return [
        {"role": "system", "content": SYSTEM},
        {"role": "user", "content": f"Pasajes:\n\n{body}\n\nPregunta: {QUESTION}"},
    ]


def run_once(engine: LlamaEngine, messages: list[dict[str, str]], max_tokens: int) -> dict[str, Any]:
    llama = engine.llama
    llama.reset()  # cold KV cache: measure the full prefill every run
    t0 = time.perf_counter()
    first = None
    text = ""
    for piece, _ in engine.stream(messages, {"max_tokens": max_tokens, "temperature": 0.0}, time.monotonic() + 600):
        if piece and first is None:
            first = time.perf_counter() - t0
        text += piece
    total = time.perf_counter() - t0
    # exact prompt size as llama.cpp templated it: a 1-token call that reuses the KV cache of the prompt
    prompt_tokens = llama.create_chat_completion(messages, max_tokens=1)["usage"]["prompt_tokens"]
    out = llama.tokenize(text.encode(), add_bos=False)
    ttft = first if first is not None else total
    decode = total - ttft
    return {
        "prompt_tokens": prompt_tokens,
        "output_tokens": len(out),
        "ttft_s": round(ttft, 2),
        "prefill_tok_s": round(prompt_tokens / ttft, 1),
        "decode_tok_s": round((len(out) - 1) / decode, 1) if decode > 0 and len(out) > 1 else None,
        "total_s": round(total, 2),
        "answer": text,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--prompt-tokens", type=int, default=1500)
    ap.add_argument("--passages", type=int, default=4)
    ap.add_argument("--max-tokens", type=int, default=120)
    ap.add_argument("--n-threads", type=int, default=EngineOptions.n_threads)
    ap.add_argument("--n-ctx", type=int, default=4096)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--json", action="store_true", help="print one JSON object instead of a report")
    args = ap.parse_args(argv)

    t0 = time.perf_counter()
    path = ensure_local_model()
    verify_s = time.perf_counter() - t0
    engine = LlamaEngine(EngineOptions(model_path=str(path), n_threads=args.n_threads, n_ctx=args.n_ctx))
    t0 = time.perf_counter()
    engine.load()
    load_s = time.perf_counter() - t0
    messages = build_messages(engine.llama, args.corpus, args.prompt_tokens, args.passages)
    runs = [run_once(engine, messages, args.max_tokens) for _ in range(args.runs)]
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "model": str(path),
        "runtime": str(runtime.package_dir()),
        "portable_build": runtime.is_portable_build(),
        "find_verify_s": round(verify_s, 3),
        "load_s": round(load_s, 2),
        "n_threads": args.n_threads,
        "n_ctx": args.n_ctx,
        "max_tokens": args.max_tokens,
        "peak_rss_mb": round(rss_mb),
        "runs": runs,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
        return 0
    print(f"runtime {result['runtime']} (portable build: {result['portable_build']})")
    print(f"model {path.name}: find+verify {verify_s:.3f} s, load {load_s:.2f} s, peak RSS {rss_mb:.0f} MB")
    for i, r in enumerate(runs, 1):
        print(
            f"run {i}: prompt {r['prompt_tokens']} tok, TTFT {r['ttft_s']} s ({r['prefill_tok_s']} tok/s prefill), "
            f"{r['output_tokens']} output tok at {r['decode_tok_s']} tok/s, total {r['total_s']} s"
        )
    print("answer:", runs[-1]["answer"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
