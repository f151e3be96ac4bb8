"""The web chat's API (gradio_client) as a browser session uses it: ask, upload, remove, list the documents.
Each call opens a new session unless said otherwise."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.load_test import HTTPX, answer_text

ASK_TIMEOUT_S = 90.0  # one question, on a busy machine; a hang shows up as this


def client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False, analytics_enabled=False, download_files=False, httpx_kwargs=HTTPX)


@dataclass(frozen=True)
class Reply:
    text: str
    sources: str  # the sources panel (HTML)
    seconds: float


def ask(url: str, question: str, timeout: float = ASK_TIMEOUT_S) -> Reply:
    """One question in a new session; the answer's text and its sources panel."""
    started = time.monotonic()
    job = client(url).submit(question, [], "Any", "Any", "extractive", 4, api_name="/ask")
    result = job.result(timeout=timeout)
    return Reply(answer_text(result), str(result[1]), time.monotonic() - started)


def upload(url: str, path: Path) -> str:
    """The library's report of the upload (HTML)."""
    from gradio_client import handle_file

    return str(client(url).predict([handle_file(str(path))], api_name="/upload")[0])


def remove(url: str, source: str) -> str:
    session = client(url)
    # A page load ("/documents") fills the session's removal list, as in a browser; gradio refuses a value that is
    # not among the list's choices, and a new session's list is the one the app was built with.
    session.predict(api_name="/documents")
    return str(session.predict(source, api_name="/remove")[0])


def listed(url: str) -> list[str]:
    """The sources in the library table, as a page load shows it."""
    table = client(url).predict(api_name="/documents")[0]
    return [row[1] for row in table["data"]]
