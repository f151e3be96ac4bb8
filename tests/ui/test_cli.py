from __future__ import annotations

import json
import shutil
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.answer.messages import EMPTY_INDEX
from gfmd.errors import IndexUnavailableError
from gfmd.settings import Settings
from gfmd.settings_doc import settings_table
from gfmd.store import Store
from tests.conftest import SEED_NAME, Samples
from tests.fakes import HashEmbeddings
from ui.cli import app

runner = CliRunner()
TXT = "remittances-note_2020_en.txt"
MD = "partnerships-brief_2022_en.md"
CITATION_KEYS = {"n", "doc_id", "title", "source", "page", "quote", "text", "score"}


@pytest.fixture(autouse=True)
def _extractive(monkeypatch: pytest.MonkeyPatch) -> None:
    # Extractive answers, and a support threshold for the hashing fake (its similarities run lower than e5's).
    monkeypatch.setenv("GFMD_ANSWER_MODE", "extractive")
    monkeypatch.setenv("GFMD_LLM_BACKEND", "none")
    monkeypatch.setenv("GFMD_MIN_SUPPORT", "0.3")
    monkeypatch.setenv("GFMD_MIN_SUPPORT_CROSS", "0.3")


def gfmd(*args: str | Path) -> object:
    return runner.invoke(app, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def ingested(fake_embeddings: HashEmbeddings, corpus_dir: Path) -> Path:
    result = gfmd("ingest", corpus_dir, "--json")
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    return corpus_dir


def test_ingest_json_summary(fake_embeddings: HashEmbeddings, corpus_dir: Path) -> None:
    result = gfmd("ingest", corpus_dir, "--json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    summary = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert {"added", "updated", "unchanged", "failed", "chunks"} <= set(summary)
    assert (summary["added"], summary["updated"], summary["unchanged"], summary["failed"]) == (3, 0, 0, [])
    assert summary["chunks"] > 0

    again = json.loads(gfmd("ingest", corpus_dir, "--json").stdout)  # type: ignore[attr-defined]
    assert (again["added"], again["unchanged"], again["chunks"]) == (0, 3, 0)


def test_ingest_fails_with_exit_code_after_ingesting_the_good_files(
    fake_embeddings: HashEmbeddings, corpus_dir: Path, samples: Samples
) -> None:
    shutil.copy(samples.encrypted_pdf, corpus_dir / "encrypted.pdf")
    missing = corpus_dir.parent / "missing.md"
    result = gfmd("ingest", corpus_dir, missing, "--json")
    assert result.exit_code == 1  # type: ignore[attr-defined]
    summary = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert summary["added"] == 3
    failed = {f["path"]: f["reason"] for f in summary["failed"]}
    assert set(failed) == {str(corpus_dir / "encrypted.pdf"), str(missing)}
    assert "encrypted PDF" in failed[str(corpus_dir / "encrypted.pdf")]
    docs = json.loads(gfmd("documents", "--json").stdout)  # type: ignore[attr-defined]
    assert {d["source"] for d in docs} == {SEED_NAME, TXT, MD}


def test_ingest_text_summary_lists_failures_on_stderr(
    fake_embeddings: HashEmbeddings, tmp_path: Path, samples: Samples
) -> None:
    result = gfmd("ingest", samples.plain_txt, samples.binary_txt)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "added 1" in result.stdout and "failed 1" in result.stdout  # type: ignore[attr-defined]
    assert f"failed {samples.binary_txt}: binary content" in result.stderr  # type: ignore[attr-defined]


def test_ask_json_schema(ingested: Path) -> None:
    result = gfmd("ask", "How much did Nigeria raise with its first diaspora bond?", "--json")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    answer = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert {"question", "answer", "refused", "mode", "citations", "timings_ms"} <= set(answer)
    assert answer["refused"] is False and answer["mode"] == "extractive"
    assert answer["citations"]
    for citation in answer["citations"]:
        assert set(citation) >= CITATION_KEYS
        assert citation["quote"] in citation["text"]
    assert answer["citations"][0]["source"] == TXT
    assert {"retrieve", "answer", "total"} <= set(answer["timings_ms"])
    # An extractive answer says how close its best sentence came to the question, and what it had to reach.
    assert answer["support"] >= answer["support_threshold"] > 0


def test_ask_text_output(ingested: Path) -> None:
    result = gfmd("ask", "How much did Nigeria raise with its first diaspora bond?")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    out = result.stdout  # type: ignore[attr-defined]
    assert "300 million" in out
    assert f"[1] Remittances note 2020 en — {TXT}, p. 1" in out


def test_ask_refusal_json(ingested: Path) -> None:
    answer = json.loads(gfmd("ask", "Which football club won the 1998 championship?", "--json").stdout)  # type: ignore[attr-defined]
    assert answer["refused"] is True
    assert answer["citations"] == []


def test_ask_filters(ingested: Path) -> None:
    result = gfmd("ask", "What did the pilot facility raise from donors?", "--doc", MD, "--json")
    answer = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert {c["source"] for c in answer["citations"]} == {MD}


def test_ask_batch(ingested: Path, tmp_path: Path) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        "\n".join(
            [
                json.dumps({"id": "q1", "question": "How much did Nigeria raise with its first diaspora bond?"}),
                "",
                json.dumps({"id": 2, "question": "Which football club won the 1998 championship?"}),
                "{not json",
                json.dumps({"id": "q3"}),
            ]
        ),
        encoding="utf-8",
    )
    result = gfmd("ask", "--batch", batch)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    lines = [json.loads(line) for line in result.stdout.splitlines()]  # type: ignore[attr-defined]
    assert len(lines) == 4
    assert lines[0]["id"] == "q1" and lines[0]["refused"] is False and lines[0]["citations"]
    assert lines[1]["id"] == 2 and lines[1]["refused"] is True
    assert lines[2]["line"] == 4 and f"{batch}:4" in lines[2]["error"]
    assert lines[3]["line"] == 5 and "invalid item" in lines[3]["error"]


@pytest.mark.parametrize("args", [[], ["a question", "--batch", "q.jsonl"]])
def test_ask_needs_a_question_or_a_batch(fake_embeddings: HashEmbeddings, args: list[str]) -> None:
    result = gfmd("ask", *args)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert "give a QUESTION or --batch FILE" in result.stderr  # type: ignore[attr-defined]


def test_ask_an_empty_index(fake_embeddings: HashEmbeddings) -> None:
    answer = json.loads(gfmd("ask", "¿Cuántos migrantes había en 2019?", "--json").stdout)  # type: ignore[attr-defined]
    assert answer["refused"] is True
    assert answer["answer"] == EMPTY_INDEX["es"]


def test_index_option(fake_embeddings: HashEmbeddings, tmp_path: Path, samples: Samples) -> None:
    other = tmp_path / "elsewhere"
    assert gfmd("ingest", samples.plain_txt, "--index", other).exit_code == 0  # type: ignore[attr-defined]
    assert json.loads(gfmd("documents", "--json").stdout) == []  # type: ignore[attr-defined]
    docs = json.loads(gfmd("documents", "--json", "--index", other).stdout)  # type: ignore[attr-defined]
    assert [d["source"] for d in docs] == [TXT]


def test_documents(ingested: Path) -> None:
    docs = json.loads(gfmd("documents", "--json").stdout)  # type: ignore[attr-defined]
    assert [d["source"] for d in docs] == sorted([SEED_NAME, TXT, MD])
    seed = next(d for d in docs if d["source"] == SEED_NAME)
    assert (seed["lang"], seed["year"], seed["pages"], seed["paginated"]) == ("es", 2020, 9, False)
    text = gfmd("documents").stdout  # type: ignore[attr-defined]
    assert f"{SEED_NAME}  [es, 2020, 9 p.," in text


def test_remove(ingested: Path) -> None:
    result = gfmd("remove", TXT)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert f"removed: {TXT}" in result.stdout  # type: ignore[attr-defined]
    docs = json.loads(gfmd("documents", "--json").stdout)  # type: ignore[attr-defined]
    assert TXT not in {d["source"] for d in docs}
    answer = json.loads(gfmd("ask", "How much did Nigeria raise with its first diaspora bond?", "--json").stdout)  # type: ignore[attr-defined]
    assert TXT not in {c["source"] for c in answer["citations"]}

    again = gfmd("remove", TXT, MD)
    assert again.exit_code == 1  # type: ignore[attr-defined]
    assert f"not indexed: {TXT}" in again.stdout and f"removed: {MD}" in again.stdout  # type: ignore[attr-defined]


def test_config_markdown() -> None:
    result = gfmd("config", "--markdown")
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert result.stdout.strip() == settings_table().strip()  # type: ignore[attr-defined]


def test_config_shows_current_values(tmp_path: Path) -> None:
    out = gfmd("config").stdout  # type: ignore[attr-defined]
    assert f"GFMD_INDEX_DIR={tmp_path / 'index'}" in out
    assert "GFMD_MIN_SUPPORT=0.3" in out
    assert len(out.splitlines()) == len(Settings.model_fields)


# --- an index that cannot be used: one error line naming it, exit 2, never a traceback --------------------------


def _one_error_line(result: object) -> str:
    assert result.exit_code == 2, result.output  # type: ignore[attr-defined]
    assert result.stdout == ""  # type: ignore[attr-defined]
    lines = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return str(lines[0])


@pytest.mark.parametrize(
    "command",
    [["documents"], ["documents", "--json"], ["remove", TXT], ["serve"], ["ask", "What is a diaspora bond?"]],
)
def test_an_index_directory_that_cannot_be_opened(
    fake_embeddings: HashEmbeddings, tmp_path: Path, command: list[str]
) -> None:
    not_a_directory = tmp_path / "index-is-a-file"
    not_a_directory.write_text("not an index", encoding="utf-8")
    line = _one_error_line(gfmd(*command, "--index", not_a_directory))
    assert f"cannot create index directory {not_a_directory}" in line


@pytest.mark.parametrize("command", [["documents"], ["remove", TXT], ["serve"]])
def test_a_chroma_server_that_is_not_there(
    fake_embeddings: HashEmbeddings, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    with socket.socket() as sock:  # a free local port, closed again: nothing listens there
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setenv("GFMD_CHROMA_URL", url)
    line = _one_error_line(gfmd(*command))
    assert f"Chroma server at {url} is not reachable" in line


def test_serve_without_its_corpus_folder_says_so(fake_embeddings: HashEmbeddings, tmp_path: Path) -> None:
    missing = tmp_path / "no-corpus-here"
    env = {"GFMD_CORPUS_DIR": str(missing)}
    result = runner.invoke(app, ["serve", "--index", str(tmp_path / "index")], env=env, catch_exceptions=False)
    line = _one_error_line(result)
    assert f"the corpus folder {missing} does not exist" in line and "GFMD_CORPUS_DIR" in line


def test_serve_when_no_corpus_file_can_be_indexed_names_them(
    fake_embeddings: HashEmbeddings, tmp_path: Path, samples: Samples
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(samples.corrupt_pdf, corpus / "broken.pdf")
    shutil.copy(samples.empty_txt, corpus / "empty.txt")
    env = {"GFMD_CORPUS_DIR": str(corpus)}
    result = runner.invoke(app, ["serve", "--index", str(tmp_path / "index")], env=env, catch_exceptions=False)
    line = _one_error_line(result)
    assert "cannot start the web chat: none of the files in" in line
    assert "broken.pdf: " in line and "empty.txt: " in line


def test_a_chroma_error_after_opening_names_the_index(ingested: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def unreadable(self: object, *args: object, **kwargs: object) -> None:
        raise IndexUnavailableError(f"reading from the index directory {Settings().index_dir} failed: disk I/O error")

    monkeypatch.setattr(Store, "documents", unreadable)
    line = _one_error_line(gfmd("documents"))
    assert f"reading from the index directory {Settings().index_dir} failed" in line


def test_an_invalid_setting_is_one_error_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GFMD_TOP_K", "many")
    for command in (["config"], ["documents"]):
        line = _one_error_line(gfmd(*command))
        assert "invalid setting GFMD_TOP_K='many'" in line


def test_feedback_without_a_database(tmp_path: Path) -> None:
    line = _one_error_line(gfmd("feedback", "--out", tmp_path / "ratings.jsonl"))
    assert f"no feedback database at {tmp_path / 'index' / 'feedback.sqlite3'}" in line


def test_help_lists_the_commands() -> None:
    out = gfmd("--help").stdout  # type: ignore[attr-defined]
    for command in ("ingest", "ask", "documents", "remove", "serve", "config"):
        assert command in out


@pytest.mark.integration
@pytest.mark.slow
def test_real_ask_json(real_index_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real model is judged by the default thresholds, not the fake's.
    monkeypatch.delenv("GFMD_MIN_SUPPORT")
    monkeypatch.delenv("GFMD_MIN_SUPPORT_CROSS")
    result = gfmd("ask", "How many international migrants were there in 2019?", "--json", "--index", real_index_dir)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    answer = json.loads(result.stdout)  # type: ignore[attr-defined]
    assert answer["refused"] is False and "272" in answer["answer"]
    assert any(c["source"] == SEED_NAME for c in answer["citations"])
