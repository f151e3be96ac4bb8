"""A reader's session across reloads and restarts, and the generative model's status banner (gradio wiring only).

On page load the browser's client id (random, made once, kept in its localStorage) or the reader's login names
the saved session (ui/sessions.py): the answer mode the reader chose and the brief come back. Every change of
either is saved. A timer polls the model's status every few seconds; ui/model_status.py decides what the banner
says and whether the answer mode follows.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from typing import Any

import gradio as gr

from ui import brief
from ui.brief_tab import BriefTab, view
from ui.chat_tab import ChatTab
from ui.context import AppContext
from ui.model_status import Seen, on_load, on_status
from ui.render import escape
from ui.sessions import MODES, SavedSession, new_client_id, session_key, valid_client_id

CLIENT_STORAGE_KEY = "gfmd-client"  # the localStorage entry holding the browser's client id
STATUS_EVERY_S = 3.0  # how often each open page asks for the model's status
NOT_SAVED = "Your changes could not be saved on the server: they are kept in this page until it is reloaded."
log = logging.getLogger(__name__)


def banner_update(text: str) -> Any:
    """The banner showing `text`, or hidden when there is nothing to say."""
    html = f'<div class="gfmd-model-status" role="status">{escape(text)}</div>' if text else ""
    return gr.update(value=html, visible=bool(text))


def wire_session(demo: gr.Blocks, ctx: AppContext, chat: ChatTab, tab: BriefTab) -> None:
    store = ctx.sessions
    # The secret is kept in the index dir so that a restarted server still reads the ids it gave out.
    client = gr.BrowserState("", storage_key=CLIENT_STORAGE_KEY, secret=store.browser_secret())
    key = gr.State("")  # the session's key, "" until the page has loaded (API calls save nothing)
    chosen = gr.State("")  # the answer mode the reader picked, "" until they pick one
    seen = gr.State(Seen())
    timer = gr.Timer(STATUS_EVERY_S)

    def restore(client_id: Any, request: gr.Request) -> tuple[Any, ...]:
        if not valid_client_id(client_id):
            client_id = new_client_id()
        name = session_key(client_id, getattr(request, "username", None))
        try:
            saved = store.load(name)
        except sqlite3.Error as exc:  # the page opens empty rather than broken
            log.warning("the saved session could not be read from %s: %s", store.path, exc)
            saved = SavedSession()
        status = on_load(ctx.model_status(), chosen=saved.mode, configured=ctx.generative_configured, now=_now())
        title = saved.title or brief.DEFAULT_TITLE
        items, preview, picker = view(saved.items, title)
        return (
            client_id, name, saved.mode, status.mode, banner_update(status.banner), status.seen,
            items, preview, picker, title,
        )  # fmt: skip

    def save_mode(name: str, mode: str) -> Any:
        if mode not in MODES:
            return gr.skip()
        if name:
            _save(store.save_mode, name, mode)
        return mode

    def save_brief(name: str, items: Any, title: str) -> None:
        if not name:
            return
        kept = [item for item in items if isinstance(item, brief.BriefItem)] if isinstance(items, list) else []
        _save(store.save_brief, name, kept, title or "")

    def poll(chosen_mode: str, current: str, last: Any) -> tuple[Any, Any, Seen]:
        last = last if isinstance(last, Seen) else Seen()
        status = on_status(
            ctx.model_status(), chosen=chosen_mode or "", current=current or "", seen=last, now=_now(),
            configured=ctx.generative_configured,
        )  # fmt: skip
        banner = banner_update(status.banner) if status.banner != last.shown else gr.skip()
        return banner, status.mode or gr.skip(), status.seen

    quiet: dict[str, Any] = {"api_visibility": "private", "show_progress": "hidden"}
    outputs = [client, key, chosen, chat.mode, chat.banner, seen, tab.items, tab.preview, tab.picker, tab.title]
    demo.load(restore, client, outputs, **quiet)
    chat.mode.input(save_mode, [key, chat.mode], chosen, queue=False, **quiet)
    for event in tab.changes:  # one at a time, in order, so the last edit is the one kept
        event.then(save_brief, [key, tab.items, tab.title], None, concurrency_limit=1, concurrency_id="save", **quiet)
    timer.tick(poll, [chosen, chat.mode, seen], [chat.banner, chat.mode, seen], queue=False, **quiet)


def _save(save: Any, *args: Any) -> None:
    try:
        save(*args)
    except sqlite3.Error as exc:
        log.warning("the session could not be saved: %s", exc)
        gr.Warning(NOT_SAVED, duration=6)


def _now() -> float:
    return time.monotonic()
