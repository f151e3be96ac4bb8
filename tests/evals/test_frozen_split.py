"""The test split is frozen: its files must hash to what the commit that created them recorded in SHA256SUMS.
A wrong item gets an entry in evals/golden/test/ERRATA.md, never an edit."""

from __future__ import annotations

import hashlib
from pathlib import Path

TEST_DIR = Path(__file__).resolve().parents[2] / "evals" / "golden" / "test"


def test_test_split_files_are_unchanged_since_they_were_frozen() -> None:
    recorded = dict(
        reversed(line.split(maxsplit=1)) for line in (TEST_DIR / "SHA256SUMS").read_text().splitlines() if line.strip()
    )
    assert set(recorded) == {p.name for p in TEST_DIR.glob("*.jsonl")}, "every test file is listed, and only those"
    for name, digest in recorded.items():
        actual = hashlib.sha256((TEST_DIR / name).read_bytes()).hexdigest()
        assert actual == digest, f"{name} changed after it was frozen: record the error in ERRATA.md instead"
