"""One index per configuration per process, shared by the assistant (`assistant.api.get_assistant`) and the
document library, so a document added through the library is the one the next question finds, and the models
and the Chroma client load once."""

from __future__ import annotations

import threading

from gfmd.index import Index
from gfmd.settings import Settings

_indexes: dict[tuple[str, str, str], Index] = {}
_lock = threading.Lock()


def index_key(settings: Settings) -> tuple[str, str, str]:
    """What tells two indexes apart: the directory, the Chroma server and the collection."""
    return (str(settings.index_dir), settings.chroma_url or "", settings.collection)


def shared_index(settings: Settings) -> Index:
    """The index of `settings` in this process, opened on first use."""
    key = index_key(settings)
    with _lock:
        if key not in _indexes:
            _indexes[key] = Index(settings)
        return _indexes[key]
