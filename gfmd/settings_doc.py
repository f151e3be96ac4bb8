"""docs/configuration.md's settings table, generated from `Settings` so the two cannot drift."""

from __future__ import annotations

import contextlib

from gfmd.settings import REPO_ROOT, Settings


def settings_table() -> str:
    rows = ["| variable | default | description |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        default = field.default
        if hasattr(default, "relative_to"):
            with contextlib.suppress(ValueError):
                default = default.relative_to(REPO_ROOT)
        shown = "" if default is None else str(default)
        rows.append(f"| `GFMD_{name.upper()}` | `{shown}` | {field.description} |")
    return "\n".join(rows)
