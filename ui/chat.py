"""The chat as a pure generator over the assistant: no gradio here, so it is testable on its own."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assistant.api import Assistant
from gfmd.records import Answer, Filters
from ui.render import answer_to_markdown, sources_html


@dataclass
class ChatUpdate:
    markdown: str
    sources: str
    answer: Answer | None = None
    done: bool = False


def stream_answer(assistant: Assistant, question: str, filters: Filters | None = None) -> Iterator[ChatUpdate]:
    """Yield the answer as it becomes visible: word by word, then the sources when it is complete."""
    answer = assistant.ask(question, filters=filters)
    full = answer_to_markdown(answer)
    words = full.split(" ")
    step = max(1, len(words) // 20)
    for end in range(step, len(words), step):
        yield ChatUpdate(" ".join(words[:end]), "")
    yield ChatUpdate(full, sources_html(answer), answer, done=True)
