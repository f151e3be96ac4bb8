"""The bundled model as a LangChain chat model: calls go to a supervised worker process (a fake engine here)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from langchain_core.messages import HumanMessage

from assistant.generation.llm import local, runtime
from assistant.generation.llm.backends import make_chat_model
from assistant.generation.llm.local import LocalLlamaChat, close_workers, worker_command
from assistant.generation.llm.model_files import LLMUnavailableError
from assistant.generation.llm.supervisor import NotReadyYet

ENGINE = f"{__package__}.fake_engine:quick"


@pytest.fixture(autouse=True)
def _stop_workers() -> Iterator[None]:
    yield
    close_workers()


@pytest.fixture
def runtime_present(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setattr(runtime, "missing_cpu_features", lambda flags=None: [])
    monkeypatch.setattr(runtime, "package_dir", lambda: tmp_path)
    model = tmp_path / "m.gguf"
    model.write_bytes(b"GGUF")
    return model


def test_local_chat_model_answers_through_its_worker(runtime_present: Path) -> None:
    llm = make_chat_model("local", model_path=runtime_present, engine=ENGINE, max_tokens=64)
    assert isinstance(llm, LocalLlamaChat)
    assert llm.worker().start(wait=60).generative
    message = llm.invoke([HumanMessage("What makes partnerships last?")])
    assert str(message.content).startswith("Partnerships last") and message.response_metadata["finish_reason"]
    pieces = [c.content for c in llm.stream([HumanMessage("again")]) if c.content]
    assert len(pieces) > 2 and pieces[0] == "Partnerships "  # token by token
    assert llm.worker() is LocalLlamaChat(model_path=str(runtime_present), engine=ENGINE).worker()  # one per model


def test_worker_command_carries_the_settings(runtime_present: Path) -> None:
    chat = LocalLlamaChat(model_path=str(runtime_present), n_threads=1, memory_mb=2048)
    assert "--engine" not in worker_command(chat)
    command = worker_command(chat)
    assert command[1:3] == ["-m", "assistant.generation.llm.worker"] and str(runtime_present) in command
    assert command[command.index("--n-threads") + 1] == "1" and command[command.index("--memory-mb") + 1] == "2048"


def test_a_cpu_without_the_baseline_is_told_why(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(runtime, "missing_cpu_features", lambda flags=None: ["avx2", "fma"])
    with pytest.raises(LLMUnavailableError, match="lacks avx2, fma"):
        worker_command(LocalLlamaChat(model_path=str(tmp_path / "m.gguf")))


def test_runtime_still_building_is_not_ready_yet(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(runtime, "missing_cpu_features", lambda flags=None: [])
    monkeypatch.setattr(runtime, "package_dir", lambda: None)
    monkeypatch.setattr(runtime, "setup_state", lambda path=None: {"state": "running", "message": ""})
    with pytest.raises(NotReadyYet, match="being built"):
        worker_command(LocalLlamaChat(model_path=str(tmp_path / "m.gguf")))
    monkeypatch.setattr(runtime, "setup_state", lambda path=None: None)
    with pytest.raises(LLMUnavailableError, match="llama-cpp-python is not installed"):
        worker_command(LocalLlamaChat(model_path=str(tmp_path / "m.gguf")))


def test_the_bundled_model_is_assembled_when_no_path_is_given(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, runtime_present: Path
) -> None:
    seen: list[object] = []
    monkeypatch.setattr(local, "ensure_local_model", lambda d: seen.append(d) or runtime_present)
    command = worker_command(LocalLlamaChat(cache_dir=str(tmp_path)))
    assert seen == [str(tmp_path)] and str(runtime_present) in command
