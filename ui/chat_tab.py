"""The chat tab: the model's status, filters, the chat window, the sources panel and the page viewer (gradio
wiring only).

A question shows at once with a progress cue (a step outside the queue), then its answer streams in its place.
The sources panel and the page viewer always belong to the selected answer: a new question, or selecting
another answer, clears the page an earlier one opened. On a phone the page reads chat, sources, then the
actions and filters (ui/assets.py).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import gradio as gr

from ui.assets import EXAMPLES, PIN_JS, SOURCES_JS, VIEWER_JS, WELCOME
from ui.chat import ANY, FEEDBACK_OPTIONS, MODES, Conversation, chat_turn, feedback_rating, make_filters, save_feedback
from ui.context import AppContext
from ui.library import filter_choices, open_citation
from ui.render import no_sources_html, sources_panel

_feedback_lock = threading.Lock()  # a reader's duplicated clicks must record one row


@dataclass
class ChatTab:
    conversation: gr.State
    docs: gr.Dropdown
    lang: gr.Dropdown
    year: gr.Dropdown
    pin: gr.HTML  # receives the number of the answer whose "add to brief" button was pressed (ui/brief_tab.py)
    mode: gr.Radio
    banner: gr.HTML  # the generative model's status (ui/session_wiring.py keeps it current)
    shown: list[Any]  # the sources panel, page viewer, page image and download (the library clears them)


def _conversation(value: Any) -> Conversation:
    return value if isinstance(value, Conversation) else Conversation()


@dataclass
class _Widgets:
    conversation: gr.State
    banner: gr.HTML
    docs: gr.Dropdown
    lang: gr.Dropdown
    year: gr.Dropdown
    mode: gr.Radio
    k: gr.Slider
    chatbot: gr.Chatbot
    box: gr.Textbox
    ask: gr.Button
    pin: gr.HTML
    new: gr.Button
    stop: gr.Button
    retry: gr.Button
    panel: gr.HTML
    image: gr.Image
    viewer: gr.HTML
    file: gr.File


def build_chat_tab(ctx: AppContext) -> ChatTab:
    w = _layout(ctx)
    _wire_asking(ctx, w)
    _wire_sources(ctx, w)
    _wire_feedback_and_reset(ctx, w)
    shown = [w.panel, w.viewer, w.image, w.file]
    return ChatTab(w.conversation, w.docs, w.lang, w.year, w.pin, w.mode, w.banner, shown)


def _layout(ctx: AppContext) -> _Widgets:
    """The tab's widgets, one statement each in the order they appear on the page (hence the length)."""
    settings = ctx.settings
    sources, langs, years = filter_choices(ctx.documents())
    conversation = gr.State(Conversation())
    banner = gr.HTML("", visible=False, js_on_load=None, elem_id="gfmd-model-status")
    with gr.Row(elem_id="gfmd-filters", equal_height=True):
        docs = gr.Dropdown(sources, multiselect=True, label="Documents", scale=4, elem_id="gfmd-docs")
        lang = gr.Dropdown([ANY, *langs], value=ANY, label="Language", scale=1, elem_id="gfmd-lang")
        year = gr.Dropdown([ANY, *years], value=ANY, label="Year", scale=1, elem_id="gfmd-year")
        mode = gr.Radio(list(MODES), value=ctx.default_mode, label="Answer mode", scale=2, elem_id="gfmd-mode")
        k = gr.Slider(1, 10, value=settings.top_k, step=1, label="Passages", scale=1, elem_id="gfmd-k")
    with gr.Row(elem_id="gfmd-main"):
        with gr.Column(scale=3, elem_id="gfmd-chat-column"):
            chatbot = gr.Chatbot(
                label="Chat",
                show_label=False,  # a floating label would cover the messages scrolled under it
                elem_id="gfmd-chat",
                height=520,
                sanitize_html=True,
                latex_delimiters=[],
                placeholder=WELCOME,
                examples=[{"text": q} for q in EXAMPLES],
                feedback_options=FEEDBACK_OPTIONS,
                buttons=["copy"],
            )
            with gr.Row(equal_height=True, elem_id="gfmd-ask-row"):
                box = gr.Textbox(
                    placeholder="Ask in English, Spanish or French…",
                    show_label=False,
                    max_length=settings.max_question_chars,
                    elem_id="gfmd-question",
                    scale=6,
                    container=False,
                )
                ask = gr.Button("Ask", variant="primary", scale=1, elem_id="gfmd-ask")
            with gr.Row(elem_id="gfmd-actions"):
                stop = gr.Button("Stop", size="sm", variant="stop", elem_id="gfmd-stop")
                retry = gr.Button("Retry", size="sm", elem_id="gfmd-retry")
                new = gr.Button("New conversation", size="sm", elem_id="gfmd-new")
            pin = gr.HTML("", js_on_load=PIN_JS, elem_id="gfmd-pin-hook")
        with gr.Column(scale=2, elem_id="gfmd-side"):
            panel = gr.HTML(no_sources_html(), js_on_load=SOURCES_JS, elem_id="gfmd-sources")
            image = gr.Image(
                type="pil", format="png", label="Page", visible=False, interactive=False,
                buttons=["fullscreen"], elem_id="gfmd-page-image",
            )  # fmt: skip
            viewer = gr.HTML("", js_on_load=VIEWER_JS, elem_id="gfmd-viewer")
            file = gr.File(label="Document", visible=False, interactive=False, elem_id="gfmd-document")
    return _Widgets(
        conversation,
        banner,
        docs,
        lang,
        year,
        mode,
        k,
        chatbot,
        box,
        ask,
        pin,
        new,
        stop,
        retry,
        panel,
        image,
        viewer,
        file,
    )


def _wire_asking(ctx: AppContext, w: _Widgets) -> None:
    """A question from the box, the Ask button, an example or Retry shows at once with a progress cue (outside
    the queue, so a busy server cannot delay it), then its answer streams in the cue's place (the "/ask" API)."""
    settings = ctx.settings
    hidden = gr.update(value=None, visible=False)

    def show_question(question: str, conv: Any) -> tuple[Any, ...]:
        conv = _conversation(conv)
        messages = conv.begin(question, settings.max_question_chars)
        if messages is None:  # nothing asked, or an answer is still running: the box keeps its text
            return gr.skip(), gr.skip(), conv, gr.skip(), gr.skip(), gr.skip(), gr.skip()
        return messages, no_sources_html(), conv, "", "", hidden, hidden

    def respond(question: str, conv: Any, docs_: list[str], lang_: str, year_: str, mode_: str, k_: float) -> Iterator:
        conv = _conversation(conv)
        question = conv.waiting() or question  # the box was emptied when the question was shown
        filters = make_filters(docs_, lang_, year_)
        shown = False
        for messages, panel_html in chat_turn(
            ctx.assistant, conv, question, filters=filters, mode=mode_ or None, k=int(k_) if k_ else None,
            max_chars=settings.max_question_chars,
        ):  # fmt: skip
            yield messages, panel_html or no_sources_html(), conv, "" if not shown else gr.skip()
            shown = True
        if not shown:
            yield gr.skip(), gr.skip(), conv, gr.skip()

    def take_example(evt: gr.SelectData) -> str:
        value = evt.value if isinstance(evt.value, dict) else {}
        return str(value.get("text", ""))[: settings.max_question_chars]

    def retry(conv: Any) -> tuple[Any, ...]:
        conv = _conversation(conv)
        question = conv.take_last()
        if question is None:
            return gr.skip(), gr.skip(), conv, ""
        return conv.messages, no_sources_html(), conv, question

    def stop(conv: Any) -> tuple[Any, ...]:
        conv = _conversation(conv)
        if not conv.stop():
            return gr.skip(), gr.skip(), conv
        return conv.messages, sources_panel(conv.current(), conv.selected or 0), conv

    ask_inputs = [w.box, w.conversation, w.docs, w.lang, w.year, w.mode, w.k]
    ask_outputs = [w.chatbot, w.panel, w.conversation, w.box]
    cue = ([w.box, w.conversation], [*ask_outputs, w.viewer, w.image, w.file])
    quick: dict[str, Any] = {"api_visibility": "private", "queue": False, "show_progress": "hidden"}
    private: dict[str, Any] = {"api_visibility": "private", "concurrency_id": "ask"}
    answering = [
        w.box.submit(show_question, *cue, **quick).then(
            respond, ask_inputs, ask_outputs, api_name="ask", concurrency_limit=ctx.concurrency, concurrency_id="ask"
        ),
        w.ask.click(show_question, *cue, **quick).then(respond, ask_inputs, ask_outputs, **private),
        w.chatbot.example_select(take_example, None, w.box, **quick)
        .then(show_question, *cue, **quick)
        .then(respond, ask_inputs, ask_outputs, **private),
        w.retry.click(retry, w.conversation, ask_outputs, **quick)
        .then(show_question, *cue, **quick)
        .then(respond, ask_inputs, ask_outputs, **private),
    ]
    # Stop cancels the running answer (and, in generative mode, the model's stream) and keeps none of its text.
    w.stop.click(
        stop, w.conversation, [w.chatbot, w.panel, w.conversation], cancels=answering, api_visibility="private",
        queue=False,
    )  # fmt: skip


def _wire_sources(ctx: AppContext, w: _Widgets) -> None:
    """A citation opens its page in the viewer; selecting an earlier answer shows its sources."""
    settings = ctx.settings

    def open_source(conv: Any, evt: gr.EventData) -> tuple[Any, ...]:
        conv = _conversation(conv)
        data = evt._data if isinstance(evt._data, dict) else {}
        turn, n = data.get("turn"), data.get("n")
        changed = isinstance(turn, int) and 0 <= turn < len(conv.answers) and turn != conv.selected
        if changed:
            conv.selected = turn
        answer = conv.current()
        view = open_citation(answer, n, settings, ctx.index) if isinstance(n, int) else None
        panel_value = sources_panel(answer, conv.selected or 0, show_question=True) if changed else gr.skip()
        if view is None:
            return panel_value, "", gr.update(visible=False), gr.update(visible=False), conv
        picture = _image(view.image)
        return (
            panel_value,
            view.html,
            gr.update(value=picture, visible=picture is not None, label=view.label),
            gr.update(value=str(view.file) if view.file else None, visible=view.file is not None),
            conv,
        )

    def select_message(conv: Any, evt: gr.SelectData) -> tuple[Any, ...]:
        conv = _conversation(conv)
        index = evt.index if isinstance(evt.index, int) else evt.index[0]
        answer = conv.answer_at_message(index)
        if answer is None or index // 2 == conv.selected:
            return gr.skip(), gr.skip(), gr.skip(), gr.skip(), conv
        conv.selected = index // 2
        hidden = gr.update(value=None, visible=False)  # the page another answer opened is not this one's
        return sources_panel(answer, conv.selected, show_question=True), "", hidden, hidden, conv

    opened = [w.panel, w.viewer, w.image, w.file, w.conversation]
    w.panel.click(open_source, w.conversation, opened, api_visibility="private")
    w.chatbot.select(select_message, w.conversation, opened, api_visibility="private")


def _wire_feedback_and_reset(ctx: AppContext, w: _Widgets) -> None:
    """Ratings of answers are stored once per change; "New conversation" (or clearing the chat) starts afresh."""

    def on_feedback(conv: Any, data: gr.LikeData, request: gr.Request) -> None:
        index = data.index if isinstance(data.index, int) else data.index[0]
        rating = feedback_rating(data.liked)
        with _feedback_lock:
            answer = _conversation(conv).rate(index, rating)
        if answer is None or rating is None:
            return
        save_feedback(ctx.feedback, answer, rating, session=getattr(request, "session_hash", "") or "")
        gr.Info("Thank you: your feedback was recorded.", duration=4)

    def new_conversation() -> tuple[Any, ...]:
        hidden = gr.update(value=None, visible=False)
        return [], no_sources_html(), Conversation(), "", hidden, hidden

    w.chatbot.like(on_feedback, w.conversation, None, api_visibility="private")
    reset = [w.chatbot, w.panel, w.conversation, w.viewer, w.image, w.file]
    w.new.click(new_conversation, None, reset, api_name="new_conversation")
    w.chatbot.clear(new_conversation, None, reset, api_visibility="private")


def _image(png: bytes | None) -> Any:
    if png is None:
        return None
    from PIL import Image

    return Image.open(io.BytesIO(png))


def after_removal(ctx: AppContext, conv: Any) -> tuple[Any, ...]:
    """The sources panel, page viewer, page image and download once a document left the library: the selected
    answer's cards of removed documents say so, and no page stays open."""
    conv = _conversation(conv)
    answer = conv.current()
    if answer is None:
        panel: Any = gr.skip()
    else:
        indexed = {d.source for d in ctx.documents()}
        removed = frozenset(c.source for c in answer.citations if c.source not in indexed)
        panel = sources_panel(answer, conv.selected or 0, show_question=True, removed=removed)
    hidden = gr.update(value=None, visible=False)
    return panel, "", hidden, hidden


def refresh_filters(ctx: AppContext) -> tuple[Any, Any, Any]:
    """New choices for the chat's filters after the library changed."""
    sources, langs, years = filter_choices(ctx.documents())
    return gr.update(choices=sources), gr.update(choices=[ANY, *langs]), gr.update(choices=[ANY, *years])
