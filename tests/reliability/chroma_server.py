"""A real Chroma server on loopback, started with the `chroma` CLI that ships with the chromadb package.

Used by the server-mode and fault tests: it can be stopped (SIGTERM or SIGKILL), frozen (SIGSTOP, to look like
a hung server), resumed and restarted on the same port and data directory.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

START_TIMEOUT_S = 60.0  # a cold start on a busy 2-core machine takes a few seconds


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def chroma_executable() -> str:
    """The `chroma` script of this interpreter's environment (not whatever is first on PATH)."""
    beside = Path(sys.executable).with_name("chroma")
    found = str(beside) if beside.exists() else shutil.which("chroma")
    if not found:
        raise RuntimeError("the `chroma` CLI (installed with chromadb) is not available")
    return found


class ChromaServer:
    def __init__(self, path: Path, port: int | None = None, log_path: Path | None = None) -> None:
        self.path = path
        self.port = port or free_port()
        self.log_path = log_path or path.with_name(path.name + ".log")
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ChromaServer:
        env = {**os.environ, "ANONYMIZED_TELEMETRY": "False", "CHROMA_TELEMETRY": "False", "DO_NOT_TRACK": "1"}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [chroma_executable(), "run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=env,
            )
        self.wait_ready()
        return self

    def heartbeat(self, timeout: float = 1.0) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/api/v2/heartbeat", timeout=timeout) as response:
                return bool(response.status == 200)
        except OSError:
            return False

    def wait_ready(self, timeout: float = START_TIMEOUT_S) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"chroma exited with {self.process.returncode}; see {self.log_path}")
            if self.heartbeat():
                return
            time.sleep(0.2)
        self.stop(kill=True)
        raise RuntimeError(f"chroma did not answer its heartbeat within {timeout:g} s; see {self.log_path}")

    def stop(self, kill: bool = False) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        os.kill(process.pid, signal.SIGCONT)  # a frozen server must run to handle SIGTERM
        if kill:
            process.kill()
        else:
            process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=20)

    def restart(self) -> None:
        self.stop()
        deadline = time.monotonic() + 30
        while True:  # the port may linger for a moment after the old process exits
            try:
                self.start()
                return
            except RuntimeError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)

    def freeze(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGSTOP)

    def thaw(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGCONT)
