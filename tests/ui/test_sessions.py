"""Saved sessions (ui/sessions.py): a reader's answer mode and brief, per browser or per login, in SQLite."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

import pytest

from tests.ui.conftest import citation, make_answer
from ui.brief import BriefItem
from ui.sessions import (
    SavedSession,
    SessionStore,
    brief_from_json,
    brief_to_json,
    new_client_id,
    session_key,
    sessions_path,
    valid_client_id,
)


def items() -> list[BriefItem]:
    other = citation(3, "Cities know the needs of migrants.", page=7, chunk_id="chunk-7", paginated=False)
    second = make_answer("¿Qué acordaron los socios?", answer=f"{other.quote} [3]", citations=[other])
    return [BriefItem.from_answer(make_answer()), BriefItem.from_answer(second)]


def test_a_brief_survives_json_with_its_citations_and_unicode() -> None:
    brief = items()
    assert brief_from_json(brief_to_json(brief)) == brief
    assert not brief_from_json(brief_to_json(brief))[1].citations[3].paginated  # a page segment stays one
    assert brief_from_json(brief_to_json([])) == []


@pytest.mark.parametrize("text", ["{}", "[1]", '[{"heading": "h"}]', '[{"heading": "h", "text": "t", "citations": 3}]'])
def test_json_that_is_not_a_brief_is_refused(text: str) -> None:
    with pytest.raises((ValueError, TypeError, KeyError)):
        brief_from_json(text)


def test_mode_brief_and_title_come_back_from_a_new_store_on_the_same_file(tmp_path: Path) -> None:
    path = sessions_path(tmp_path)
    store = SessionStore(path)
    store.save_mode("browser:a", "generative")
    store.save_brief("browser:a", items(), "Partnership notes")
    again = SessionStore(path)  # a restarted server
    assert again.load("browser:a") == SavedSession("generative", items(), "Partnership notes")


def test_saving_the_brief_keeps_the_mode_and_saving_the_mode_keeps_the_brief(tmp_path: Path) -> None:
    store = SessionStore(sessions_path(tmp_path))
    store.save_brief("browser:a", items(), "One")
    store.save_mode("browser:a", "extractive")
    store.save_brief("browser:a", items()[:1], "Two")
    assert store.load("browser:a") == SavedSession("extractive", items()[:1], "Two")


def test_two_clients_are_kept_apart(tmp_path: Path) -> None:
    store = SessionStore(sessions_path(tmp_path))
    store.save_mode("browser:a", "generative")
    store.save_brief("browser:a", items(), "A")
    store.save_brief("browser:b", items()[1:], "B")
    assert store.load("browser:a") == SavedSession("generative", items(), "A")
    assert store.load("browser:b") == SavedSession("", items()[1:], "B")
    assert store.load("browser:c") == SavedSession()  # unknown: empty, and nothing written
    with sqlite3.connect(sessions_path(tmp_path)) as db:
        assert db.execute("SELECT COUNT(*) FROM sessions").fetchone() == (2,)


def test_a_corrupt_row_is_logged_and_read_as_empty(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    store = SessionStore(sessions_path(tmp_path))
    store.save_mode("browser:a", "generative")
    store.save_brief("browser:a", items(), "Kept title")
    with sqlite3.connect(sessions_path(tmp_path)) as db:
        db.execute("UPDATE sessions SET brief = '[{not json', mode = 'poetic' WHERE key = 'browser:a'")
    with caplog.at_level(logging.WARNING, logger="ui.sessions"):
        saved = store.load("browser:a")
    assert saved == SavedSession("", [], "Kept title")
    messages = " ".join(r.getMessage() for r in caplog.records)
    assert "cannot be read, starting empty" in messages and "poetic" in messages
    store.save_brief("browser:a", items()[:1], "Fixed")  # the next change writes a good row again
    assert store.load("browser:a").items == items()[:1]


def test_an_unknown_mode_is_not_saved(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        SessionStore(sessions_path(tmp_path)).save_mode("browser:a", "poetic")


def test_the_browser_secret_is_made_once_per_index(tmp_path: Path) -> None:
    first = SessionStore(sessions_path(tmp_path)).browser_secret()
    assert len(first) >= 16
    assert SessionStore(sessions_path(tmp_path)).browser_secret() == first
    assert SessionStore(sessions_path(tmp_path / "other")).browser_secret() != first


def test_client_ids_are_random_and_checked() -> None:
    ids = {new_client_id() for _ in range(50)}
    assert len(ids) == 50 and all(valid_client_id(i) for i in ids)
    for bad in ("", "short", None, 42, "x" * 65, "../../etc/passwd-and-more"):
        assert not valid_client_id(bad)


def test_a_login_names_the_session_instead_of_the_browser() -> None:
    assert session_key("abc", None) == "browser:abc"
    assert session_key("abc", "ana") == session_key("xyz", "ana") == "user:ana"
