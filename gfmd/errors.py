"""The index's error types, free of any Chroma import so the CLI and the web chat can catch them cheaply."""

from __future__ import annotations


class IndexError_(Exception):
    """The index cannot be used as asked (wrong model, unreachable server, unwritable directory)."""


class ModelMismatchError(IndexError_):
    pass
