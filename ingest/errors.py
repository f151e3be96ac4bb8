"""The one exception type of ingestion: it always names the file and says what is wrong with it."""

from __future__ import annotations

from pathlib import Path


class IngestError(Exception):
    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason
