"""The product's error types, free of any Chroma import so the CLI and the web chat can catch them cheaply."""

from __future__ import annotations


class IndexUnavailableError(Exception):
    """The index cannot be used as asked (wrong model, unreachable server, unwritable directory)."""


class ModelMismatchError(IndexUnavailableError):
    """The index was built with another embedding model than the one this process loaded."""


class StartupError(Exception):
    """The web chat cannot start as configured (for example, none of the bundled corpus can be indexed)."""
