"""What the web chat's tabs share (ui/context.py): the document list while the index is unavailable."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.library.feedback import FeedbackStore
from gfmd.errors import IndexUnavailableError
from ui.context import AppContext


def test_an_unavailable_index_is_asked_once_per_page_load_not_once_per_list(
    tiny_assistant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page load lists the documents three times; with a hung Chroma server each ask waits the whole time limit,
    so after a failure the documents last seen are shown without asking again for `unavailable_grace_s`."""
    store = tiny_assistant.index.store
    ctx = AppContext(tiny_assistant.settings, tiny_assistant, FeedbackStore(tiny_assistant.settings.index_dir / "f.db"))
    seen = [d.source for d in ctx.documents()]
    assert seen
    real = store.documents
    asked: list[bool] = []
    server_up = False

    def documents(refresh: bool = False) -> Any:
        asked.append(refresh)
        if not server_up:
            raise IndexUnavailableError("reading from the Chroma server at http://127.0.0.1:9 failed: no answer")
        return real(refresh)

    monkeypatch.setattr(store, "documents", documents)
    for _ in range(3):  # the library table, the removal list, the chat's filters
        assert [d.source for d in ctx.documents()] == seen
    assert len(asked) == 1

    server_up = True
    monkeypatch.setattr(AppContext, "unavailable_grace_s", 0.0)  # the grace has run out: the index is asked again
    assert [d.source for d in ctx.documents()] == seen
    assert len(asked) == 2
