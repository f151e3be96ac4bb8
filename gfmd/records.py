"""The typed records every layer shares: ingest writes them, the assistant returns them, UI and evals read them.

They depend on nothing but pydantic, so any module can import them without pulling in Chroma or a model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Literal, TypedDict

from pydantic import BaseModel, ConfigDict, Field

DocKind = Literal["pdf", "text", "markdown"]
# "furniture": mastheads, symbol and distribution lines (ingest.furniture): searched, never quoted as an answer.
BlockKind = Literal["body", "footnote", "furniture"]


def content_hash(data: bytes | str, length: int = 20) -> str:
    """Stable id from content: the same bytes always give the same id."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return hashlib.sha256(raw).hexdigest()[:length]


# Between the headings of a section path: "Objective 22 › Associated actions".
SECTION_SEP = " › "


def heading_of(section: str | None) -> str | None:
    """The innermost heading of a section path."""
    return section.rsplit(SECTION_SEP, 1)[-1] if section else section


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Document(Frozen):
    """One source file as indexed."""

    doc_id: str = Field(description="sha256 prefix of the file's bytes")
    source: str = Field(description="file name, the document's stable key in the index")
    title: str
    lang: str = Field(description="ISO 639-1 code of the main language, or 'und'")
    year: int | None = None
    kind: DocKind
    pages: int = Field(description="number of pages (page segments for text files)")
    paginated: bool = Field(description="False when page numbers were reconstructed, not read from the file")
    chunks: int = 0
    pipeline: int = Field(default=1, description="version of the ingest pipeline that made its passages")
    added_at: str = ""


class Block(Frozen):
    """A run of text read from one page, before chunking."""

    page: int = Field(ge=1)
    text: str
    kind: BlockKind = "body"
    section: str | None = None


class Chunk(Frozen):
    """A passage: the unit of retrieval. Carries everything a citation needs."""

    chunk_id: str
    doc_id: str
    source: str
    title: str
    lang: str
    year: int | None = None
    page: int
    section: str | None = None
    kind: BlockKind = "body"
    ordinal: int = Field(description="position of the chunk in its document")
    text: str

    def metadata(self) -> dict[str, str | int | float | bool]:
        """Flat metadata for the vector store (no None values: Chroma rejects them)."""
        meta: dict[str, str | int | float | bool] = {
            "doc_id": self.doc_id,
            "source": self.source,
            "title": self.title,
            "lang": self.lang,
            "year": self.year if self.year is not None else 0,
            "page": self.page,
            "section": self.section or "",
            "kind": self.kind,
            "ordinal": self.ordinal,
        }
        return meta

    @classmethod
    def from_store(cls, chunk_id: str, text: str, meta: dict[str, object]) -> Chunk:
        year = int(meta.get("year") or 0)  # type: ignore[call-overload]
        return cls(
            chunk_id=chunk_id,
            doc_id=str(meta["doc_id"]),
            source=str(meta["source"]),
            title=str(meta["title"]),
            lang=str(meta["lang"]),
            year=year or None,
            page=int(meta["page"]),  # type: ignore[call-overload]
            section=str(meta.get("section") or "") or None,
            kind=_block_kind(meta.get("kind")),
            ordinal=int(meta["ordinal"]),  # type: ignore[call-overload]
            text=text,
        )


def _block_kind(stored: object) -> BlockKind:
    """A stored passage's kind; "body" for records written before kinds were stored."""
    return "footnote" if stored == "footnote" else "furniture" if stored == "furniture" else "body"


class ScoredChunk(Frozen):
    """A retrieved passage with the scores each retrieval stage gave it."""

    chunk: Chunk
    score: float
    dense: float | None = None
    lexical: float | None = None


class Citation(Frozen):
    n: int = Field(description="the [n] marker used in the answer text")
    chunk_id: str
    doc_id: str
    title: str
    source: str
    page: int
    paginated: bool = Field(
        default=True, description="False when `page` is a page segment of a text file, not a printed page"
    )
    section: str | None = None
    lang: str
    quote: str = Field(
        description="verbatim span of the document (whitespace aside), cleaned of footnote markers and of a "
        "heading or footnote number it opened with (gfmd.text.quotes)"
    )
    text: str = Field(description="the whole passage the quote comes from")
    score: float


class AnswerSentence(Frozen):
    text: str
    citations: list[int]
    supported: bool | None = None
    support_score: float | None = None
    reason: str = ""
    gloss: str = Field(
        default="",
        description="for a sentence quoted in another language than the question's, one line in the question's "
        "language saying what it gives (assistant.answer.gloss); empty otherwise",
    )


class Filters(Frozen):
    """Restrict retrieval to some documents, a language or a year."""

    sources: tuple[str, ...] = ()
    lang: str | None = None
    year: int | None = None

    def is_empty(self) -> bool:
        return not self.sources and self.lang is None and self.year is None


class AskOptions(TypedDict, total=False):
    """How a question is asked, besides its text; every key is optional."""

    k: int | None  # passages to retrieve (default: GFMD_TOP_K)
    filters: Filters | None  # documents, language or year to keep to
    history: Sequence[str]  # the earlier questions of the conversation, oldest first
    mode: str | None  # "extractive" or "generative" (default: GFMD_ANSWER_MODE)


class Answer(Frozen):
    question: str
    answer: str
    refused: bool
    mode: Literal["extractive", "generative"]
    lang: str = Field(description="language of the question, used for the answer and refusals")
    citations: list[Citation] = []
    sentences: list[AnswerSentence] = []
    query: str = Field(default="", description="the self-contained query used for retrieval")
    notice: str = Field(default="", description="a note to the reader, e.g. a fallback to extractive mode")
    timings_ms: dict[str, float] = {}
    support: float | None = Field(
        default=None, description="the best quotable sentence's e5 similarity with the question, when one was scored"
    )
    support_threshold: float | None = Field(
        default=None, description="the similarity `support` had to reach (same-language or cross-lingual)"
    )


class StreamEvent(Frozen):
    """What `Assistant.stream` yields: text as it is produced, then the final, verified answer."""

    kind: Literal["token", "answer"]
    text: str = ""
    answer: Answer | None = None


ModelState = Literal["off", "preparing", "starting", "ready", "restarting", "disabled", "unavailable"]


class ModelStatus(Frozen):
    """Where the generative model stands, for the web chat's banner and `gfmd serve`'s log.

    `generative` is True only in state "ready": answers can be generated. In every other state generative
    questions get the verified extractive quotes with a notice, and `message` says why in plain words.
    """

    state: ModelState
    message: str = ""
    crashes: int = Field(default=0, description="model-worker crashes since the server started")

    @property
    def generative(self) -> bool:
        return self.state == "ready"
