"""Generative answers end to end: time to the first streamed token and to the verified answer, per question.

Each golden question goes through `Assistant.stream` in generative mode with the configured model (the bundled
local one by default), on an existing index; the model is loaded (and warmed by one question) before timing.

    python -m bench.generative --index var/index-full --questions 8
    GFMD_LLM_PASSAGE_CHARS=2000 python -m bench.generative --index var/index-full   # whole passages, to compare
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from bench.measure import questions
from bench.stats import p50_p95
from gfmd.offline import enforce_offline
from gfmd.settings import Settings


def run(index_dir: Path, n: int) -> dict[str, Any]:
    from assistant.api import Assistant
    from gfmd.index import Index

    settings = Settings(index_dir=index_dir, answer_mode="generative", chroma_url=None)
    assistant = Assistant(settings, Index(settings))
    status = assistant.start_model(wait=300)
    if not status.generative:
        raise SystemExit(f"{status.message} See `gfmd config` (GFMD_LLM_BACKEND) and scripts/setup_llm.py")
    assistant.ask("How many international migrants were there in 2019?", mode="generative")  # warm-up
    rows: list[dict[str, Any]] = []
    for question in questions(n):
        started = time.perf_counter()
        first: float | None = None
        answer = None
        for event in assistant.stream(question, mode="generative"):
            if event.kind == "token" and first is None:
                first = time.perf_counter() - started
            if event.kind == "answer":
                answer = event.answer
        total = time.perf_counter() - started
        assert answer is not None
        ran = "generate" in answer.timings_ms  # False: refused by the extractive gates before any generation
        rows.append(
            {
                "question": question,
                "model_ran": ran,
                "mode": answer.mode,
                "refused": answer.refused,
                "first_token_s": round(first, 2) if first is not None and ran else None,
                "first_text_s": round(first if first is not None else total, 2),
                "total_s": round(total, 2),
                "notice": answer.notice[:120],
                "answer": answer.answer[:200],
            }
        )
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    ran = [r for r in rows if r["model_ran"]]
    streamed = [r for r in ran if r["first_token_s"] is not None]
    return {
        "questions": len(rows),
        "model_ran": len(ran),
        "shown_generative": sum(1 for r in rows if r["mode"] == "generative" and not r["refused"]),
        "refused_before_generation": len(rows) - len(ran),
        # over the answers the model wrote: its first streamed token; and the first text the reader sees (the
        # token, or the whole answer when nothing was streamed, e.g. after NO_ANSWER)
        "first_token_ms": p50_p95([r["first_token_s"] * 1000 for r in streamed]) if streamed else {},
        "first_text_ms": p50_p95([r["first_text_s"] * 1000 for r in ran]) if ran else {},
        "answer_ms": p50_p95([r["total_s"] * 1000 for r in ran]) if ran else {},
        "llm_grounding": settings.llm_grounding,
        "llm_passage_chars": settings.llm_passage_chars,
        "llm_context_passages": settings.llm_context_passages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--questions", type=int, default=8)
    args = parser.parse_args(argv)
    enforce_offline()
    print(json.dumps(run(args.index, args.questions), indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
