"""docs/configuration.md's settings table is the one `gfmd config --markdown` generates from Settings."""

from __future__ import annotations

from pathlib import Path

from gfmd.settings import Settings
from gfmd.settings_doc import settings_table

CONFIGURATION_DOC = Path(__file__).resolve().parents[2] / "docs" / "configuration.md"


def test_configuration_doc_table_matches_settings() -> None:
    text = CONFIGURATION_DOC.read_text(encoding="utf-8")
    start = text.index("<!-- settings-table:start -->") + len("<!-- settings-table:start -->")
    end = text.index("<!-- settings-table:end -->")
    assert text[start:end].strip() == settings_table().strip(), (
        "run: gfmd config --markdown, paste into docs/configuration.md"
    )


def test_every_setting_is_described() -> None:
    for name, field in Settings.model_fields.items():
        assert field.description, f"Settings.{name} has no description"
