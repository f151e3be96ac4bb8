"""What every tab of the web chat shares: settings, the assistant, the feedback and session stores, the UI limits."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import ClassVar

from assistant.library import documents as library
from assistant.library.feedback import FeedbackStore, feedback_path
from gfmd.errors import IndexUnavailableError
from gfmd.index import Index
from gfmd.records import Document, ModelStatus
from gfmd.settings import Settings
from ui.chat import Streams
from ui.model_status import configured_generative, default_mode, read_status
from ui.sessions import SessionStore, sessions_path

DEFAULT_CONCURRENCY = 4  # answers computed at once; more wait in the queue, so a burst cannot starve the CPU
DEFAULT_QUEUE_SIZE = 64
log = logging.getLogger(__name__)


@dataclass
class AppContext:
    settings: Settings
    assistant: Streams  # `assistant.api.Assistant`, or a fake in tests (with or without an `index`)
    feedback: FeedbackStore
    _last_documents: list[Document] = field(default_factory=list, repr=False)
    _failed_at: float = field(default=float("-inf"), repr=False)
    # After the index failed to answer, the documents last seen are shown for this long without asking it again: a
    # page load asks for them three times (library table, removal list, chat filters), and a hung Chroma server
    # would make each ask wait the whole GFMD_CHROMA_TIMEOUT.
    unavailable_grace_s: ClassVar[float] = 5.0
    sessions: SessionStore = field(init=False, repr=False)  # readers' modes and briefs, in the index dir

    def __post_init__(self) -> None:
        self.sessions = SessionStore(sessions_path(self.settings.index_dir))

    @classmethod
    def create(cls, settings: Settings, assistant: Streams | None = None) -> AppContext:
        if assistant is None:
            from assistant.api import get_assistant

            assistant = get_assistant(settings)
        return cls(settings, assistant, FeedbackStore(feedback_path(settings.index_dir)))

    @property
    def index(self) -> Index | None:
        """The assistant's index; None for a fake without one (the library then uses the shared index)."""
        index: Index | None = getattr(self.assistant, "index", None)
        return index

    def documents(self) -> list[Document]:
        """The indexed documents; while the index is unavailable (Chroma server down, directory unreadable), the
        ones last seen, so a page load or the library tab still renders (asking a question says it is down)."""
        if time.monotonic() - self._failed_at < self.unavailable_grace_s:
            return list(self._last_documents)
        try:
            docs = library.list_documents(self.settings, index=self.index)
        except IndexUnavailableError as exc:
            self._failed_at = time.monotonic()  # after the failure: a request that timed out took its whole limit
            log.warning("index unavailable, showing the documents last seen: %s", exc)
            return list(self._last_documents)
        self._last_documents = docs
        return docs

    @property
    def concurrency(self) -> int:
        return int(getattr(self.settings, "ui_concurrency", DEFAULT_CONCURRENCY))

    @property
    def queue_size(self) -> int:
        return int(getattr(self.settings, "ui_queue_size", DEFAULT_QUEUE_SIZE))

    def model_status(self) -> ModelStatus | None:
        return read_status(self.assistant, self.settings)

    @property
    def generative_configured(self) -> bool:
        return configured_generative(self.settings)

    @property
    def default_mode(self) -> str:
        """The answer mode of a reader who has not chosen one: generative only once the model is ready."""
        return default_mode(self.model_status(), self.generative_configured)
