"""A shared deployment on one machine: one Chroma server, `gfmd ingest` into it, two `gfmd serve` workers on two
ports (GFMD_CHROMA_URL, each its own GFMD_INDEX_DIR), driven through the web app's API (gradio_client).

    python -m bench.shared_deployment serve    # start it all, print the two URLs, stay up until Ctrl-C
    python -m bench.shared_deployment check    # the checks below, then the load; exit 1 when one fails

The checks: a document uploaded through worker A is answered from by worker B; removed through B, it is gone
from A (each within SEEN_WITHIN_S); the Chroma server killed, both workers give a clear error at once, and once
it is restarted on the same path and port it holds the same documents and passages and both give the same
answers with the same citations as before; frozen (hung), questions to both at once all get the error within
about one time limit; N concurrent sessions against worker A alone, then over both workers, with no error, and
throughput (answers/s), latency p50/p95 of each and the ratio.
Workers use the real e5 model (bundled) and extractive answers. tests/reliability/test_shared_deployment.py
runs the same steps in CI. The checks themselves are in bench.deployment_checks.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from bench.deployment_checks import (
    CheckFailed,
    check_chroma_restart,
    check_hung_chroma,
    check_throughput,
    check_upload_then_remove,
)
from bench.deployment_env import REPO_ROOT, gfmd_command, worker_env
from gfmd.offline import enforce_offline

enforce_offline()
sys.path.insert(0, str(REPO_ROOT))  # tests.reliability.chroma_server: the Chroma server the reliability tests use
from tests.reliability.chroma_server import ChromaServer, free_port  # noqa: E402

START_TIMEOUT_S = 180.0  # a worker's cold start (gradio, e5, the BM25 copy) on a busy 2-core machine
SEED = [REPO_ROOT / "tests" / "data"]  # two short documents that bench.load_test.QUESTIONS ask about


@dataclass
class Worker:
    """One `gfmd serve` process on its own port and index directory."""

    name: str
    root: Path
    chroma_url: str
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def uploads(self) -> Path:
        """The uploads folder all the workers share (GFMD_UPLOADS_DIR), so each opens the others' uploads."""
        return self.root / "uploads"

    @property
    def log_path(self) -> Path:
        return self.root / f"worker-{self.name}.log"

    def start(self) -> Worker:
        env = worker_env(
            self.chroma_url, self.root / f"worker-{self.name}", corpus_dir=str(SEED[0]), uploads_dir=str(self.uploads)
        )
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [*gfmd_command(), "serve", "--port", str(self.port)],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        return self

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"worker {self.name} exited; see {self.log_path}:\n{self.log_tail()}")
            try:
                if httpx.get(f"{self.url}/config", timeout=5).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"worker {self.name} not ready within {timeout:g} s; see {self.log_path}")

    def log_tail(self, lines: int = 20) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)


@dataclass
class Deployment:
    root: Path
    chroma: ChromaServer
    workers: list[Worker]
    startup_s: dict[str, float] = field(default_factory=dict)  # seconds each start-up phase took

    @property
    def urls(self) -> list[str]:
        return [w.url for w in self.workers]


def ingest(chroma_url: str, root: Path, paths: Sequence[Path]) -> dict[str, Any]:
    """`gfmd ingest --json` into the server, as an operator would; its summary."""
    done = subprocess.run(
        [*gfmd_command(), "ingest", *map(str, paths), "--json"],
        cwd=REPO_ROOT, env=worker_env(chroma_url, root / "ingest"), capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"gfmd ingest failed ({done.returncode}): {done.stderr[-2000:]}")
    summary: dict[str, Any] = json.loads(done.stdout)
    return summary


@contextmanager
def deployment(root: Path, corpus: Sequence[Path] = tuple(SEED), workers: int = 2) -> Iterator[Deployment]:
    """Start the Chroma server, ingest `corpus`, start the workers and wait until they answer; stop it all after."""
    with ExitStack() as stack:
        phases: dict[str, float] = {}
        clock = time.monotonic()
        chroma = ChromaServer(root / "chroma-data").start()
        stack.callback(chroma.stop, kill=True)
        phases["chroma_start_s"], clock = round(time.monotonic() - clock, 1), time.monotonic()
        ingest(chroma.url, root, corpus)
        phases["ingest_s"], clock = round(time.monotonic() - clock, 1), time.monotonic()
        started = [Worker(chr(ord("a") + i), root, chroma.url).start() for i in range(workers)]
        for worker in started:
            stack.callback(worker.stop)
        for worker in started:
            worker.wait_ready()
        phases["workers_ready_s"] = round(time.monotonic() - clock, 1)
        yield Deployment(root, chroma, started, phases)


def run_checks(deploy: Deployment, sessions: int = 20, questions: int = 2) -> dict[str, Any]:
    a, b = deploy.urls[:2]
    figures: dict[str, Any] = dict(deploy.startup_s)
    figures.update(check_upload_then_remove(a, b, deploy.root))
    figures.update(check_chroma_restart(deploy.chroma, deploy.urls, deploy.root))
    figures.update(check_hung_chroma(deploy.chroma, deploy.urls))
    figures.update(check_throughput(deploy.urls, sessions, questions))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["serve", "check"])
    parser.add_argument("--corpus", type=Path, action="append", help="files or folders to ingest (default tests/data)")
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions, across the two workers")
    parser.add_argument("--questions", type=int, default=2, help="questions per session")
    parser.add_argument("--root", type=Path, help="keep the server's data and the logs here (default: a temp dir)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        root = args.root or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="gfmd-shared-")))
        root.mkdir(parents=True, exist_ok=True)
        started, load_before = time.monotonic(), os.getloadavg()[0]
        deploy = stack.enter_context(deployment(root, args.corpus or SEED))
        print(f"Chroma server {deploy.chroma.url} (data {deploy.chroma.path})")
        for worker in deploy.workers:
            print(f"worker {worker.name}: {worker.url} (log {worker.log_path})")
        print(f"ready in {time.monotonic() - started:.1f} s {deploy.startup_s}", flush=True)
        if args.mode == "serve":
            # SIGTERM (a supervisor, `kill`) stops it like Ctrl-C: the workers and the Chroma server go with it.
            signal.signal(signal.SIGTERM, signal.default_int_handler)
            try:
                while all(w.process is not None and w.process.poll() is None for w in deploy.workers):
                    time.sleep(1)
            except KeyboardInterrupt:
                return 0
            print("a worker exited; stopping", file=sys.stderr)
            return 1
        try:
            figures = run_checks(deploy, args.sessions, args.questions)
        except CheckFailed as exc:
            print(f"FAILED: {exc}", file=sys.stderr)
            return 1
    # The machine's other work: throughput and latencies measured under load are reported with it.
    figures["load_average_before_after"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
    for key, value in figures.items():
        print(f"{key:>30}: {value}")
    one, every = figures["load_one_worker"], figures["load_all_workers"]
    print(f"{args.sessions} sessions x {args.questions} questions: " + "; ".join(
        f"{name}: {f['throughput_qps']} answers/s, p50 {f['latency_p50_s']} s, p95 {f['latency_p95_s']} s"
        for name, f in (("worker A alone", one), (f"{len(deploy.workers)} workers", every))
    ) + f"; ratio {figures['throughput_ratio']}")  # fmt: skip
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
