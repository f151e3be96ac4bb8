"""The server chat backends (langchain-ollama's ChatOllama, langchain-openai's ChatOpenAI behind our deadline and
error contract) against in-process fakes of the Ollama and OpenAI-compatible HTTP APIs on 127.0.0.1."""

from __future__ import annotations

import contextlib
import json
import socket
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from assistant.generation.llm import remote
from assistant.generation.llm.backends import make_chat_model
from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.llm.streaming import to_chat_dicts

Reply = Callable[[BaseHTTPRequestHandler, dict[str, Any]], None]
PROMPT = [SystemMessage("Answer briefly."), HumanMessage("¿Qué es el FMMD?")]
KINDS = ("ollama", "openai")


@pytest.fixture(autouse=True)
def no_tiktoken(monkeypatch: pytest.MonkeyPatch) -> None:
    """tiktoken downloads its encodings on first use: no code path of ours may count tokens with it."""
    import tiktoken

    def refuse(*_args: Any, **_kw: Any) -> None:
        raise AssertionError("tiktoken was asked for an encoding (it would download it)")

    for name in ("get_encoding", "encoding_for_model"):
        monkeypatch.setattr(tiktoken, name, refuse)


class FakeServer:
    """A threaded HTTP server whose POST handling is the `reply` function; records every request body."""

    def __init__(self, reply: Reply) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    reply(self, body)

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[Reply], FakeServer]]:
    servers: list[FakeServer] = []

    def start(reply: Reply) -> FakeServer:
        servers.append(FakeServer(reply))
        return servers[-1]

    yield start
    for s in servers:
        s.close()


def send(
    h: BaseHTTPRequestHandler, lines: list[str], status: int = 200, delay: float = 0.0, kind: str = "ollama"
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "application/x-ndjson" if kind == "ollama" else "text/event-stream")
    h.end_headers()
    for line in lines:
        time.sleep(delay)
        h.wfile.write((line + "\n").encode())
        h.wfile.flush()


def ollama_lines(words: list[str]) -> list[str]:
    out = [json.dumps({"message": {"role": "assistant", "content": w}, "done": False}) for w in words]
    done = {"message": {"role": "assistant", "content": ""}, "done": True, "done_reason": "stop"}
    return [*out, json.dumps(done | {"prompt_eval_count": 21, "eval_count": 3})]


def openai_lines(words: list[str]) -> list[str]:
    """An OpenAI-compatible SSE stream: each event a `data:` line and a blank line, a comment, usage, [DONE]."""
    out = [f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': w}}]})}" for w in words]
    out.append(f"data: {json.dumps({'choices': [{'index': 0, 'delta': {}, 'finish_reason': 'stop'}]})}")
    out.append(f"data: {json.dumps({'choices': [], 'usage': {'prompt_tokens': 21, 'completion_tokens': 3}})}")
    return [line + "\n" for line in [": keep-alive", *out, "data: [DONE]"]]


def answer(kind: str, words: list[str], delay: float = 0.0) -> Reply:
    lines = ollama_lines(words) if kind == "ollama" else openai_lines(words)
    return lambda h, _b: send(h, lines, delay=delay, kind=kind)


def model_on(kind: str, srv: FakeServer, **opts: Any) -> Any:
    url = srv.url + ("/v1" if kind == "openai" else "")
    return make_chat_model(kind, **({"model": "m", "base_url": url} | opts))


def test_to_chat_dicts() -> None:
    msgs = [SystemMessage("s"), HumanMessage("h"), AIMessage("a")]
    assert to_chat_dicts(msgs) == [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "h"},
        {"role": "assistant", "content": "a"},
    ]


def test_ollama_streams_and_reports_usage(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(answer("ollama", ["El ", "FMMD ", "es un foro."]))
    llm = make_chat_model("ollama", model="qwen2.5:0.5b", base_url=srv.url, max_tokens=50)
    chunks = [c.content for c in llm.stream(PROMPT)]
    assert "".join(str(c) for c in chunks) == "El FMMD es un foro."
    assert len([c for c in chunks if c]) == 3
    msg = llm.invoke(PROMPT, stop=["\n\n"])
    assert msg.content == "El FMMD es un foro."
    assert msg.response_metadata["finish_reason"] == "stop" and msg.response_metadata["model_name"] == "qwen2.5:0.5b"
    assert isinstance(msg, AIMessage) and msg.usage_metadata is not None
    assert msg.usage_metadata["input_tokens"] == 21 and msg.usage_metadata["output_tokens"] == 3
    path, _headers, body = srv.requests[-1]
    assert path == "/api/chat" and body["stream"] is True and body["model"] == "qwen2.5:0.5b"
    assert body["options"] == {"temperature": 0.0, "num_predict": 50, "num_ctx": 4096, "stop": ["\n\n"]}
    assert body["messages"] == [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": "¿Qué es el FMMD?"},
    ]


def test_openai_streams_sse_with_auth(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(answer("openai", ["Un ", "foro."]))
    llm = make_chat_model("openai", model="m", base_url=srv.url + "/v1", api_key="sk-test", max_tokens=7)
    msg = llm.invoke(PROMPT)
    assert msg.content == "Un foro."
    assert msg.response_metadata["finish_reason"] == "stop" and msg.response_metadata["model_name"] == "m"
    assert isinstance(msg, AIMessage) and msg.usage_metadata is not None
    assert msg.usage_metadata["total_tokens"] == 24
    path, headers, body = srv.requests[-1]
    assert path == "/v1/chat/completions" and headers["authorization"] == "Bearer sk-test"
    assert body["max_tokens"] == 7 and "max_completion_tokens" not in body
    assert body["temperature"] == 0.0 and "stop" not in body and body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    assert body["messages"][1] == {"role": "user", "content": "¿Qué es el FMMD?"}


@pytest.mark.parametrize("kind", KINDS)
def test_per_call_overrides(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    srv = serve(answer(kind, ["x"]))
    llm = model_on(kind, srv)
    llm.invoke(PROMPT, max_tokens=3, temperature=0.5)
    llm.bind(max_tokens=9).invoke(PROMPT)  # as the translator asks for a longer answer
    first, second = srv.requests[-2][2], srv.requests[-1][2]
    if kind == "ollama":
        first, second = first["options"], second["options"]
        first["max_tokens"], second["max_tokens"] = first["num_predict"], second["num_predict"]
    assert first["max_tokens"] == 3 and first["temperature"] == 0.5
    assert second["max_tokens"] == 9 and second["temperature"] == 0.0


@pytest.mark.parametrize("kind", KINDS)
def test_async_stream(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    import asyncio

    llm = model_on(kind, serve(answer(kind, ["a", "b"])))

    async def collect() -> str:
        return "".join([str(c.content) async for c in llm.astream(PROMPT)])

    assert asyncio.run(collect()) == "ab"


def test_endpoint_down() -> None:
    with socket.socket() as s:  # a port that was just free: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for kind in KINDS:
        llm = make_chat_model(kind, model="m", base_url=f"http://127.0.0.1:{port}")
        with pytest.raises(LLMUnavailableError, match=r"cannot reach .*is the server running"):
            llm.invoke(PROMPT)


def test_no_connection_within_the_connect_timeout() -> None:
    with socket.socket() as listener:  # a backlog of 0, already full: the kernel leaves new connections pending
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        pending = [socket.socket() for _ in range(3)]
        for p in pending:
            p.setblocking(False)
            p.connect_ex(("127.0.0.1", port))
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                pytest.skip("this kernel accepts connections beyond the backlog")
        except TimeoutError:
            pass
        for kind in KINDS:
            llm = make_chat_model(kind, model="m", base_url=f"http://127.0.0.1:{port}", connect_timeout=0.3)
            with pytest.raises(LLMUnavailableError, match=r"no connection within 0.3 s \(timeout\)"):
                llm.invoke(PROMPT)
        for p in pending:
            p.close()


def test_stopped_server(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(answer("ollama", ["ok"]))
    llm = make_chat_model("ollama", model="m", base_url=srv.url)
    assert llm.invoke(PROMPT).content == "ok"
    srv.close()
    with pytest.raises(LLMUnavailableError, match="cannot reach"):
        llm.invoke(PROMPT)


@pytest.mark.parametrize("kind", KINDS)
def test_slow_server_hits_read_timeout(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    late = answer(kind, ["late"])
    srv = serve(lambda h, b: (time.sleep(3), late(h, b)))  # type: ignore[func-returns-value]
    llm = model_on(kind, srv, read_timeout=0.3)
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailableError, match=r"no data for 0.3 s \(read timeout\)"):
        llm.invoke(PROMPT)
    assert time.monotonic() - t0 < 2
    assert len(srv.requests) == 1  # no retry


@pytest.mark.parametrize("kind", KINDS)
def test_trickling_server_hits_the_answer_deadline(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    srv = serve(answer(kind, ["tok "] * 40, delay=0.05))
    llm = model_on(kind, srv, timeout=0.5, read_timeout=5)
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailableError, match=r"answer did not finish within 0.5 s \(timeout\)"):
        llm.invoke(PROMPT)
    assert time.monotonic() - t0 < 1.5


@pytest.mark.parametrize("kind", KINDS)
def test_model_missing(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    srv = serve(lambda h, _b: send(h, [json.dumps({"error": "model 'nope' not found"})], status=404, kind=kind))
    llm = model_on(kind, srv, model="nope")
    with pytest.raises(LLMUnavailableError, match=r"model 'nope' is not available there: model 'nope' not found"):
        llm.invoke(PROMPT)


@pytest.mark.parametrize("kind", KINDS)
def test_server_errors_are_not_retried(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    oom = json.dumps({"error": {"message": "CUDA out of memory"}})
    srv = serve(lambda h, _b: send(h, [oom], status=500, kind=kind))
    with pytest.raises(LLMUnavailableError, match=rf"{kind} endpoint .* answered HTTP 500: CUDA out of memory"):
        model_on(kind, srv).invoke(PROMPT)
    busy = serve(lambda h, _b: send(h, ["<html>busy</html>"], status=503, kind=kind))
    with pytest.raises(LLMUnavailableError, match=r"answered HTTP 503: <html>busy</html>$"):
        model_on(kind, busy).invoke(PROMPT)
    assert len(srv.requests) == 1 and len(busy.requests) == 1


@pytest.mark.parametrize("kind", KINDS)
def test_error_mid_stream(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    if kind == "ollama":
        lines = [ollama_lines(["a"])[0], json.dumps({"error": "model requires more system memory"})]
    else:
        lines = [
            openai_lines(["a"])[1],
            f"data: {json.dumps({'error': {'message': 'model requires more system memory'}})}\n",
        ]
    srv = serve(lambda h, _b: send(h, lines, kind=kind))
    with pytest.raises(LLMUnavailableError, match=f"{kind} failed: model requires more system memory"):
        model_on(kind, srv).invoke(PROMPT)


@pytest.mark.parametrize("kind", KINDS)
def test_malformed_stream(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    junk = "<html>proxy error</html>" if kind == "ollama" else "data: <html>proxy error</html>\n"
    srv = serve(lambda h, _b: send(h, [junk], kind=kind))
    with pytest.raises(LLMUnavailableError, match=f"{kind} sent malformed data: '<html>proxy error</html>'"):
        model_on(kind, srv).invoke(PROMPT)
    shape = serve(lambda h, _b: send(h, ["[1, 2]" if kind == "ollama" else "data: [1, 2]\n"], kind=kind))
    with pytest.raises(LLMUnavailableError, match=f"{kind} sent malformed data"):
        model_on(kind, shape).invoke(PROMPT)


@pytest.mark.parametrize("kind", KINDS)
def test_empty_stream(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    srv = serve(lambda h, _b: send(h, ["<html>not a stream</html>"] if kind == "openai" else [], kind=kind))
    with pytest.raises(LLMUnavailableError, match=r"sent no answer \(an empty stream\)"):
        model_on(kind, srv).invoke(PROMPT)


@pytest.mark.parametrize(("kind", "library"), [("ollama", "langchain_ollama"), ("openai", "langchain_openai")])
def test_missing_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch, kind: str, library: str) -> None:
    monkeypatch.setitem(sys.modules, library, None)  # an import of it now fails, as when it is not installed
    with pytest.raises(
        LLMUnavailableError, match=rf"pip install {remote._EXTRAS[kind]} .*pip install -e '.\[{kind}\]'"
    ):
        make_chat_model(kind, model="m", base_url="http://127.0.0.1:1")


@pytest.mark.parametrize("kind", KINDS)
def test_settings_make_the_backend(serve: Callable[[Reply], FakeServer], kind: str) -> None:
    """GFMD_LLM_BACKEND / _URL / _MODEL / _API_KEY / _MAX_TOKENS / _TIMEOUT reach the request as the api makes it."""
    from assistant.api import make_llm
    from gfmd.settings import Settings

    srv = serve(answer(kind, ["ok"]))
    url = srv.url + ("/v1" if kind == "openai" else "")
    settings = Settings(llm_backend=kind, llm_url=url, llm_model="big", llm_api_key="k", llm_max_tokens=99)
    llm = make_llm(settings)
    assert llm.timeout == settings.llm_timeout and llm.invoke(PROMPT).content == "ok"
    _path, headers, body = srv.requests[-1]
    assert body["model"] == "big"
    assert (body["options"]["num_predict"] if kind == "ollama" else body["max_tokens"]) == 99
    assert (headers.get("authorization") == "Bearer k") == (kind == "openai")


def test_extras_pins_agree() -> None:
    """The pins the error message names are pyproject's, in the extra and in `dev` (which CI installs)."""
    import tomllib
    from pathlib import Path

    project = tomllib.loads((Path(__file__).resolve().parents[4] / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    for kind, pin in remote._EXTRAS.items():
        assert extras[kind] == [pin] and pin in extras["dev"]


def test_configuration_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="unknown chat model kind"):
        make_chat_model("gpt")
    with pytest.raises(ValidationError, match="base_url is required"):
        make_chat_model("openai", model="m")
    with pytest.raises(ValidationError, match="max_token"):
        make_chat_model("ollama", model="m", max_token=5)  # typo: rejected, not ignored
    monkeypatch.setenv("OLLAMA_HOST", "10.0.0.5:11434")
    assert remote.OllamaChat(model="m").base_url == "http://10.0.0.5:11434"
    monkeypatch.setenv("OPENAI_BASE_URL", "http://10.0.0.6:8000/v1/")
    assert remote.OpenAICompatChat(model="m").base_url == "http://10.0.0.6:8000/v1"
