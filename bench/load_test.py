"""Load test of the web chat through its API: N concurrent sessions (gradio_client), each asking a fixed number
of questions on the "/ask" endpoint, under an overall deadline. Prints p50/p95 latency and throughput.

    python -m bench.load_test --fake                    # tiny index of tests/data, hashing embedder (seconds)
    python -m bench.load_test --index var/index-full    # an existing index with the real model
    python -m bench.load_test --url http://127.0.0.1:7860   # a server already running (`gfmd serve`)
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.stats import percentile
from gfmd.offline import enforce_offline

enforce_offline()
REPO_ROOT = Path(__file__).resolve().parent.parent
HTTPX = {"timeout": 60.0}
QUESTIONS = [
    "How much did Nigeria raise with its first diaspora bond?",
    "What was the average cost of sending 200 dollars?",
    "How much did remittances to low and middle income countries reach in 2019?",
    "What are diaspora bonds?",
    "¿Qué son los bonos de la diáspora?",
    "Combien coûte l'envoi de 200 dollars ?",
]


@dataclass
class LoadResult:
    sessions: int
    questions_per_session: int
    latencies_s: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def answered(self) -> int:
        return len(self.latencies_s)

    def summary(self) -> dict[str, Any]:
        lat = sorted(self.latencies_s)
        return {
            "sessions": self.sessions,
            "questions_per_session": self.questions_per_session,
            "answered": self.answered,
            "errors": len(self.errors),
            "first_errors": self.errors[:5],
            "wall_s": round(self.wall_s, 2),
            "throughput_qps": round(self.answered / self.wall_s, 2) if self.wall_s else 0.0,
            "latency_p50_s": round(percentile(lat, 50), 3),
            "latency_p95_s": round(percentile(lat, 95), 3),
            "latency_max_s": round(lat[-1], 3) if lat else 0.0,
        }


def question_parameter(client: Any) -> str:
    """Name of the "/ask" endpoint's question argument (the first text box), read from the app's API."""
    api = client.view_api(print_info=False, return_format="dict")
    endpoint = api["named_endpoints"].get("/ask")
    if endpoint is None:
        raise RuntimeError(f"the app has no /ask endpoint: {sorted(api['named_endpoints'])}")
    for parameter in endpoint["parameters"]:
        if parameter.get("component") == "Textbox":
            return str(parameter["parameter_name"])
    raise RuntimeError("the /ask endpoint takes no text box")


def answer_text(result: Any) -> str:
    """The last assistant message of the chatbot value the endpoint returns (first output)."""
    messages = result[0] if isinstance(result, list | tuple) else result
    if not isinstance(messages, list) or not messages:
        return ""
    content = messages[-1].get("content") if isinstance(messages[-1], dict) else messages[-1]
    if isinstance(content, list):
        return " ".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content or "")


def failure_reply(text: str) -> str | None:
    """What went wrong, when the chat's reply is its error message instead of an answer (the index unavailable,
    an exception while answering): such a reply is an error of the load test, not an answer."""
    from ui.chat import ERROR_MESSAGE, INDEX_UNAVAILABLE
    from ui.render import escape_markdown

    unavailable = escape_markdown(INDEX_UNAVAILABLE.split("{")[0])
    if text.strip().startswith(unavailable) or text.strip() == escape_markdown(ERROR_MESSAGE):
        return text.strip()[:300]
    return None


def run_session(url: str, number: int, questions: list[str], deadline: float, result: LoadResult, lock: Any) -> None:
    from gradio_client import Client

    try:
        # httpx's default 5 s is too short for 20 clients fetching the app's config at once on a busy machine.
        client = Client(url, verbose=False, analytics_enabled=False, download_files=False, httpx_kwargs=HTTPX)
        name = question_parameter(client)
    except Exception as exc:
        with lock:
            result.errors.extend(
                f"session {number}, question {i + 1}: cannot connect: {type(exc).__name__}: {exc}"
                for i in range(len(questions))
            )
        return
    for i, question in enumerate(questions):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            with lock:
                result.errors.append(f"session {number}: deadline reached before question {i + 1}")
            return
        started = time.monotonic()
        try:
            job = client.submit(api_name="/ask", **{name: question})
            text = answer_text(job.result(timeout=remaining))
            if not text.strip():
                raise RuntimeError("empty answer")
            failed = failure_reply(text)
            if failed:
                raise RuntimeError(f"an error reply: {failed}")
        except Exception as exc:
            with lock:
                result.errors.append(f"session {number}, question {i + 1}: {type(exc).__name__}: {exc}")
            continue
        with lock:
            result.latencies_s.append(time.monotonic() - started)


def run_load(
    url: str | Sequence[str], sessions: int = 20, questions_per_session: int = 3, timeout_s: float = 300
) -> LoadResult:
    """Drive `sessions` concurrent sessions (spread in turn over the URLs, when given several workers); every
    question not answered in time counts as an error."""
    urls = [url] if isinstance(url, str) else list(url)
    result = LoadResult(sessions, questions_per_session)
    lock = threading.Lock()
    deadline = time.monotonic() + timeout_s
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        futures = [
            pool.submit(
                run_session,
                urls[s % len(urls)],
                s,
                [QUESTIONS[(s + i) % len(QUESTIONS)] for i in range(questions_per_session)],
                deadline,
                result,
                lock,
            )
            for s in range(sessions)
        ]
        for future in as_completed(futures, timeout=timeout_s + 30):
            future.result()
    result.wall_s = time.monotonic() - started
    expected = sessions * questions_per_session
    if result.answered + len(result.errors) < expected:
        result.errors.append(f"{expected - result.answered - len(result.errors)} questions never completed")
    return result


def tiny_assistant(root: Path) -> Any:
    """A real Assistant over tests/data with the hashing fake embedder (no model to load)."""
    sys.path.insert(0, str(REPO_ROOT))
    from assistant.api import Assistant
    from gfmd.index import Index
    from gfmd.settings import Settings
    from ingest.pipeline import ingest_paths
    from tests.fakes import HashEmbeddings

    fields = Settings.model_fields
    values = {"index_dir": root / "index", "corpus_dir": root / "corpus", "answer_mode": "extractive",
              "llm_backend": "none", "min_support": 0.0, "min_support_cross": 0.0}  # fmt: skip
    settings = Settings(**{k: v for k, v in values.items() if k in fields})
    index = Index(settings, embeddings=HashEmbeddings())  # type: ignore[arg-type]
    report = ingest_paths(sorted((REPO_ROOT / "tests" / "data").glob("*.*")), index)
    if not report.ok:
        raise RuntimeError(f"tiny index failed: {report.summary()['failed']}")
    return Assistant(settings, index)


@contextmanager
def serve(settings: Any, assistant: Any = None, port: int | None = None) -> Iterator[str]:
    """The real web app (`ui.app.launch`) on 127.0.0.1 and a free port; yields its URL."""
    from tests.reliability.chroma_server import free_port
    from ui.app import launch

    settings = settings.model_copy(update={"host": "127.0.0.1"})
    demo = launch(settings, prevent_thread_lock=True, assistant=assistant, server_port=port or free_port(), quiet=True)
    try:
        yield str(demo.local_url).rstrip("/")
    finally:
        demo.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--fake", action="store_true", help="serve a tiny index with the hashing embedder")
    where.add_argument("--index", type=Path, help="serve this existing index with the configured (real) model")
    where.add_argument("--url", help="load an app that is already running")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--questions", type=int, default=3, help="questions per session")
    parser.add_argument("--timeout", type=float, default=600, help="overall deadline in seconds")
    parser.add_argument("--json", type=Path, help="also write the summary here")
    args = parser.parse_args(argv)

    import tempfile

    from gfmd.settings import Settings

    with tempfile.TemporaryDirectory(prefix="gfmd-load-") as tmp:
        if args.url:
            result = run_load(args.url, args.sessions, args.questions, args.timeout)
        else:
            assistant = tiny_assistant(Path(tmp)) if args.fake else None
            settings = assistant.settings if assistant else Settings(index_dir=args.index)
            with serve(settings, assistant) as url:
                if assistant is None:  # warm the model and the BM25 index before the clock starts
                    run_load(url, 1, 1, args.timeout)
                result = run_load(url, args.sessions, args.questions, args.timeout)
    summary = result.summary()
    for key, value in summary.items():
        print(f"{key:>22}: {value}")
    if args.json:
        args.json.write_text(json.dumps({**summary, "latencies_s": result.latencies_s}, indent=2))
    return 0 if not result.errors else 1


if __name__ == "__main__":
    raise SystemExit(main())
