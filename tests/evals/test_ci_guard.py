"""The CI guard: scripts/eval-guard and the CI subset it evaluates (evals/golden/ci_subset.txt).

A typo in a gate or a stale id would otherwise surface only at the end of a quarter-hour CI step.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from evals.golden import default_golden_files, load_golden, select
from evals.subset import load_subset
from evals.thresholds import parse

REPO = Path(__file__).resolve().parents[2]
GUARD = REPO / "scripts" / "eval-guard"
PUBLIC_DIR = REPO.parent / "shared" / "corpus" / "public"
SEED_DIR = REPO / "corpus"


def dev_items():  # type: ignore[no-untyped-def]
    return select(load_golden(default_golden_files("dev")), "dev")


def test_ci_subset_lists_dev_items_of_every_family() -> None:
    subset = load_subset("ci")
    items = subset.pick(dev_items())  # raises when an id is not a dev item
    assert 40 <= len(items) <= 60
    assert any(not i.answerable for i in items) and any(i.answerable for i in items)
    assert {i.lang for i in items} == {"en", "es", "fr"}
    families = {i.family for i in dev_items() if i.family}
    assert families <= {i.family for i in items}, "a family of the dev split has no item in the CI subset"


@pytest.mark.integration
def test_ci_subset_files_are_in_the_corpora() -> None:
    subset = load_subset("ci")
    items = subset.pick(dev_items())
    files = {p.name: p for folder in (SEED_DIR, PUBLIC_DIR) for p in folder.iterdir()}
    needed = subset.documents(items)
    assert [name for name in needed if name not in files] == []
    cited = {source for item in items for source in item.sources}
    assert subset.distractors and not cited & set(subset.distractors)  # a distractor is cited by no listed item


def test_eval_guard_is_strict_and_its_gates_parse() -> None:
    text = GUARD.read_text(encoding="utf-8")
    assert os.access(GUARD, os.X_OK) and text.startswith("#!/usr/bin/env bash")
    assert "set -euo pipefail" in text
    assert "--split test" not in text and text.count("--split dev") == 2  # the test split never gates
    assert "--subset ci" in text
    assert "OUT=${GFMD_EVAL_OUT:-var/" in text and text.count('--out "$OUT/') == 2  # indexes under var/, not ../shared
    gates = re.findall(r"--fail-under (\S+)", text)
    assert len(gates) >= 14
    for spec in gates:
        parse(spec)  # raises on an unknown metric or a malformed value
