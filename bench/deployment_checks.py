"""The checks of a shared deployment (bench.shared_deployment): each drives running workers through the web app's
API (bench.web_client) and returns its figures, or raises `CheckFailed` saying what was seen.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.load_test import QUESTIONS
from bench.web_client import ask, listed, remove, upload

if TYPE_CHECKING:
    from tests.reliability.chroma_server import ChromaServer

SEEN_WITHIN_S = 20.0  # another worker's change reaches a worker's next question after at most 2 s (docs)
CHROMA_TIMEOUT_S = 10.0  # GFMD_CHROMA_TIMEOUT for the workers: a hung server is reported within this
UNAVAILABLE = "Index unavailable"  # how the chat begins an answer when the index does not answer (ui/chat.py)
UPLOAD_NAME = "shared-deployment-check_2024_en.txt"
UPLOAD_TEXT = (
    "Shared deployment check\n\n"
    "The Lake Chad labour mobility pilot trained 340 border officers in 2024. "
    "The pilot was run jointly by four municipalities and two employers' associations.\n"
)
UPLOAD_QUESTION = "How many border officers did the Lake Chad labour mobility pilot train?"


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


# --- the checks
def check_upload_then_remove(a: str, b: str, folder: Path) -> dict[str, float]:
    """Upload through worker A, see it answered from in worker B; remove through A, see it gone from B."""
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
    status = remove(a, UPLOAD_NAME)
    if "Removed" not in status:
        raise CheckFailed(f"removal through {a} failed: {status}")

    def b_forgot_it() -> bool | str:
        reply = ask(b, UPLOAD_QUESTION)
        return (UPLOAD_NAME not in reply.sources and UPLOAD_NAME not in listed(b)) or reply.sources

    gone = wait_for(f"the removal through {a} seen in {b}", b_forgot_it, SEEN_WITHIN_S)
    if (folder / "uploads" / UPLOAD_NAME).exists():
        raise CheckFailed(f"the removed upload's file is still in {folder / 'uploads'}")
    return {"upload_seen_in_b_s": round(seen, 2), "removal_seen_in_b_s": round(gone, 2)}


def check_chroma_restart(chroma: ChromaServer, urls: Sequence[str]) -> dict[str, float]:
    """Kill the Chroma server: every worker says the index is unavailable, naming the server, each reply within
    the time limit (no hang). Start it again on the same path and port: every worker answers again."""
    question = QUESTIONS[0]
    for url in urls:
        reply = ask(url, question)
        if UNAVAILABLE in reply.text or not reply.sources.count("gfmd-source"):
            raise CheckFailed(f"{url} does not answer before the restart: {reply.text[:300]}")
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
    return {
        "outage_reported_by_all_s": round(reported, 2),
        "slowest_reply_during_outage_s": round(slowest, 2),
        "recovered_all_s": round(time.monotonic() - restarted, 2),
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
