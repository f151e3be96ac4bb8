"""The brief tab: pinned answers, reordered and edited, exported as Markdown and Word (gradio wiring only)."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from ui import brief
from ui.brief import BriefItem
from ui.chat import Conversation


@dataclass
class BriefTab:
    items: gr.State
    preview: gr.HTML
    picker: gr.Dropdown
    title: gr.Textbox
    changes: list[Any] = field(default_factory=list)  # the events that change the brief (saved after each)


def export_files(items: list[BriefItem], title: str, folder: Path | None = None) -> tuple[Path, Path]:
    """Write the brief as .md and .docx in a fresh temp folder (gradio serves them from there)."""
    folder = folder or Path(tempfile.mkdtemp(prefix="gfmd-brief-"))
    stem = re.sub(r"[^\w\-]+", "-", (title or brief.DEFAULT_TITLE).strip()).strip("-")[:60] or "brief"
    markdown = folder / f"{stem}.md"
    markdown.write_text(brief.to_markdown(items, title), encoding="utf-8")
    return markdown, brief.to_docx(items, folder / f"{stem}.docx", title)


def _items(value: Any) -> list[BriefItem]:
    return [item for item in value if isinstance(item, BriefItem)] if isinstance(value, list) else []


def view(items: list[BriefItem], title: str, selected: int | None = None) -> tuple[Any, Any, Any]:
    """(items, preview, picker) for a brief, the last item picked unless `selected` names one."""
    choices = brief.choices(items)
    if selected is None or not 0 <= selected < len(items):
        selected = len(items) - 1 if items else None
    return items, brief.preview_html(items, title), gr.update(choices=choices, value=selected)


@dataclass
class _Widgets:
    items: gr.State
    title: gr.Textbox
    preview: gr.HTML
    picker: gr.Dropdown
    up: gr.Button
    down: gr.Button
    delete: gr.Button
    heading: gr.Textbox
    text: gr.Textbox
    save: gr.Button
    export: gr.Button
    markdown_file: gr.File
    docx_file: gr.File


def _layout() -> _Widgets:
    items = gr.State([])
    with gr.Row():
        with gr.Column(scale=3):
            title = gr.Textbox(brief.DEFAULT_TITLE, label="Title of the brief", elem_id="gfmd-brief-title")
            preview = gr.HTML(brief.preview_html([]), elem_id="gfmd-brief")
        with gr.Column(scale=2):
            picker = gr.Dropdown([], label="Item", type="value", elem_id="gfmd-brief-item")
            with gr.Row():
                up = gr.Button("↑ Move up", size="sm", elem_id="gfmd-brief-up")
                down = gr.Button("↓ Move down", size="sm", elem_id="gfmd-brief-down")
                delete = gr.Button("Remove", size="sm", variant="stop", elem_id="gfmd-brief-remove")
            heading = gr.Textbox(label="Heading", elem_id="gfmd-brief-heading")
            text = gr.Textbox(label="Text ([n] markers keep their sources)", lines=6, elem_id="gfmd-brief-text")
            save = gr.Button("Save changes", size="sm", elem_id="gfmd-brief-save")
            export = gr.Button("Export Markdown and Word", variant="primary", elem_id="gfmd-brief-export")
            markdown_file = gr.File(label="Markdown", interactive=False, elem_id="gfmd-brief-md")
            docx_file = gr.File(label="Word", interactive=False, elem_id="gfmd-brief-docx")
    return _Widgets(
        items, title, preview, picker, up, down, delete, heading, text, save, export, markdown_file, docx_file
    )


# --- event handlers: the brief's items come in as a gr.State value, the picked item as the picker's value


def load_item(value: Any, index: Any) -> tuple[str, str]:
    current = _items(value)
    if not isinstance(index, int) or not 0 <= index < len(current):
        return "", ""
    return current[index].heading, current[index].text


def shift(delta: int) -> Any:
    def handler(value: Any, index: Any, title_: str) -> tuple[Any, Any, Any]:
        if not isinstance(index, int):
            return view(_items(value), title_)
        return view(brief.move(_items(value), index, delta), title_, index + delta)

    return handler


def drop(value: Any, index: Any, title_: str) -> tuple[Any, Any, Any]:
    current = _items(value)
    if isinstance(index, int):
        current = brief.remove(current, index)
    return view(current, title_, min(index, len(current) - 1) if isinstance(index, int) else None)


def keep(value: Any, index: Any, heading_: str, text_: str, title_: str) -> tuple[Any, Any, Any]:
    current = _items(value)
    if isinstance(index, int) and heading_.strip() and text_.strip():
        current = brief.edit(current, index, heading_, text_)
        gr.Info("Saved.", duration=3)
    return view(current, title_, index if isinstance(index, int) else None)


def export_brief(value: Any, title_: str) -> tuple[Any, Any]:
    current = _items(value)
    if not current:
        gr.Warning("The brief is empty: add answers from the chat first.")
        return None, None
    markdown, docx = export_files(current, title_)
    return str(markdown), str(docx)


def build_brief_tab() -> BriefTab:
    w = _layout()
    items, picker, title = w.items, w.picker, w.title
    shown = [items, w.preview, picker]
    picker.change(load_item, [items, picker], [w.heading, w.text], api_visibility="private", queue=False)
    changes = [
        w.up.click(shift(-1), [items, picker, title], shown, api_name="brief_up"),
        w.down.click(shift(1), [items, picker, title], shown, api_name="brief_down"),
        w.delete.click(drop, [items, picker, title], shown, api_name="brief_remove"),
        w.save.click(keep, [items, picker, w.heading, w.text, title], shown, api_name="brief_edit"),
        title.change(
            lambda value, title_: brief.preview_html(_items(value), title_), [items, title], w.preview,
            api_visibility="private",
        ),
    ]  # fmt: skip
    w.export.click(export_brief, [items, title], [w.markdown_file, w.docx_file], api_name="brief_export")
    return BriefTab(items, w.preview, picker, title, changes)


def wire_pin(pin: gr.HTML, conversation: gr.State, tab: BriefTab) -> None:
    """An answer's own "add to brief" button pins that answer (the "/pin" API, given no number, the selected one);
    a refusal is not pinned, and the reader is told why (a change of the brief)."""

    def pin_answer(conv: Any, value: Any, title_: str, evt: gr.EventData) -> tuple[Any, Any, Any]:
        current = _items(value)
        conv = conv if isinstance(conv, Conversation) else Conversation()
        data = evt._data if isinstance(evt._data, dict) else {}
        turn = data.get("turn")
        answer = conv.answers[turn] if isinstance(turn, int) and 0 <= turn < len(conv.answers) else conv.current()
        if answer is None:
            gr.Warning("Ask a question first: only answers with sources can be added to the brief.")
            return view(current, title_)
        reason = brief.why_not_pinnable(answer)
        if reason is not None:
            gr.Warning(reason)
            return view(current, title_)
        current = brief.add(current, BriefItem.from_answer(answer))
        gr.Info(f"Added to the brief ({len(current)} item{'s' if len(current) > 1 else ''}).", duration=4)
        return view(current, title_)

    outputs = [tab.items, tab.preview, tab.picker]
    tab.changes.append(pin.click(pin_answer, [conversation, tab.items, tab.title], outputs, api_name="pin"))
