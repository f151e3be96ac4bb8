from __future__ import annotations

from pathlib import Path

import pytest

from gfmd.settings import Settings, get_settings
from gfmd.settings_doc import settings_table


def test_each_test_has_its_own_index_dir(tmp_path: Path) -> None:
    assert get_settings().index_dir == tmp_path / "index"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GFMD_TOP_K", "7")
    monkeypatch.setenv("GFMD_EMBEDDING_BACKEND", "sentence-transformers")
    settings = Settings()
    assert settings.top_k == 7
    assert settings.embedding_backend == "sentence-transformers"


def test_invalid_values_are_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GFMD_EMBEDDING_BACKEND", "openai")  # no hosted provider can be configured
    with pytest.raises(ValueError, match="embedding_backend"):
        Settings()


def test_get_settings_is_cached() -> None:
    assert get_settings() is get_settings()


def test_defaults_run_offline_with_a_wide_hnsw_search() -> None:
    settings = Settings()
    assert settings.embedding_backend == "e5"
    assert settings.chroma_url is None
    assert settings.hnsw_ef_search >= 200
    assert settings.host == "127.0.0.1"


def test_settings_table_lists_every_field() -> None:
    table = settings_table()
    lines = table.splitlines()
    assert lines[0] == "| variable | default | description |"
    rows = lines[2:]
    assert len(rows) == len(Settings.model_fields)
    for row, (name, field) in zip(rows, Settings.model_fields.items(), strict=True):
        assert row.startswith(f"| `GFMD_{name.upper()}` |")
        assert str(field.description) in row
    # Paths inside the repository are shown relative to it, not as this machine's absolute path.
    assert "| `GFMD_CORPUS_DIR` | `corpus` |" in table
