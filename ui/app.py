"""The Gradio web chat: a thin layer over `ui.chat.stream_answer`. Gradio is imported only here."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from gfmd.offline import enforce_offline
from gfmd.settings import Settings

enforce_offline()
log = logging.getLogger(__name__)

EXAMPLES = [
    "How many international migrants were there in 2019?",
    "¿Qué propone el documento para financiar las alianzas en materia de migración?",
    "Combien le Fonds fiduciaire de KNOMAD a-t-il recueilli ?",
]
CSS = """
.gfmd-source {border-left: 3px solid #4a7; padding: 4px 10px; margin: 8px 0;}
.gfmd-source mark {background: #fde68a;}
"""


def ensure_corpus(settings: Settings) -> None:
    """Index the bundled corpus when the index holds no documents (first start)."""
    from gfmd.index import Index
    from ingest.pipeline import ingest_paths

    index = Index(settings)
    if index.store.documents():
        return
    log.warning("indexing the bundled corpus in %s (first start)", settings.corpus_dir)
    report = ingest_paths([settings.corpus_dir], index, progress=True)
    if not report.ok:
        raise RuntimeError(f"bundled corpus failed to index: {report.summary()['failed']}")


def build_app(settings: Settings) -> Any:
    import gradio as gr

    from assistant.api import get_assistant
    from ui.chat import stream_answer

    assistant = get_assistant(settings)

    def respond(message: str, history: list[dict[str, Any]]) -> Iterator[tuple[list[dict[str, Any]], str, str]]:
        history = [*history, {"role": "user", "content": message}]
        for update in stream_answer(assistant, message):
            yield [*history, {"role": "assistant", "content": update.markdown}], update.sources, ""

    with gr.Blocks(title="GFMD Partnerships Assistant", analytics_enabled=False) as demo:
        gr.Markdown("## GFMD Partnerships Assistant\nAnswers quoted from the indexed documents, with sources.")
        with gr.Row():
            with gr.Column(scale=3):
                chatbot = gr.Chatbot(height=480, label="Chat", sanitize_html=True, elem_id="gfmd-chat")
                box = gr.Textbox(
                    placeholder="Ask a question in English, Spanish or French…",
                    show_label=False,
                    max_length=settings.max_question_chars,
                    elem_id="gfmd-question",
                )
                gr.Examples(EXAMPLES, inputs=box)
            with gr.Column(scale=2):
                sources = gr.HTML(elem_id="gfmd-sources")
        box.submit(respond, [box, chatbot], [chatbot, sources, box], concurrency_limit=4, api_name="ask")
    return demo


def launch(settings: Settings) -> None:
    import gradio as gr

    ensure_corpus(settings)
    demo = build_app(settings)
    demo.queue(default_concurrency_limit=4, max_size=64)
    log.warning("serving on http://%s:%d", settings.host, settings.port)
    demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        show_error=False,
        css=CSS,
        theme=gr.themes.Soft(),
        footer_links=["api"],
    )
