"""The Gradio web chat: three tabs (chat, brief, library) over the assistant's public functions.

A reader's answer mode and brief are kept per browser (or per login) across reloads and restarts, and a banner
says when generative answers are not available (ui/session_wiring.py).

Gradio is imported only in `ui/`. The pure parts (chat turns, rendering, brief, uploads, feedback) live in
their own modules; the `*_tab` modules only wire them to components. The server binds to 127.0.0.1 unless
told otherwise, sends no analytics, asks for a login when GFMD_AUTH / GFMD_AUTH_FILE are set and answers a
limited number of questions at once, queueing the rest.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from gfmd.errors import StartupError
from gfmd.offline import enforce_offline
from gfmd.settings import Settings
from ui.assets import CSS

enforce_offline()
log = logging.getLogger(__name__)

TITLE = "GFMD Partnerships Assistant"
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def ensure_corpus(settings: Settings) -> None:
    """Index the bundled corpus when the index holds no documents (first start).

    Files that fail are named in a warning and the chat starts with the others; when the folder is missing, or
    none of its files can be indexed, it does not start (`StartupError`, one line from `gfmd serve`).
    """
    from assistant.library import documents as library

    if library.list_documents(settings):
        return
    corpus = Path(settings.corpus_dir)
    if not corpus.is_dir():
        raise StartupError(
            f"the corpus folder {corpus} does not exist: set GFMD_CORPUS_DIR to a folder of PDF, .txt or .md files"
        )
    log.warning("indexing the bundled corpus in %s (first start)", corpus)
    report = library.add_files([corpus], settings)
    failures = [f"{Path(r.path).name}: {r.reason}" for r in report.results if r.status == "failed"]
    if failures and len(failures) == len(report.results):
        raise StartupError(f"none of the files in {corpus} could be indexed ({'; '.join(failures)})")
    for failure in failures:
        log.warning("not indexed: %s", failure)
    if not report.results:
        log.warning(
            "%s holds no PDF, .txt or .md file: the chat starts empty (add documents in the Library tab)", corpus
        )


def build_app(settings: Settings, assistant: Any = None) -> Any:
    """The Blocks app. `assistant` defaults to the shared one for `settings` (tests pass their own)."""
    import gradio as gr

    from ui.brief_tab import build_brief_tab, wire_pin
    from ui.chat_tab import build_chat_tab
    from ui.context import AppContext
    from ui.library_tab import build_library_tab, wire_refresh
    from ui.session_wiring import wire_session

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
        wire_session(demo, ctx, chat, brief)
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
