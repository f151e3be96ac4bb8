"""The feedback store: SQLite rows with question, answer and citations, exported to JSON Lines."""

from __future__ import annotations

import io
import json
import threading
from pathlib import Path

import pytest

from assistant.library.feedback import FeedbackStore, export_jsonl, feedback_path
from tests.ui.conftest import make_answer
from ui.chat import save_feedback


def test_rows_keep_question_answer_and_citations(tmp_path: Path) -> None:
    store = FeedbackStore(feedback_path(tmp_path / "index"))
    assert store.path == tmp_path / "index" / "feedback.sqlite3"
    answer = make_answer()
    row_id = save_feedback(store, answer, "wrong_evidence", session="s1")
    assert row_id == 1
    [row] = store.rows()
    assert row["rating"] == "wrong_evidence"
    assert row["question"] == answer.question and row["answer"] == answer.answer
    assert row["refused"] is False and row["mode"] == "extractive" and row["lang"] == "en"
    assert row["citations"][0] == {
        "n": 1,
        "title": "Migration Partnerships Brief",
        "source": "partnerships-brief_2022_en.md",
        "page": 1,
        "quote": "The pilot facility raised 60 million dollars.",
        "chunk_id": "chunk-1",
    }


def test_ratings_are_checked(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    with pytest.raises(ValueError, match="rating"):
        store.record("meh", "q", "a")


def test_counts_and_jsonl_export(tmp_path: Path) -> None:
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.record("up", "q1", "a1")
    store.record("down", "q2", "a2", comment="too vague")
    store.record("up", "¿q3?", "ré3")
    assert store.counts() == {"up": 2, "down": 1}
    out = tmp_path / "f.jsonl"
    assert export_jsonl(tmp_path / "f.sqlite3", out) == 3
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["question"] for r in rows] == ["q1", "q2", "¿q3?"]
    assert rows[1]["comment"] == "too vague" and rows[2]["answer"] == "ré3"
    buffer = io.StringIO()
    assert store.export_jsonl(buffer) == 3
    assert "¿q3?" in buffer.getvalue()  # UTF-8 kept, not \\u-escaped


def test_export_of_a_missing_database_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no feedback database"):
        export_jsonl(tmp_path / "none.sqlite3", tmp_path / "out.jsonl")


def test_rows_survive_reopening_and_concurrent_writers(tmp_path: Path) -> None:
    path = tmp_path / "f.sqlite3"
    store = FeedbackStore(path)

    def write(n: int) -> None:
        for i in range(10):
            store.record("up", f"q{n}-{i}", "a")

    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(FeedbackStore(path).rows()) == 40
