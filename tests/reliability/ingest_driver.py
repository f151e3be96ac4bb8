"""Run the `gfmd` CLI in a child process with the hashing fake as its model, reporting progress on stdout.

    python -m tests.reliability.ingest_driver ingest FILE...

Every passage batch written to Chroma prints `written <collection> <n>`; every embedded batch prints
`embedded <n>`. With GFMD_TEST_PAUSE_AFTER=written (or embedded) the process then sleeps GFMD_TEST_PAUSE_S
seconds, so a test can SIGKILL it at a known point in the middle of a document.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from chromadb.api.models.Collection import Collection

import gfmd.index
from tests.fakes import HashEmbeddings

PAUSE_AFTER = os.environ.get("GFMD_TEST_PAUSE_AFTER", "")
PAUSE_S = float(os.environ.get("GFMD_TEST_PAUSE_S", "0"))


def _report(event: str) -> None:
    print(event, flush=True)
    if PAUSE_AFTER and event.startswith(PAUSE_AFTER):
        time.sleep(PAUSE_S)


class ReportingEmbeddings(HashEmbeddings):
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = super().embed_documents(texts)
        _report(f"embedded {len(texts)}")
        return vectors


_upsert = Collection.upsert


def _reporting_upsert(self: Collection, *args: Any, **kwargs: Any) -> None:
    _upsert(self, *args, **kwargs)
    _report(f"written {self.name} {len(kwargs.get('ids') or args[0])}")


def main() -> None:
    fake = ReportingEmbeddings()
    gfmd.index.get_embeddings = lambda settings: fake  # type: ignore[assignment]
    Collection.upsert = _reporting_upsert  # type: ignore[method-assign]
    from ui.cli import app

    app(sys.argv[1:], prog_name="gfmd")


if __name__ == "__main__":
    main()
