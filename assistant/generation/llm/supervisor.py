"""The server's side of the model worker: start it, self-test it, stream answers from it, restart it when it dies.

    worker = ModelWorker(prepare)      # prepare() -> the worker's command line, or raises NotReadyYet / LLMUnavailable
    worker.start()                     # in the background: prepare, spawn, wait for "ready", self-test
    worker.status()                    # gfmd.records.ModelStatus, for the web chat's banner
    for text, meta in worker.stream(messages, params, timeout=60): ...

What can go wrong in the worker costs one answer, never the server:
- it dies (a CPU fault, SIGKILL, out of memory): the answer raises `LLMUnavailableError` (the caller falls back to
  the verified quotes), and the worker is restarted after a growing pause;
- it stops answering past the deadline (plus a grace period for its own abort): it is killed, likewise;
- it fails `max_failures` times within `failure_window_s`: generative mode is switched off, with the reason, and
  no further restart is tried.
"""

from __future__ import annotations

import collections
import contextlib
import itertools
import json
import logging
import queue
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any

from assistant.generation.llm.engine import Delta
from assistant.generation.llm.model_files import LLMUnavailableError
from gfmd.records import ModelState, ModelStatus

log = logging.getLogger(__name__)


class NotReadyYet(Exception):
    """The worker cannot start yet (its runtime is still being built or assembled); `prepare` is asked again."""


Prepare = Callable[[], Sequence[str]]

# A realistic prompt for the self-test: instructions, four numbered passages and a question, over 400 tokens, so
# the prefill runs the same matrix kernels a real question does (a prompt of a few tokens may not reach them).
_PASSAGES = (
    "Partnerships on migration bring together governments of origin, transit and destination, local authorities, "
    "employers, trade unions, diaspora organisations and international agencies around shared objectives.",
    "Financing remains the main obstacle: pilot projects end when donor funding ends, and few partnerships have "
    "predictable, multi-year resources for skills training, recognition of qualifications and reintegration.",
    "Las alianzas más duraderas combinan un marco político acordado, mecanismos de coordinación con "
    "responsabilidades claras y sistemas de seguimiento que permiten medir resultados y rendir cuentas.",
    "Les partenariats entre villes permettent d'échanger des pratiques sur l'accueil des migrants, l'accès aux "
    "services de base et la participation des associations de la diaspora au développement local.",
)
SELF_TEST_MESSAGES = [
    {
        "role": "system",
        "content": "You answer only from the numbered passages, in English, in at most two sentences, and cite "
        "the passages you use as [n]. If the passages do not answer, say that the documents do not say. "
        "Keep figures, names and dates exactly as the passages give them.",
    },
    {
        "role": "user",
        "content": "Passages:\n\n"
        + "\n\n".join(f"[{i}] {p} {p} {p}" for i, p in enumerate(_PASSAGES, 1))
        + "\n\nQuestion: What limits migration partnerships, and what makes them last?",
    },
]
SELF_TEST_MIN_TOKENS = 400


@dataclass(frozen=True)
class WorkerPolicy:
    """Deadlines and the restart policy."""

    start_timeout_s: float = 180.0  # spawn, load the model and answer the self-test
    grace_s: float = 10.0  # past an answer's deadline, before a silent worker is killed
    max_failures: int = 3
    failure_window_s: float = 900.0
    backoff_s: tuple[float, ...] = (1.0, 5.0, 15.0, 60.0)
    poll_s: float = 5.0  # how often an unprepared runtime is looked at again
    self_test: bool = True


def describe_exit(code: int | None) -> str:
    """Plain words for how the worker ended."""
    if code is None:
        return "it stopped answering"
    if code < 0:
        with contextlib.suppress(ValueError):
            name = signal.Signals(-code).name
            hint = {
                "SIGILL": ": an instruction this CPU does not support",
                "SIGKILL": ": killed, perhaps for lack of memory",
                "SIGSEGV": ": a memory fault",
                "SIGBUS": ": a memory fault",
            }.get(name, "")
            return f"it was killed by {name}{hint}"
        return f"it was killed by signal {-code}"
    return f"it exited with status {code}"


class _Process:
    """One worker process: its pipes, and a thread that turns its output lines into events."""

    def __init__(self, command: Sequence[str]) -> None:
        self.popen = subprocess.Popen(
            list(command),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="replace",
            bufsize=1,
            start_new_session=True,  # a terminal's Ctrl-C goes to the server, which stops the worker itself
        )
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stderr_tail: collections.deque[str] = collections.deque(maxlen=20)
        threading.Thread(target=self._read, args=(self.popen.stdout,), daemon=True).start()
        threading.Thread(target=self._drain, args=(self.popen.stderr,), daemon=True).start()

    @property
    def pid(self) -> int:
        return self.popen.pid

    def _read(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            with contextlib.suppress(ValueError):
                event = json.loads(line)
                if isinstance(event, dict):
                    self.events.put(event)
        self.events.put({"event": "exit", "code": self.popen.wait()})

    def _drain(self, stream: IO[str] | None) -> None:
        assert stream is not None
        for line in stream:
            if line.strip():
                self.stderr_tail.append(line.rstrip())
                log.debug("model worker: %s", line.rstrip())

    def send(self, message: dict[str, Any]) -> None:
        stdin = self.popen.stdin
        assert stdin is not None
        stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
        stdin.flush()

    def next_event(self, until: float) -> dict[str, Any] | None:
        """The next event, or None when `until` (time.monotonic) passes first."""
        try:
            return self.events.get(timeout=max(0.0, until - time.monotonic()))
        except queue.Empty:
            return None

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            self.popen.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=10)


class ModelWorker:
    """Supervises one worker process; every public method is safe to call from any thread."""

    def __init__(self, prepare: Prepare, policy: WorkerPolicy | None = None) -> None:
        self.prepare = prepare
        self.policy = policy or WorkerPolicy()
        self._proc: _Process | None = None
        self._state: ModelState = "starting"
        self._message = "The local model has not been started yet."
        self._failures: list[float] = []
        self._crashes = 0
        self._request_lock = threading.Lock()  # one answer at a time: one model, one context
        self._state_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._starter: threading.Thread | None = None
        self._closed = False

    # --- public
    def status(self) -> ModelStatus:
        with self._state_lock:
            return ModelStatus(state=self._state, message=self._message, crashes=self._crashes)

    def start(self, wait: float = 0.0) -> ModelStatus:
        """Start (once) in the background; with `wait`, block up to that many seconds for the outcome."""
        with self._state_lock:
            if self._starter is None and not self._closed:  # later restarts are the supervisor's own
                self._starter = threading.Thread(target=self._bring_up, name="gfmd-model-start", daemon=True)
                self._starter.start()
            starter = self._starter
        if wait and starter is not None and starter is not threading.current_thread():
            starter.join(wait)
        return self.status()

    def stream(self, messages: list[dict[str, str]], params: dict[str, Any], timeout: float) -> Iterator[Delta]:
        """Stream one answer from the worker. Raises `LLMUnavailableError` when it cannot or when the worker fails."""
        end = time.monotonic() + timeout
        if not self._request_lock.acquire(timeout=timeout):
            raise LLMUnavailableError(f"the local model stayed busy with other questions for {timeout:g} s (timeout)")
        try:
            proc = self._proc
            if proc is None or self.status().state != "ready":
                raise LLMUnavailableError(self.status().message)
            yield from self._exchange(proc, messages, params, timeout, end)
        finally:
            self._request_lock.release()

    def close(self) -> None:
        """Stop the worker for good (server shutdown)."""
        with self._state_lock:
            self._closed = True
            proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError, ValueError):
                assert proc.popen.stdin is not None
                proc.popen.stdin.close()  # the worker's request loop ends at end of input
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.popen.wait(timeout=5)
            proc.kill()

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return proc.pid if proc is not None else None

    # --- one answer
    def _exchange(
        self, proc: _Process, messages: list[dict[str, str]], params: dict[str, Any], timeout: float, end: float
    ) -> Iterator[Delta]:
        rid = next(self._ids)
        finished = False
        try:
            proc.send({"op": "generate", "id": rid, "messages": messages, "params": params, "timeout": timeout})
            while True:
                event = proc.next_event(end + self.policy.grace_s)
                if event is None:
                    self._fail(proc, f"it gave no answer within {timeout:g} s")
                    raise LLMUnavailableError(f"the local model did not answer within {timeout:g} s (timeout)")
                if event["event"] == "exit":
                    reason = describe_exit(event.get("code"))
                    self._fail(proc, reason)
                    raise LLMUnavailableError(f"the local model stopped: {reason}")
                if event.get("id") != rid:
                    continue  # the tail of an earlier, abandoned answer
                if event["event"] == "delta":
                    yield str(event.get("text", "")), None
                elif event["event"] == "done":
                    finished = True
                    yield "", dict(event.get("meta") or {})
                    return
                elif event["event"] == "error":
                    finished = True
                    raise LLMUnavailableError(str(event.get("message", "the local model failed")))
        except (BrokenPipeError, OSError) as exc:
            finished = True
            self._fail(proc, describe_exit(proc.popen.poll()))
            raise LLMUnavailableError(f"the local model stopped: {describe_exit(proc.popen.poll())}") from exc
        finally:
            if not finished:
                self._abandon(proc, rid)

    def _abandon(self, proc: _Process, rid: int) -> None:
        """The caller stopped reading (closed the stream, gave up): cancel and wait for the worker to settle."""
        if proc is not self._proc:
            return
        with contextlib.suppress(OSError, ValueError):
            proc.send({"op": "cancel", "id": rid})
        until = time.monotonic() + self.policy.grace_s
        while (event := proc.next_event(until)) is not None:
            if event["event"] == "exit":
                self._fail(proc, describe_exit(event.get("code")))
                return
            if event.get("id") == rid and event["event"] in ("done", "error"):
                return
        self._fail(proc, "it did not stop when an answer was cancelled")

    # --- life cycle
    def _set(self, state: ModelState, message: str) -> None:
        with self._state_lock:
            changed = (state, message) != (self._state, self._message)
            self._state, self._message = state, message
        if changed:
            log.warning("generative model: %s (%s)", state, message)

    def _bring_up(self) -> None:
        """Prepare (waiting while the runtime is being built), spawn, wait for ready, self-test."""
        while not self._closed:
            try:
                command = self.prepare()
                break
            except NotReadyYet as exc:
                self._set("preparing", f"Generative answers are being prepared: {exc}.")
                time.sleep(self.policy.poll_s)
            except Exception as exc:  # missing runtime or model, unsupported CPU: final until a restart
                self._set("unavailable", f"Generative mode is unavailable: {exc}.")
                return
        else:
            return
        self._set("starting", "The local model is starting; answers are quoted verbatim until it is ready.")
        proc = _Process(command)
        problem = self._await_ready(proc)
        if problem is not None:
            return self._fail(proc, problem)
        with self._state_lock:
            if self._closed:
                proc.kill()
                return
            self._proc = proc
        self._set("ready", "Generative answers are available.")

    def _await_ready(self, proc: _Process) -> str | None:
        """None when the worker loaded its model and passed the self-test; otherwise what went wrong."""
        until = time.monotonic() + self.policy.start_timeout_s
        event = proc.next_event(until)
        if event is None:
            return f"it did not load the model within {self.policy.start_timeout_s:g} s"
        if event["event"] == "failed":
            return str(event.get("message", "it could not load the model"))
        if event["event"] != "ready":
            return describe_exit(event.get("code"))
        if not self.policy.self_test:
            return None
        params = {"max_tokens": 8, "temperature": 0.0}
        request = {"op": "generate", "id": 0, "messages": SELF_TEST_MESSAGES, "params": params, "count_prompt": True}
        proc.send({**request, "timeout": max(1.0, until - time.monotonic())})
        while (event := proc.next_event(until)) is not None:
            if event["event"] == "exit":
                return f"self-test failed: {describe_exit(event.get('code'))}"
            if event["event"] == "error":
                return f"self-test failed: {event.get('message')}"
            if event["event"] == "done":
                tokens = int((event.get("meta") or {}).get("input_tokens") or 0)
                if tokens < SELF_TEST_MIN_TOKENS:
                    return f"self-test prompt was only {tokens} tokens long"
                log.warning("model self-test passed (%d prompt tokens, pid %d)", tokens, proc.pid)
                return None
        return f"self-test gave no answer within {self.policy.start_timeout_s:g} s"

    def _fail(self, proc: _Process, reason: str) -> None:
        """A worker failed: kill what is left of it, then restart after a pause or, too often, switch off."""
        proc.kill()
        tail = " | ".join(list(proc.stderr_tail)[-3:])
        log.error("model worker %d failed: %s%s", proc.pid, reason, f" (stderr: {tail})" if tail else "")
        now = time.monotonic()
        with self._state_lock:
            if self._proc is proc:
                self._proc = None
            self._crashes += 1
            self._failures = [t for t in self._failures if now - t < self.policy.failure_window_s] + [now]
            failures = len(self._failures)
            closed = self._closed
        if closed:
            return
        if failures >= self.policy.max_failures:
            self._set(
                "disabled",
                f"Generative mode is switched off: the local model failed {failures} times ({reason}). "
                "Answers are quoted verbatim from the documents.",
            )
            return
        pause = self.policy.backoff_s[min(failures - 1, len(self.policy.backoff_s) - 1)]
        self._set("restarting", f"The local model stopped ({reason}); restarting it in {pause:g} s.")
        threading.Thread(target=self._restart_after, args=(pause,), daemon=True).start()

    def _restart_after(self, pause: float) -> None:
        time.sleep(pause)
        if not self._closed:
            self._bring_up()
