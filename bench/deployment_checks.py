"""The checks of a shared deployment (bench.shared_deployment): each drives running workers through the web app's
API (bench.web_client) and returns its figures, or raises `CheckFailed` saying what was seen.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from bench.deployment_env import CHROMA_TIMEOUT_S, REPO_ROOT, gfmd_command, worker_env
from bench.load_test import QUESTIONS, run_load
from bench.web_client import ask, listed, remove, upload
from gfmd.index import Index

if TYPE_CHECKING:
    from tests.reliability.chroma_server import ChromaServer

# Another worker's change (an upload, a removal) must reach a worker's answers within this: the worker asks the
# registry at most every Index.registry_check_s (2 s), then re-reads it and rebuilds its BM25 and vector copies,
# and the probe's own question takes a few seconds on a loaded 2-core machine: 2 s + 18 s of margin.
SEEN_WITHIN_S = Index.registry_check_s + 18.0
UNAVAILABLE = "Index unavailable"  # how the chat begins an answer when the index does not answer (ui/chat.py)
UPLOAD_NAME = "shared-deployment-check_2024_en.txt"
UPLOAD_TEXT = (
    "Shared deployment check\n\n"
    "The Lake Chad labour mobility pilot trained 340 border officers in 2024. "
    "The pilot was run jointly by four municipalities and two employers' associations.\n"
)
UPLOAD_QUESTION = "How many border officers did the Lake Chad labour mobility pilot train?"
RESTART_QUESTIONS = QUESTIONS[:2]  # asked of every worker before and after the Chroma restart: the same answers
PAGE = 5000  # passages read from the server per request
NO_TELEMETRY = {"anonymized_telemetry": False}


class CheckFailed(AssertionError):
    """A check of the deployment failed; the message says which and what was seen."""


def wait_for(what: str, probe: Any, within: float) -> float:
    """Ask `probe()` until it is true; the seconds it took. `CheckFailed` naming `what` after `within` s."""
    started = time.monotonic()
    last: Any = None
    while time.monotonic() - started < within:
        last = probe()
        if last is True:
            return time.monotonic() - started
        time.sleep(0.3)
    raise CheckFailed(f"{what}: not within {within:g} s (last seen: {str(last)[:300]})")


def server_state(url: str, collection: str = "gfmd") -> dict[str, Any]:
    """What the Chroma server holds, read from it directly (not through a worker): the registered documents
    (source -> doc_id) and the ids of every passage, registered or not."""
    import chromadb

    address = urlparse(url)
    client = chromadb.HttpClient(
        host=address.hostname or "127.0.0.1", port=address.port or 8000, settings=chromadb.Settings(**NO_TELEMETRY)
    )
    registry = client.get_collection(f"{collection}_documents").get(include=["metadatas"])
    records = zip(registry["ids"], registry["metadatas"] or [], strict=True)
    documents = {source: (meta or {}).get("doc_id") for source, meta in records}
    passages, ids = client.get_collection(collection), []
    while page := passages.get(include=[], limit=PAGE, offset=len(ids))["ids"]:
        ids.extend(page)
    return {"documents": documents, "passage_ids": sorted(ids)}


def fresh_answers(chroma_url: str, folder: Path, questions: Sequence[str]) -> list[dict[str, Any]]:
    """The answers of a new process (`gfmd ask --batch`, an empty GFMD_INDEX_DIR: everything is read from the
    server, nothing from a worker's copies or caches): text, refusal and citations (n, chunk, page, quote)."""
    folder.mkdir(parents=True)
    batch = folder / "questions.jsonl"
    batch.write_text("".join(json.dumps({"id": n, "question": q}) + "\n" for n, q in enumerate(questions)))
    done = subprocess.run(
        [*gfmd_command(), "ask", "--batch", str(batch)],
        cwd=REPO_ROOT, env=worker_env(chroma_url, folder / "index"), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    items = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or len(items) != len(questions) or any("error" in item for item in items):
        raise CheckFailed(f"gfmd ask --batch against {chroma_url} failed ({done.returncode}): {done.stderr[-1000:]}")
    return [
        {
            "answer": item["answer"],
            "refused": item["refused"],
            "citations": [(c["n"], c["chunk_id"], c["page"], c["quote"]) for c in item["citations"]],
        }
        for item in items
    ]


def cited(sources_html: str) -> list[str]:
    """The citations of a sources panel, one "source · p. N" line per card."""
    return [re.sub(r"<[^>]+>", "", line) for line in re.findall(r"<small>(.*?)</small>", sources_html)]


# --- the checks
def check_upload_then_remove(a: str, b: str, folder: Path) -> dict[str, float]:
    """Upload through worker A, see it answered from in worker B; remove through B, see it gone from A. Each within
    SEEN_WITHIN_S of the upload's (removal's) reply."""
    path = folder / UPLOAD_NAME
    path.write_text(UPLOAD_TEXT, encoding="utf-8")
    status = upload(a, path)
    if f"{UPLOAD_NAME}</strong>: added" not in status:
        raise CheckFailed(f"upload through {a} failed: {status}")
    if not (folder / "uploads" / UPLOAD_NAME).is_file():
        raise CheckFailed(f"the upload through {a} is not in the shared uploads folder {folder / 'uploads'}")

    def b_cites_it() -> bool | str:
        reply = ask(b, UPLOAD_QUESTION)
        return (UPLOAD_NAME in reply.sources and "340" in reply.text) or reply.text

    seen = wait_for(f"the upload through {a} answered from in {b}", b_cites_it, SEEN_WITHIN_S)
    if UPLOAD_NAME not in listed(b):
        raise CheckFailed(f"{UPLOAD_NAME} is answered from but not listed in {b}'s library")
    if UPLOAD_NAME not in ask(a, UPLOAD_QUESTION).sources:
        raise CheckFailed(f"{a}, which took the upload, does not answer from it")
    status = remove(b, UPLOAD_NAME)
    if "Removed" not in status:
        raise CheckFailed(f"removal through {b} failed: {status}")

    def a_forgot_it() -> bool | str:
        reply = ask(a, UPLOAD_QUESTION)
        return (UPLOAD_NAME not in reply.sources and UPLOAD_NAME not in listed(a)) or reply.sources

    gone = wait_for(f"the removal through {b} seen in {a}", a_forgot_it, SEEN_WITHIN_S)
    if (folder / "uploads" / UPLOAD_NAME).exists():
        raise CheckFailed(f"the removed upload's file is still in {folder / 'uploads'}")
    return {"upload_seen_in_b_s": round(seen, 2), "removal_seen_in_a_s": round(gone, 2)}


def check_chroma_restart(chroma: ChromaServer, urls: Sequence[str], folder: Path) -> dict[str, float]:
    """Kill the Chroma server (SIGKILL: nothing flushed on the way out): every worker says the index is
    unavailable, naming the server, each reply within the time limit (no hang). Start it again on the same path
    and port: it holds exactly the documents and passages it held; every worker gives each question it answered
    before the same answer with the same citations, and so does a new process reading only from the server."""
    before = {(url, q): ask(url, q) for url in urls for q in RESTART_QUESTIONS}
    for (url, _), reply in before.items():
        if UNAVAILABLE in reply.text or not cited(reply.sources):
            raise CheckFailed(f"{url} does not answer before the restart: {reply.text[:300]}")
    held = server_state(chroma.url)
    fresh = fresh_answers(chroma.url, folder / "fresh-before-restart", RESTART_QUESTIONS)
    if any(answer["refused"] or not answer["citations"] for answer in fresh):
        raise CheckFailed(f"a new process does not answer {RESTART_QUESTIONS} before the restart: {fresh}")
    question = RESTART_QUESTIONS[0]
    chroma.stop(kill=True)
    killed = time.monotonic()
    slowest = 0.0
    for url in urls:

        def says_unavailable(url: str = url) -> bool | str:
            nonlocal slowest
            reply = ask(url, question, timeout=CHROMA_TIMEOUT_S + 30)
            slowest = max(slowest, reply.seconds)
            return (UNAVAILABLE in reply.text and chroma.url in reply.text) or reply.text

        wait_for(f"{url} reporting the stopped Chroma server", says_unavailable, SEEN_WITHIN_S)
    reported = time.monotonic() - killed
    chroma.restart()  # same path, same port
    restarted = time.monotonic()
    for url in urls:

        def answers(url: str = url) -> bool | str:
            reply = ask(url, question)
            return (UNAVAILABLE not in reply.text and "gfmd-source" in reply.sources) or reply.text

        wait_for(f"{url} answering after the Chroma restart", answers, SEEN_WITHIN_S)
    recovered = time.monotonic() - restarted
    after = server_state(chroma.url)
    if after != held:
        lost = sorted(set(held["documents"].items()) ^ set(after["documents"].items()))
        raise CheckFailed(
            f"the restarted server holds other data: documents {len(held['documents'])} -> "
            f"{len(after['documents'])} (differing: {lost[:5]}), passages {len(held['passage_ids'])} -> "
            f"{len(after['passage_ids'])}"
        )
    for (url, q), first in before.items():
        again = ask(url, q)
        if (again.text, again.sources) != (first.text, first.sources):
            raise CheckFailed(
                f"{url} answers {q!r} otherwise after the restart: citations {cited(first.sources)} -> "
                f"{cited(again.sources)}; text {first.text[:200]!r} -> {again.text[:200]!r}"
            )
    fresh_again = fresh_answers(chroma.url, folder / "fresh-after-restart", RESTART_QUESTIONS)
    if fresh_again != fresh:
        raise CheckFailed(f"a new process answers otherwise after the restart: {fresh} -> {fresh_again}")
    return {
        "outage_reported_by_all_s": round(reported, 2),
        "slowest_reply_during_outage_s": round(slowest, 2),
        "recovered_all_s": round(recovered, 2),
        "documents_kept": len(after["documents"]),
        "passages_kept": len(after["passage_ids"]),
        "answers_unchanged": len(before) + len(fresh_again),
    }


def check_hung_chroma(chroma: ChromaServer, urls: Sequence[str], sessions: int = 12) -> dict[str, float]:
    """Freeze the Chroma server (SIGSTOP: connections are accepted, nothing answers): `sessions` questions at once,
    spread over the workers, each get the clear error (or an answer from a worker's own copy) within about one
    time limit, not one time limit after another; thawed, every worker answers again."""
    from concurrent.futures import ThreadPoolExecutor

    chroma.freeze()
    try:
        time.sleep(2.5)  # past the workers' registry check interval: every question meets the hung server
        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=sessions) as pool:
            replies = list(pool.map(lambda n: ask(urls[n % len(urls)], QUESTIONS[n % len(QUESTIONS)]), range(sessions)))
        wall = time.monotonic() - started
    finally:
        chroma.thaw()
    unclear = [r.text[:200] for r in replies if UNAVAILABLE not in r.text and "gfmd-source" not in r.sources]
    if unclear:
        raise CheckFailed(f"replies while Chroma was hung that are neither an answer nor the clear error: {unclear}")
    slowest = max(r.seconds for r in replies)
    if slowest > 2 * CHROMA_TIMEOUT_S + 10:
        raise CheckFailed(f"a reply took {slowest:.1f} s with Chroma hung (time limit {CHROMA_TIMEOUT_S:g} s)")
    for url in urls:
        wait_for(f"{url} answering after the thaw", lambda url=url: UNAVAILABLE not in ask(url, QUESTIONS[0]).text, 30)
    return {
        "hung_errors": sum(UNAVAILABLE in r.text for r in replies),
        "hung_slowest_reply_s": round(slowest, 2),
        "hung_all_replies_s": round(wall, 2),
    }


def check_throughput(
    urls: Sequence[str], sessions: int = 20, questions: int = 2, timeout_s: float = 600
) -> dict[str, Any]:
    """The same load (`sessions` concurrent sessions of `questions` questions) against the first worker alone,
    then spread over all the workers: no error allowed in either; their throughput, p50, p95 and the ratio."""
    one = run_load(urls[:1], sessions=sessions, questions_per_session=questions, timeout_s=timeout_s)
    every = run_load(urls, sessions=sessions, questions_per_session=questions, timeout_s=timeout_s)
    for name, result in (("one worker", one), (f"{len(urls)} workers", every)):
        if result.errors or result.answered != sessions * questions:
            raise CheckFailed(f"{len(result.errors)} errors under load on {name}: {result.errors[:5]}")
    alone, spread = one.summary(), every.summary()
    return {
        "load_one_worker": alone,
        "load_all_workers": spread,
        "throughput_ratio": round(spread["throughput_qps"] / alone["throughput_qps"], 2),
    }
