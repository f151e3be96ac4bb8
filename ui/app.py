"""The Gradio web chat: three tabs (chat, brief, library) over the assistant's public functions.

Gradio is imported only in `ui/`. The pure parts (chat turns, rendering, brief, uploads, feedback) live in
their own modules; the `*_tab` modules only wire them to components. The server binds to 127.0.0.1 unless
told otherwise, sends no analytics, asks for a login when GFMD_AUTH / GFMD_AUTH_FILE are set and answers a
limited number of questions at once, queueing the rest.
"""

from __future__ import annotations

import logging
from typing import Any

from gfmd.offline import enforce_offline
from gfmd.settings import Settings
from ui.assets import CSS

enforce_offline()
log = logging.getLogger(__name__)

TITLE = "GFMD Partnerships Assistant"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def ensure_corpus(settings: Settings) -> None:
    """Index the bundled corpus when the index holds no documents (first start)."""
    from assistant import library

    if library.list_documents(settings):
        return
    log.warning("indexing the bundled corpus in %s (first start)", settings.corpus_dir)
    report = library.add_files([settings.corpus_dir], settings)
    if not report.ok:
        raise RuntimeError(f"bundled corpus failed to index: {report.summary()['failed']}")


def build_app(settings: Settings, assistant: Any = None) -> Any:
    """The Blocks app. `assistant` defaults to the shared one for `settings` (tests pass their own)."""
    import gradio as gr

    from ui.brief_tab import build_brief_tab, wire_pin
    from ui.chat_tab import build_chat_tab
    from ui.context import AppContext
    from ui.library_tab import build_library_tab, wire_refresh

    ctx = AppContext.create(settings, assistant)
    with gr.Blocks(title=TITLE, analytics_enabled=False, fill_width=True) as demo:
        gr.Markdown(
            f"# {TITLE}\nAnswers quoted from the indexed migration documents, each with its sources.",
            elem_id="gfmd-header",
        )
        with gr.Tabs():
            with gr.Tab("Chat", id="chat", elem_id="gfmd-tab-chat"):
                chat = build_chat_tab(ctx)
            with gr.Tab("Brief", id="brief", elem_id="gfmd-tab-brief"):
                brief = build_brief_tab()
            with gr.Tab("Library", id="library", elem_id="gfmd-tab-library"):
                library = build_library_tab(ctx, chat)
        wire_pin(chat.pin, chat.conversation, brief)
        wire_refresh(demo, ctx, chat, library)
    demo.queue(default_concurrency_limit=ctx.concurrency, max_size=ctx.queue_size)
    return demo


def launch_options(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for `Blocks.launch`: address, login, upload cap, look; no analytics, no share link."""
    import gradio as gr

    from ui.auth import load_credentials, make_authenticator
    from ui.uploads import upload_limits

    credentials = load_credentials(settings)
    if credentials is None and settings.host not in LOOPBACK:
        log.warning("serving on %s without a login: set GFMD_AUTH or GFMD_AUTH_FILE", settings.host)
    max_bytes, _ = upload_limits(settings)
    return {
        "server_name": settings.host,
        "server_port": settings.port,
        "auth": make_authenticator(credentials) if credentials else None,
        "auth_message": f"{TITLE}: sign in" if credentials else None,
        "share": False,
        "show_error": False,
        "max_file_size": max_bytes,
        "css": CSS,
        "theme": gr.themes.Soft(),
        "footer_links": ["api"],
    }


def launch(settings: Settings, *, prevent_thread_lock: bool = False, assistant: Any = None, **overrides: Any) -> Any:
    """Start the web chat (`gfmd serve`); returns the running app when `prevent_thread_lock` is set."""
    if assistant is None:
        ensure_corpus(settings)
    demo = build_app(settings, assistant)
    options = {**launch_options(settings), **overrides}
    log.warning("serving on http://%s:%s", options["server_name"], options["server_port"])
    demo.launch(prevent_thread_lock=prevent_thread_lock, **options)
    return demo
