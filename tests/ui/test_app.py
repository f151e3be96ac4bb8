"""First start of the web chat (ui/app.py): the bundled corpus is indexed once, with bad files named."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from assistant.library import documents as library
from gfmd.errors import StartupError
from gfmd.settings import Settings
from tests.conftest import Samples
from tests.fakes import HashEmbeddings
from ui.app import ensure_corpus


def test_first_start_indexes_the_good_corpus_files_and_names_the_others(
    tmp_path: Path, fake_embeddings: HashEmbeddings, samples: Samples, caplog: pytest.LogCaptureFixture
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(samples.plain_txt, corpus / samples.plain_txt.name)
    shutil.copy(samples.corrupt_pdf, corpus / "broken.pdf")
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=corpus)
    with caplog.at_level(logging.WARNING, logger="ui.app"):
        ensure_corpus(settings)
    assert [d.source for d in library.list_documents(settings)] == [samples.plain_txt.name]
    assert any("not indexed: broken.pdf: " in r.getMessage() for r in caplog.records)
    ensure_corpus(settings)  # a second start finds documents and indexes nothing again
    assert len(library.list_documents(settings)) == 1


def test_first_start_on_an_empty_corpus_folder_starts_empty(tmp_path: Path, fake_embeddings: HashEmbeddings) -> None:
    (tmp_path / "corpus").mkdir()
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "corpus")
    ensure_corpus(settings)
    assert library.list_documents(settings) == []


def test_first_start_without_the_corpus_folder_is_a_startup_error(
    tmp_path: Path, fake_embeddings: HashEmbeddings
) -> None:
    settings = Settings(index_dir=tmp_path / "index", corpus_dir=tmp_path / "gone")
    with pytest.raises(StartupError, match="does not exist"):
        ensure_corpus(settings)
