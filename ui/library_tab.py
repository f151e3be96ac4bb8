"""The library tab: the indexed documents, uploads with progress and errors, removal (gradio wiring only)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.library.documents import SUPPORTED_TYPES
from ui.chat_tab import ChatTab, after_removal, refresh_filters
from ui.context import AppContext
from ui.library import COLUMNS, document_rows, ingest_uploads, outcomes_html, remove

CONFIRM_REMOVE = "(source, conv) => [(source && confirm('Remove ' + source + ' from the index?')) ? source : '', conv]"


@dataclass
class LibraryTab:
    table: gr.Dataframe
    remove_pick: gr.Dropdown


def _sources(ctx: AppContext) -> list[tuple[str, str]]:
    return [(f"{d.title} ({d.source})", d.source) for d in ctx.documents()]


def build_library_tab(ctx: AppContext, chat: ChatTab) -> LibraryTab:
    docs = ctx.documents()
    gr.Markdown(
        "The documents the assistant answers from. Add PDF, .txt or .md files (up to "
        f"{getattr(ctx.settings, 'max_upload_mb', 20)} MB and {getattr(ctx.settings, 'max_upload_pages', 500)} "
        "pages each); a file that cannot be read is reported and leaves the index unchanged.",
        elem_id="gfmd-library-intro",
    )
    table = gr.Dataframe(
        document_rows(docs), headers=COLUMNS, interactive=False, wrap=True, elem_id="gfmd-library",
        datatype=["str", "str", "str", "str", "number", "number", "str"],
        column_widths=["34%", "32%", "7%", "6%", "6%", "7%", "8%"],
    )  # fmt: skip
    with gr.Row():
        with gr.Column(scale=3):
            files = gr.File(
                file_count="multiple", file_types=list(SUPPORTED_TYPES), label="Upload documents",
                elem_id="gfmd-upload",
            )  # fmt: skip
            add = gr.Button("Add to library", variant="primary", elem_id="gfmd-upload-add")
            status = gr.HTML(outcomes_html([]), elem_id="gfmd-upload-status")
        with gr.Column(scale=2):
            remove_pick = gr.Dropdown(_sources(ctx), label="Remove a document", elem_id="gfmd-remove-pick")
            remove_button = gr.Button("Remove from the index", variant="stop", elem_id="gfmd-remove")
            removed = gr.HTML("", elem_id="gfmd-remove-status")

    def refreshed() -> tuple[Any, ...]:
        return (document_rows(ctx.documents()), gr.update(choices=_sources(ctx), value=None), *refresh_filters(ctx))

    def upload(paths: list[str] | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        if not paths:
            return (outcomes_html([]), *refreshed(), gr.skip())

        def report(fraction: float, name: str) -> None:
            progress(fraction, desc=f"Indexing {name}" if name != "done" else "Done")

        progress(0.0, desc="Checking the files")
        outcomes = ingest_uploads(paths, ctx.settings, index=ctx.index, progress=report)
        return (outcomes_html(outcomes), *refreshed(), None)

    def drop(source: str | None, conv: Any) -> tuple[Any, ...]:
        if not source:
            return ('<p class="gfmd-hint">Nothing removed.</p>', *refreshed(), *[gr.skip()] * len(chat.shown))
        message = remove(source, ctx.settings, index=ctx.index)
        return (message, *refreshed(), *after_removal(ctx, conv))  # the chat shows nothing of it any more

    views = [table, remove_pick, chat.docs, chat.lang, chat.year]
    add.click(
        upload, files, [status, *views, files], api_name="upload", concurrency_id="library", concurrency_limit=1,
        show_progress_on=status,
    )  # fmt: skip
    remove_button.click(
        drop, [remove_pick, chat.conversation], [removed, *views, *chat.shown], js=CONFIRM_REMOVE, api_name="remove",
        concurrency_id="library", concurrency_limit=1, show_progress_on=removed,
    )  # fmt: skip
    return LibraryTab(table, remove_pick)


def wire_refresh(demo: gr.Blocks, ctx: AppContext, chat: ChatTab, tab: LibraryTab) -> None:
    """On page load, show what the index holds now (another session or process may have changed it)."""

    def load() -> tuple[Any, ...]:
        return (document_rows(ctx.documents()), gr.update(choices=_sources(ctx)), *refresh_filters(ctx))

    outputs = [tab.table, tab.remove_pick, chat.docs, chat.lang, chat.year]
    demo.load(load, None, outputs, api_name="documents", show_progress="hidden")
