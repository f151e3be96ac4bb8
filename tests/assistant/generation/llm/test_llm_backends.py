"""HTTP chat backends against an in-process fake server on 127.0.0.1 (Ollama, OpenAI-compatible)."""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage
from pydantic import ValidationError

from assistant.generation.llm import backends
from assistant.generation.llm.backends import make_chat_model
from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.llm.streaming import to_chat_dicts

Reply = Callable[[BaseHTTPRequestHandler, dict[str, Any]], None]
PROMPT = [SystemMessage("Answer briefly."), HumanMessage("¿Qué es el FMMD?")]


class FakeServer:
    """A threaded HTTP server whose POST handling is the `reply` function; records every request body."""

    def __init__(self, reply: Reply) -> None:
        self.requests: list[tuple[str, dict[str, str], dict[str, Any]]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                outer.requests.append((self.path, dict(self.headers), body))
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


def send(h: BaseHTTPRequestHandler, lines: list[str], status: int = 200, delay: float = 0.0) -> None:
    h.send_response(status)
    h.send_header("Content-Type", "application/x-ndjson")
    h.end_headers()
    for line in lines:
        time.sleep(delay)
        h.wfile.write((line + "\n").encode())
        h.wfile.flush()


def ollama_lines(words: list[str]) -> list[str]:
    out = [json.dumps({"message": {"role": "assistant", "content": w}, "done": False}) for w in words]
    done = {"message": {"content": ""}, "done": True, "done_reason": "stop", "prompt_eval_count": 21, "eval_count": 3}
    return [*out, json.dumps(done)]


def openai_lines(words: list[str]) -> list[str]:
    out = [f"data: {json.dumps({'choices': [{'index': 0, 'delta': {'content': w}}]})}" for w in words]
    out.append(f"data: {json.dumps({'choices': [{'index': 0, 'delta': {}, 'finish_reason': 'stop'}]})}")
    out.append(f"data: {json.dumps({'choices': [], 'usage': {'prompt_tokens': 21, 'completion_tokens': 3}})}")
    return [": keep-alive", *out, "data: [DONE]"]


def test_to_chat_dicts() -> None:
    msgs = [SystemMessage("s"), HumanMessage("h"), AIMessage("a")]
    assert to_chat_dicts(msgs) == [
        {"role": "system", "content": "s"},
        {"role": "user", "content": "h"},
        {"role": "assistant", "content": "a"},
    ]


def test_ollama_streams_and_reports_usage(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: send(h, ollama_lines(["El ", "FMMD ", "es un foro."])))
    llm = make_chat_model("ollama", model="qwen2.5:0.5b", base_url=srv.url, max_tokens=50)
    chunks = [c.content for c in llm.stream(PROMPT)]
    assert "".join(str(c) for c in chunks) == "El FMMD es un foro."
    assert len([c for c in chunks if c]) == 3
    msg = llm.invoke(PROMPT, stop=["\n\n"])
    assert msg.content == "El FMMD es un foro."
    assert isinstance(msg, AIMessage) and msg.usage_metadata is not None
    assert msg.usage_metadata["input_tokens"] == 21 and msg.usage_metadata["output_tokens"] == 3
    path, _headers, body = srv.requests[-1]
    assert path == "/api/chat" and body["stream"] is True and body["model"] == "qwen2.5:0.5b"
    assert body["options"] == {"temperature": 0.0, "num_predict": 50, "num_ctx": 4096, "stop": ["\n\n"]}
    assert body["messages"][1] == {"role": "user", "content": "¿Qué es el FMMD?"}


def test_openai_streams_sse_with_auth(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: send(h, openai_lines(["Un ", "foro."])))
    llm = make_chat_model("openai", model="m", base_url=srv.url + "/v1", api_key="sk-test", max_tokens=7)
    msg = llm.invoke(PROMPT)
    assert msg.content == "Un foro."
    assert msg.response_metadata["finish_reason"] == "stop"
    assert isinstance(msg, AIMessage) and msg.usage_metadata is not None
    assert msg.usage_metadata["total_tokens"] == 24
    path, headers, body = srv.requests[-1]
    assert path == "/v1/chat/completions" and headers["Authorization"] == "Bearer sk-test"
    assert body["max_tokens"] == 7 and body["temperature"] == 0.0 and "stop" not in body
    assert body["stream_options"] == {"include_usage": True}


def test_per_call_overrides(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: send(h, openai_lines(["x"])))
    llm = make_chat_model("openai", model="m", base_url=srv.url)
    llm.invoke(PROMPT, max_tokens=3, temperature=0.5)
    assert srv.requests[-1][2]["max_tokens"] == 3 and srv.requests[-1][2]["temperature"] == 0.5


def test_async_stream(serve: Callable[[Reply], FakeServer]) -> None:
    import asyncio

    srv = serve(lambda h, _b: send(h, ollama_lines(["a", "b"])))
    llm = make_chat_model("ollama", model="m", base_url=srv.url)

    async def collect() -> str:
        return "".join([str(c.content) async for c in llm.astream(PROMPT)])

    assert asyncio.run(collect()) == "ab"


def test_endpoint_down() -> None:
    with socket.socket() as s:  # a port that was just free: nothing listens there
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    for kind in ("ollama", "openai"):
        llm = make_chat_model(kind, model="m", base_url=f"http://127.0.0.1:{port}")
        with pytest.raises(LLMUnavailableError, match=r"cannot reach .*is the server running"):
            llm.invoke(PROMPT)


def test_stopped_server(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: send(h, ollama_lines(["ok"])))
    llm = make_chat_model("ollama", model="m", base_url=srv.url)
    assert llm.invoke(PROMPT).content == "ok"
    srv.close()
    with pytest.raises(LLMUnavailableError, match="cannot reach"):
        llm.invoke(PROMPT)


def test_slow_server_hits_read_timeout(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: (time.sleep(3), send(h, ollama_lines(["late"]))))  # type: ignore[func-returns-value]
    llm = make_chat_model("ollama", model="m", base_url=srv.url, read_timeout=0.3)
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailableError, match="read timeout"):
        llm.invoke(PROMPT)
    assert time.monotonic() - t0 < 2


def test_trickling_server_hits_the_answer_deadline(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: send(h, openai_lines(["tok "] * 40), delay=0.05))
    llm = make_chat_model("openai", model="m", base_url=srv.url, timeout=0.5, read_timeout=5)
    t0 = time.monotonic()
    with pytest.raises(LLMUnavailableError, match=r"did not finish within 0.5 s \(timeout\)"):
        llm.invoke(PROMPT)
    assert time.monotonic() - t0 < 1.5


def test_model_missing_on_ollama(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: send(h, [json.dumps({"error": "model 'nope' not found"})], status=404))
    llm = make_chat_model("ollama", model="nope", base_url=srv.url)
    with pytest.raises(LLMUnavailableError, match=r"model 'nope' is not available there: model 'nope' not found"):
        llm.invoke(PROMPT)


def test_server_error_and_error_mid_stream(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: send(h, [json.dumps({"error": {"message": "CUDA out of memory"}})], status=500))
    with pytest.raises(LLMUnavailableError, match="HTTP 500: CUDA out of memory"):
        make_chat_model("openai", model="m", base_url=srv.url).invoke(PROMPT)
    oom = json.dumps({"error": "model requires more system memory"})
    srv2 = serve(lambda h, _b: send(h, [*ollama_lines(["a"])[:1], oom]))
    with pytest.raises(LLMUnavailableError, match="ollama failed: model requires more system memory"):
        make_chat_model("ollama", model="m", base_url=srv2.url).invoke(PROMPT)


def test_malformed_stream(serve: Callable[[Reply], FakeServer]) -> None:
    srv = serve(lambda h, _b: send(h, ["<html>proxy error</html>"]))
    with pytest.raises(LLMUnavailableError, match="malformed"):
        make_chat_model("ollama", model="m", base_url=srv.url).invoke(PROMPT)


def test_configuration_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="unknown chat model kind"):
        make_chat_model("gpt")
    with pytest.raises(ValidationError, match="base_url is required"):
        make_chat_model("openai", model="m")
    with pytest.raises(ValidationError, match="max_token"):
        make_chat_model("ollama", model="m", max_token=5)  # typo: rejected, not ignored
    monkeypatch.setenv("OLLAMA_HOST", "10.0.0.5:11434")
    assert backends.OllamaChat(model="m").base_url == "http://10.0.0.5:11434"
