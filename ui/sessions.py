"""What a reader did in the web chat, kept across reloads and server restarts (`<index_dir>/sessions.sqlite3`).

One row per session key: the browser's random client id (kept in its localStorage), or the login name when a
login is configured, so the same reader finds their work on any browser. A row holds the answer mode the reader
chose (empty until they choose one) and the brief (its items as JSON, and its title). Standard library only, a
connection per call, so any thread may save; a row that cannot be read is logged and read as empty, never raised
into the page.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ui.brief import BriefItem, Reference

SESSIONS_FILE = "sessions.sqlite3"
MODES = ("extractive", "generative")
_CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
log = logging.getLogger(__name__)

_SCHEMA = (
    """
    CREATE TABLE IF NOT EXISTS sessions (
        key TEXT PRIMARY KEY,
        mode TEXT NOT NULL DEFAULT '',
        brief TEXT NOT NULL DEFAULT '[]',
        title TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL
    )
    """,
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
)


def sessions_path(index_dir: Path | str) -> Path:
    return Path(index_dir) / SESSIONS_FILE


def new_client_id() -> str:
    """A random id for a browser that has none yet (unguessable: it is the only key to that browser's brief)."""
    return secrets.token_urlsafe(24)


def valid_client_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_CLIENT_ID.match(value))


def session_key(client_id: str, username: str | None = None) -> str:
    """The row a reader's work is kept under: their login when there is one, else their browser."""
    return f"user:{username}" if username else f"browser:{client_id}"


@dataclass
class SavedSession:
    """A reader's saved work; `mode` is "" until they choose an answer mode themselves."""

    mode: str = ""
    items: list[BriefItem] = field(default_factory=list)
    title: str = ""


# --- the brief as JSON (BriefItem and Reference are plain dataclasses; citation numbers become string keys)
def brief_to_json(items: Sequence[BriefItem]) -> str:
    data = [
        {"heading": i.heading, "text": i.text, "citations": {str(n): asdict(r) for n, r in i.citations.items()}}
        for i in items
    ]
    return json.dumps(data, ensure_ascii=False)


def brief_from_json(text: str) -> list[BriefItem]:
    """The items of a stored brief; ValueError (or a subclass) when the JSON is not a list of items."""
    data = json.loads(text)
    if not isinstance(data, list):
        raise ValueError("the stored brief is not a list")
    items = []
    for entry in data:
        if not isinstance(entry, dict) or not isinstance(entry.get("citations", {}), dict):
            raise ValueError(f"not a brief item: {str(entry)[:80]}")
        citations = {int(n): _reference(ref) for n, ref in entry.get("citations", {}).items()}
        items.append(BriefItem(heading=str(entry["heading"]), text=str(entry["text"]), citations=citations))
    return items


def _reference(data: Any) -> Reference:
    if not isinstance(data, dict):
        raise ValueError(f"not a reference: {str(data)[:80]}")
    # Briefs saved before page segments were told apart have no "paginated": their pages count as printed pages.
    paginated = bool(data.get("paginated", True))
    return Reference(str(data["title"]), str(data["source"]), int(data["page"]), str(data["quote"]), paginated)


class SessionStore:
    """Saved sessions, one row per key. Loading an unknown key gives an empty session and writes nothing."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            for statement in _SCHEMA:
                db.execute(statement)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=10)) as db, db:
            yield db

    def browser_secret(self) -> str:
        """The key the browser's localStorage copy of the client id is encrypted with: made once per index, so
        a restarted server still reads the ids its earlier runs gave out."""
        with self._connect() as db:
            db.execute("INSERT OR IGNORE INTO meta (name, value) VALUES ('browser_secret', ?)", (new_client_id(),))
            row = db.execute("SELECT value FROM meta WHERE name = 'browser_secret'").fetchone()
        return str(row[0])

    def load(self, key: str) -> SavedSession:
        with self._connect() as db:
            row = db.execute("SELECT mode, brief, title FROM sessions WHERE key = ?", (key,)).fetchone()
        if row is None:
            return SavedSession()
        mode, brief, title = row
        if mode not in ("", *MODES):
            log.warning("session %s: ignoring the stored answer mode %r", _short(key), mode)
            mode = ""
        try:
            items = brief_from_json(brief)
        except (ValueError, TypeError, KeyError) as exc:
            log.warning("session %s: the stored brief cannot be read, starting empty: %s", _short(key), exc)
            items = []
        return SavedSession(mode=mode, items=items, title=str(title or ""))

    def save_mode(self, key: str, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self._upsert(key, {"mode": mode})

    def save_brief(self, key: str, items: Sequence[BriefItem], title: str) -> None:
        self._upsert(key, {"brief": brief_to_json(items), "title": title})

    def _upsert(self, key: str, values: dict[str, str]) -> None:
        columns = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        updates = ", ".join(f"{name} = excluded.{name}" for name in values)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connect() as db:
            db.execute(
                f"INSERT INTO sessions (key, {columns}, updated_at) VALUES (?, {marks}, ?) "
                f"ON CONFLICT(key) DO UPDATE SET {updates}, updated_at = excluded.updated_at",
                (key, *values.values(), now),
            )


def _short(key: str) -> str:
    """A session key for the log, without the whole client id (it opens that browser's brief)."""
    kind, _, name = key.partition(":")
    return f"{kind}:{name}" if kind == "user" else f"{kind}:{name[:6]}…"
