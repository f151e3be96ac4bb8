"""Readers' feedback on answers, kept in a local SQLite file (`<index_dir>/feedback.sqlite3`).

Each row holds the rating, the question, the answer text and the citations the reader saw, so a "the evidence
is wrong" report can be checked later. Standard library only: usable from a script, a notebook or the CLI
(`export_jsonl(db, out)`), without gradio or the index.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, TextIO

Rating = Literal["up", "down", "wrong_evidence"]
RATINGS: tuple[str, ...] = ("up", "down", "wrong_evidence")
FEEDBACK_FILE = "feedback.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    rating TEXT NOT NULL,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    refused INTEGER NOT NULL DEFAULT 0,
    mode TEXT NOT NULL DEFAULT '',
    lang TEXT NOT NULL DEFAULT '',
    citations TEXT NOT NULL DEFAULT '[]',
    comment TEXT NOT NULL DEFAULT '',
    session TEXT NOT NULL DEFAULT ''
)
"""
_COLUMNS = ("id", "created_at", "rating", "question", "answer", "refused", "mode", "lang", "citations", "comment")
CITATION_FIELDS = ("n", "title", "source", "page", "quote", "chunk_id")


def feedback_path(index_dir: Path | str) -> Path:
    return Path(index_dir) / FEEDBACK_FILE


class FeedbackStore:
    """Append-only feedback rows. A connection per call, so any thread may record."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(_SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def record(
        self,
        rating: str,
        question: str,
        answer: str,
        citations: Sequence[Mapping[str, Any]] = (),
        *,
        refused: bool = False,
        mode: str = "",
        lang: str = "",
        comment: str = "",
        session: str = "",
    ) -> int:
        """Store one rating ('up', 'down' or 'wrong_evidence'); returns the row id."""
        if rating not in RATINGS:
            raise ValueError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
        cited = [{k: c.get(k) for k in CITATION_FIELDS if k in c} for c in citations]
        row = (
            datetime.now(UTC).isoformat(timespec="seconds"),
            rating,
            question,
            answer,
            int(refused),
            mode,
            lang,
            json.dumps(cited, ensure_ascii=False),
            comment[:2000],
            session,
        )
        with self._connect() as db:
            cursor = db.execute(
                "INSERT INTO feedback (created_at, rating, question, answer, refused, mode, lang, citations, "
                "comment, session) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return int(cursor.lastrowid or 0)

    def rows(self) -> list[dict[str, Any]]:
        """Every row, oldest first, with citations decoded."""
        with self._connect() as db:
            got = db.execute(f"SELECT {', '.join(_COLUMNS)} FROM feedback ORDER BY id").fetchall()
        rows = [dict(zip(_COLUMNS, values, strict=True)) for values in got]
        for row in rows:
            row["citations"] = json.loads(row["citations"])
            row["refused"] = bool(row["refused"])
        return rows

    def counts(self) -> dict[str, int]:
        with self._connect() as db:
            got = db.execute("SELECT rating, COUNT(*) FROM feedback GROUP BY rating").fetchall()
        return {str(rating): int(n) for rating, n in got}

    def export_jsonl(self, out: Path | str | TextIO) -> int:
        """Write one JSON object per row; returns the number of rows written."""
        rows = self.rows()
        if isinstance(out, str | Path):
            with Path(out).open("w", encoding="utf-8") as handle:
                return _write(rows, handle)
        return _write(rows, out)


def _write(rows: list[dict[str, Any]], handle: TextIO) -> int:
    for row in rows:
        handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    return len(rows)


def export_jsonl(db_path: Path | str, out: Path | str | TextIO) -> int:
    """Export a feedback database to JSON Lines (for `gfmd feedback export` or a script)."""
    if not Path(db_path).exists():
        raise FileNotFoundError(f"no feedback database at {db_path}")
    return FeedbackStore(db_path).export_jsonl(out)
