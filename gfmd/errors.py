"""The product's error types, free of any Chroma import so the CLI and the web chat can catch them cheaply."""

from __future__ import annotations


class IndexError_(Exception):
    """The index cannot be used as asked (wrong model, unreachable server, unwritable directory)."""


class ModelMismatchError(IndexError_):
    pass


class StartupError(Exception):
    """The web chat cannot start as configured (for example, none of the bundled corpus can be indexed)."""
