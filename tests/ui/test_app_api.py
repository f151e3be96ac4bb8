"""The live web app, through its API (gradio_client), on 127.0.0.1 with a tiny index and the fake embedder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, Unpack

import httpx
import pytest
from docx import Document as Docx

from gfmd.records import AskOptions, Filters, StreamEvent
from tests.fakes import recorded_call
from tests.ui.conftest import build_tiny_assistant, free_port
from tests.ui.pdfs import write_pdf

pytestmark = pytest.mark.slow  # a live server: gradio startup takes seconds

QUESTION = "How much money did the pilot facility raise?"


class Recording:
    """The real assistant, remembering what the web app asked it."""

    def __init__(self, assistant: Any) -> None:
        self.assistant = assistant
        self.index = assistant.index
        self.settings = assistant.settings
        self.calls: list[dict[str, Any]] = []

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]:
        self.calls.append(recorded_call(question, options))
        return self.assistant.stream(question, **options)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Recording]]:
    from ui.app import launch

    assistant = Recording(build_tiny_assistant(tmp_path_factory.mktemp("api"), max_question_chars=300))
    demo = launch(
        assistant.settings, prevent_thread_lock=True, assistant=assistant, server_port=free_port(), quiet=True
    )
    yield demo.local_url, assistant
    demo.close()


def client(url: str) -> Any:
    from gradio_client import Client

    return Client(url, verbose=False)


def ask(c: Any, question: str, docs: list[str] | None = None, lang: str = "Any", year: str = "Any") -> list[Any]:
    job = c.submit(question, docs or [], lang, year, "extractive", 4, api_name="/ask")
    updates = list(job)
    return updates or [job.result()]


def text_of(message: dict[str, Any]) -> str:
    content = message["content"]
    return "".join(part.get("text", "") for part in content) if isinstance(content, list) else str(content)


def test_the_server_listens_on_loopback_only(app: tuple[str, Recording]) -> None:
    url, _ = app
    assert url.startswith("http://127.0.0.1:")


def test_answer_streams_then_comes_with_its_sources(app: tuple[str, Recording]) -> None:
    url, recording = app
    updates = ask(client(url), QUESTION)
    assert len(updates) >= 2
    first_chat = updates[0][0]
    assert [m["role"] for m in first_chat] == ["user", "assistant"]  # the question and a progress cue
    assert text_of(first_chat[1]) == "<em>Searching the documents…</em>"
    chat, sources, _ = updates[-1]
    assert text_of(chat[-1]).startswith("The pilot facility raised 60 million dollars")
    assert 'href="#gfmd-source-0-1"' in text_of(chat[-1])
    assert 'id="gfmd-source-1"' in sources and "<mark>" in sources
    assert recording.calls[-1]["mode"] == "extractive" and recording.calls[-1]["k"] == 4


def test_follow_ups_carry_the_earlier_questions(app: tuple[str, Recording]) -> None:
    url, recording = app
    c = client(url)
    ask(c, QUESTION)
    ask(c, "And how many donors?")
    assert recording.calls[-1]["history"] == [QUESTION]
    other_session = client(url)
    ask(other_session, "What are diaspora bonds?")
    assert recording.calls[-1]["history"] == []


def test_filters_reach_retrieval(app: tuple[str, Recording]) -> None:
    url, recording = app
    _, sources, _ = ask(client(url), "How much money was raised?", docs=["remittances-note_2020_en.txt"], year="2020")[
        -1
    ]
    assert recording.calls[-1]["filters"] == Filters(sources=("remittances-note_2020_en.txt",), year=2020)
    assert "partnerships-brief" not in sources


def test_overlong_questions_are_refused(app: tuple[str, Recording]) -> None:
    url, _ = app
    chat, sources, _ = ask(client(url), "why " * 100)[-1]
    assert text_of(chat[0]).endswith("…")
    assert "300" in text_of(chat[-1]) and 'class="gfmd-source"' not in sources


def test_document_text_is_escaped_in_answers_and_sources(app: tuple[str, Recording]) -> None:
    url, _ = app
    chat, sources, _ = ask(client(url), "What is the escaping partnership fund?")[-1]
    for html in (text_of(chat[-1]), sources):
        assert "<script" not in html and "<img" not in html
        assert "&lt;script&gt;" in html


def test_pin_answers_and_export_the_brief(app: tuple[str, Recording]) -> None:
    url, _ = app
    c = client(url)
    ask(c, QUESTION)
    c.predict(api_name="/pin")
    ask(c, "What are diaspora bonds?")
    preview, picker = c.predict(api_name="/pin")  # the brief itself is session state, not returned
    assert preview.count('class="gfmd-brief-item"') == 2
    assert [choice[1] for choice in picker["choices"]] == [0, 1]
    c.predict(1, "Diaspora bonds", "Edited text [1]", "My brief", api_name="/brief_edit")
    c.predict(1, "My brief", api_name="/brief_up")
    markdown, docx = c.predict("My brief", api_name="/brief_export")
    text = Path(markdown).read_text(encoding="utf-8")
    assert text.index("## Diaspora bonds") < text.index(f"## {QUESTION}") < text.index("## References")
    assert "Edited text [1]" in text and "\n1. " in text and "\n2. " in text
    paragraphs = [p.text for p in Docx(docx).paragraphs]
    assert paragraphs[0] == "My brief" and "References" in paragraphs


def test_upload_list_and_remove_documents(app: tuple[str, Recording], tmp_path: Path) -> None:
    from gradio_client import handle_file

    url, _ = app
    c = client(url)
    good = write_pdf(tmp_path / "border-pilot_2024_en.pdf", ["The border pilot trained 120 officers in 2024."])
    bad = tmp_path / "broken.pdf"
    bad.write_text("no pdf here", encoding="utf-8")
    status = c.predict([handle_file(str(good)), handle_file(str(bad))], api_name="/upload")[0]
    assert "border-pilot_2024_en.pdf</strong>: added: 1 page, 1 passage" in status
    assert "broken.pdf</strong>: not a PDF" in status
    table = c.predict(api_name="/documents")[0]
    assert "border-pilot_2024_en.pdf" in [row[1] for row in table["data"]]
    sources = ask(c, "How many officers did the border pilot train?")[-1][1]
    assert "border-pilot_2024_en.pdf" in sources
    removed = c.predict("border-pilot_2024_en.pdf", api_name="/remove")[0]
    assert "Removed" in removed
    table = c.predict(api_name="/documents")[0]
    assert "border-pilot_2024_en.pdf" not in [row[1] for row in table["data"]]
    assert "broken.pdf" not in [row[1] for row in table["data"]]


def test_server_files_cannot_be_smuggled_in_as_uploads(app: tuple[str, Recording]) -> None:
    """A raw API call naming a file on the server (not one it received) is refused by gradio."""
    url, recording = app
    before = client(url).predict(api_name="/documents")[0]["data"]
    for path in ("/etc/passwd", str(Path(recording.settings.corpus_dir) / "remittances-note_2020_en.txt")):
        smuggled = {"path": path, "meta": {"_type": "gradio.FileData"}, "orig_name": "copy.txt"}
        event = httpx.post(f"{url}gradio_api/call/upload", json={"data": [[smuggled]]}).json()["event_id"]
        reply = httpx.get(f"{url}gradio_api/call/upload/{event}", timeout=60).text
        assert reply.startswith("event: error"), reply
    assert client(url).predict(api_name="/documents")[0]["data"] == before


def test_login_when_credentials_are_configured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from gradio_client import Client

    from tests.ui.conftest import FakeAssistant, tiny_settings
    from ui.app import launch

    monkeypatch.setenv("GFMD_AUTH", "ana:s3cret")
    fake = FakeAssistant()
    fake.index = build_tiny_assistant(tmp_path).index  # type: ignore[attr-defined]
    demo = launch(
        tiny_settings(tmp_path), prevent_thread_lock=True, assistant=fake, server_port=free_port(), quiet=True
    )
    try:
        url = demo.local_url
        assert httpx.get(f"{url}config").status_code == 401
        assert httpx.post(f"{url}login", data={"username": "ana", "password": "wrong"}).status_code == 400
        with pytest.raises(Exception):  # noqa: B017
            Client(url, verbose=False)
        updates = list(
            Client(url, auth=("ana", "s3cret"), verbose=False).submit(
                "q", [], "Any", "Any", "extractive", 4, api_name="/ask"
            )
        )
        assert updates and fake.calls[-1]["question"] == "q"
    finally:
        demo.close()


def test_queue_limits_analytics_and_launch_options(app: tuple[str, Recording], monkeypatch: pytest.MonkeyPatch) -> None:
    from ui.app import build_app, launch_options

    monkeypatch.delenv("GFMD_AUTH", raising=False)
    monkeypatch.delenv("GFMD_AUTH_FILE", raising=False)
    recording = app[1]
    demo = build_app(recording.settings, recording)
    assert demo.analytics_enabled is False
    assert demo._queue.max_size == 64 and demo._queue.default_concurrency_limit == 4
    options = launch_options(recording.settings)
    assert options["server_name"] == "127.0.0.1" and options["share"] is False
    assert options["auth"] is None and options["max_file_size"] == 20 * 1024 * 1024
    monkeypatch.setenv("GFMD_AUTH", "ana:pw")
    assert launch_options(recording.settings)["auth"]("ana", "pw") is True
