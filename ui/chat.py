"""The chat as pure generators over the assistant: no gradio here, so every step is testable on its own.

`stream_answer` turns `Assistant.stream` events into chat updates; `chat_turn` is one question-and-answer
turn of a conversation (messages for the chat window, the sources panel, the answers kept for feedback and
the brief). Earlier questions are passed as history, so a follow-up ("and in 2020?") is read in context.
`Conversation.begin` shows a question with a progress cue at once, before the (queued) answer starts; each
finished answer ends with its own "add to brief" button.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, Unpack

from assistant.library.feedback import FeedbackStore
from gfmd.errors import IndexUnavailableError
from gfmd.records import Answer, AskOptions, Filters, StreamEvent
from gfmd.text.languages import detect_language
from ui.render import (
    answer_to_markdown,
    escape_markdown,
    no_sources_html,
    pin_button,
    sources_html,
    sources_panel,
    text_to_markdown,
)

log = logging.getLogger(__name__)

ERROR_MESSAGE = "Sorry, something went wrong while answering. Please try again, or rephrase the question."
INDEX_UNAVAILABLE = "Index unavailable: {reason}. Please try again in a moment."
MODES = ("extractive", "generative")
ANY = "Any"
FEEDBACK_OPTIONS = ("Like", "Dislike", "The evidence is wrong")
_RATING = {"Like": "up", "Dislike": "down", "The evidence is wrong": "wrong_evidence"}
# What a stopped answer leaves: nothing of it, since text is shown as verified only once the answer is complete.
STOPPED = {
    "en": "Stopped. Nothing of this answer was kept: it had not been verified yet. Ask again or retry.",
    "es": "Detenida. No se conservó nada de esta respuesta: aún no estaba verificada. Pregunte de nuevo o reintente.",
    "fr": "Arrêtée. Rien de cette réponse n'a été gardé : elle n'était pas encore vérifiée. Reposez la question ou "
    "réessayez.",
}


# Shown in the answer's place from the moment a question is sent until the first words of its answer arrive.
PROGRESS = {
    "en": "Searching the documents…",
    "es": "Buscando en los documentos…",
    "fr": "Recherche dans les documents…",
}


class Streams(Protocol):
    """What the chat needs from the assistant (the real `Assistant`, or a fake in tests)."""

    def stream(self, question: str, **options: Unpack[AskOptions]) -> Iterator[StreamEvent]: ...


@dataclass
class ChatUpdate:
    markdown: str
    sources: str
    answer: Answer | None = None
    done: bool = False
    error: str = ""  # the plain-text message shown when no answer could be given


@dataclass
class Conversation:
    """One reader's conversation: the chat window's messages and the answers behind them.

    Each turn appends a user message and an assistant message, so the answer of the assistant message at
    index `i` is `answers[i // 2]`.
    """

    messages: list[dict[str, Any]] = field(default_factory=list)
    answers: list[Answer] = field(default_factory=list)
    selected: int | None = None
    ratings: dict[int, str] = field(default_factory=dict)
    # The turn being answered: its question and the user message shown for it (None when no answer is running).
    pending: tuple[str, dict[str, Any]] | None = None
    answering: bool = False  # whether an answer has started on the pending turn (it is not only shown)

    def begin(self, question: str, max_chars: int = 2000) -> list[dict[str, Any]] | None:
        """Mark `question` as the running turn and return the chat's messages with it and a progress cue in its
        language; None for an empty question or while another answer runs."""
        question = (question or "").strip()
        if not question or self.answering:
            return None
        shown = question if len(question) <= max_chars else question[:max_chars] + "…"
        self.pending = (question, {"role": "user", "content": escape_markdown(shown)})
        return self.showing_progress()

    def showing_progress(self) -> list[dict[str, Any]]:
        if self.pending is None:
            return self.messages
        question, user = self.pending
        cue = PROGRESS.get(detect_language(question, default="en"), PROGRESS["en"])
        return [*self.messages, user, {"role": "assistant", "content": f"<em>{escape_markdown(cue)}</em>"}]

    def waiting(self) -> str | None:
        """The question shown by `begin` whose answer has not started yet, if any."""
        return self.pending[0] if self.pending is not None and not self.answering else None

    def stop(self) -> bool:
        """End the running turn as stopped, keeping none of its text; False when no answer was running."""
        if self.pending is None:
            return False
        (question, user), self.pending, self.answering = self.pending, None, False
        lang = detect_language(question, default="en")
        text = STOPPED.get(lang, STOPPED["en"])
        self.messages = [*self.messages, user, {"role": "assistant", "content": text}]
        self.answers.append(Answer(question=question, answer=text, refused=True, mode="extractive", lang=lang))
        self.selected = len(self.answers) - 1
        return True

    def take_last(self) -> str | None:
        """Remove the last finished turn and return its question, to ask it again; None when there is none or an
        answer is still running."""
        if self.pending is not None or not self.answers:
            return None
        answer = self.answers.pop()
        self.messages = self.messages[:-2]
        self.ratings.pop(len(self.answers), None)
        self.selected = len(self.answers) - 1 if self.answers else None
        return answer.question

    def history(self) -> list[str]:
        return [a.question for a in self.answers]

    def answer_at_message(self, index: int) -> Answer | None:
        if index < 0 or index % 2 == 0 or index // 2 >= len(self.answers):
            return None
        return self.answers[index // 2]

    def rate(self, message_index: int, rating: str | None) -> Answer | None:
        """The answer to store `rating` for; None when there is none or it already has this rating.

        A reader's repeated click (or a duplicated browser event) records one row; a changed rating another.
        """
        answer = self.answer_at_message(message_index)
        turn = message_index // 2
        if answer is None or rating is None:
            self.ratings.pop(turn, None)
            return None
        if self.ratings.get(turn) == rating:
            return None
        self.ratings[turn] = rating
        return answer

    def current(self) -> Answer | None:
        if self.selected is None or not 0 <= self.selected < len(self.answers):
            return None
        return self.answers[self.selected]


def make_filters(sources: Sequence[str] | None, lang: str | None, year: str | int | None) -> Filters | None:
    """Filters from the UI's controls ('Any' or empty means no restriction)."""
    lang_value = None if lang in (None, "", ANY) else str(lang)
    year_value = None if year in (None, "", ANY) else int(year)
    filters = Filters(sources=tuple(sources or ()), lang=lang_value, year=year_value)
    return None if filters.is_empty() else filters


def stream_answer(
    assistant: Streams,
    question: str,
    filters: Filters | None = None,
    history: Sequence[str] = (),
    mode: str | None = None,
    k: int | None = None,
    turn: int | None = None,
) -> Iterator[ChatUpdate]:
    """Yield the answer as it becomes visible: text as it streams, then the sources when it is complete.

    `turn` numbers the answer in its conversation, so its [n] markers open its own sources.
    """
    text = ""
    try:
        for event in assistant.stream(question, k=k, filters=filters, history=list(history), mode=mode):
            if event.kind == "token":
                text += event.text
                yield ChatUpdate(text_to_markdown(text.rstrip(), turn), "")
            elif event.answer is not None:
                answer = event.answer
                yield ChatUpdate(answer_to_markdown(answer, turn), sources_html(answer), answer, done=True)
                return
    except IndexUnavailableError as exc:  # the Chroma server is down or hung, the index directory unreadable: say which
        log.warning("answering %r failed: index unavailable: %s", question[:200], exc)
        message = INDEX_UNAVAILABLE.format(reason=str(exc).rstrip("."))
        yield ChatUpdate(escape_markdown(message), no_sources_html(), None, done=True, error=message)
        return
    except Exception:
        log.exception("answering %r failed", question[:200])
    yield ChatUpdate(escape_markdown(ERROR_MESSAGE), no_sources_html(), None, done=True, error=ERROR_MESSAGE)


def chat_turn(
    assistant: Streams,
    conversation: Conversation,
    question: str,
    *,
    filters: Filters | None = None,
    mode: str | None = None,
    k: int | None = None,
    max_chars: int = 2000,
) -> Iterator[tuple[list[dict[str, Any]], str]]:
    """One turn: yields (chat messages, sources panel) as the answer streams; records the answer at the end.

    The first yield shows the question and a progress cue (already shown when `Conversation.begin` ran first).
    """
    question = (question or "").strip()
    if conversation.waiting() != question and conversation.begin(question, max_chars) is None:
        return
    assert conversation.pending is not None
    conversation.answering = True
    question, user = conversation.pending
    before = [*conversation.messages, user]
    yield conversation.showing_progress(), ""
    history = conversation.history()
    last = ChatUpdate("", "")
    turn = len(conversation.answers)
    for update in stream_answer(assistant, question, filters=filters, history=history, mode=mode, k=k, turn=turn):
        last = update
        if conversation.pending is None:
            return  # stopped by the reader: `Conversation.stop` recorded the turn
        if not update.done:
            yield [*before, {"role": "assistant", "content": update.markdown}], ""
    if conversation.pending is None:
        return
    conversation.pending, conversation.answering = None, False
    answer = last.answer or _failed(question, last.error or ERROR_MESSAGE)
    shown = last.markdown + (pin_button(turn, answer.lang, answer.refused) if last.answer is not None else "")
    conversation.messages = [*before, {"role": "assistant", "content": shown}]
    conversation.answers.append(answer)
    conversation.selected = turn
    yield conversation.messages, sources_panel(last.answer, turn)


def _failed(question: str, message: str = ERROR_MESSAGE) -> Answer:
    return Answer(question=question, answer=message, refused=True, mode="extractive", lang="en")


def feedback_rating(liked: bool | str | None) -> str | None:
    """The stored rating for a chatbot feedback event (None when the reader took a rating back)."""
    if liked is True:
        return "up"
    if liked is False:
        return "down"
    return _RATING.get(str(liked)) if liked else None


def save_feedback(store: FeedbackStore, answer: Answer, rating: str, session: str = "") -> int:
    citations = [c.model_dump(include={"n", "title", "source", "page", "quote", "chunk_id"}) for c in answer.citations]
    return store.record(
        rating,
        answer.question,
        answer.answer,
        citations,
        refused=answer.refused,
        mode=answer.mode,
        lang=answer.lang,
        session=session,
    )
