"""The golden evaluation set (evals/golden/*.jsonl) is well formed and every gold quote is really in its source.

For each item: the schema, unique ids, the minimum counts, and, for answerable items, that every gold quote
appears (whitespace-normalised) in the text of its page as the product's loader (`ingest.loaders.load_file`)
reads it, and that every fact group has an alternative inside the gold quotes.

The public documents live in ../shared/corpus/public (not part of the repository), hence the marker.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ingest.loaders import load_file

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "evals" / "golden"
SEED_DIR = REPO / "corpus"
PUBLIC_DIR = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "public"

FILES = {"seed": "seed.jsonl", "public": "public.jsonl", "unanswerable": "unanswerable.jsonl"}
ID_PREFIX = {"seed": "seed-", "public": "pub-", "unanswerable": "neg-"}
LANGS = {"en", "es", "fr"}
CATEGORIES = {"figure", "name", "list", "date", "definition", "why-how"}
FIELDS = {"id", "question", "lang", "answerable", "category", "facts", "gold"}
MIN_COUNTS = {"seed": 60, "public": 40, "unanswerable": 20}
MIN_PUBLIC_FILES = 15
QUOTE_LEN = (20, 300)


def norm(text: str) -> str:
    return " ".join(text.split())


def _read(kind: str) -> list[dict]:
    path = GOLDEN / FILES[kind]
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            row["_where"] = f"{path.name}:{number}"
            rows.append(row)
    return rows


ITEMS = {kind: _read(kind) for kind in FILES}
ALL = [(kind, item) for kind, rows in ITEMS.items() for item in rows]
ANSWERABLE = [(kind, item) for kind, item in ALL if item.get("answerable") is True]


def _source_path(kind: str, source: str) -> Path:
    return (SEED_DIR if kind == "seed" else PUBLIC_DIR) / source


@cache
def page_texts(path: Path) -> dict[int, str]:
    """Page number -> whitespace-normalised text of the blocks the product's loader puts on that page."""
    pages: dict[int, list[str]] = {}
    for block in load_file(path).blocks:
        pages.setdefault(block.page, []).append(block.text)
    return {page: norm("\n".join(texts)) for page, texts in pages.items()}


# ---------------------------------------------------------------- schema


@pytest.mark.parametrize(("kind", "item"), ALL, ids=[item.get("id", "?") for _, item in ALL])
def test_schema(kind: str, item: dict) -> None:
    where = item["_where"]
    keys = set(item) - {"_where"}
    assert keys == FIELDS, f"{where}: fields {sorted(keys)} != {sorted(FIELDS)}"
    assert isinstance(item["id"], str) and item["id"].startswith(ID_PREFIX[kind]), f"{where}: bad id {item['id']!r}"
    assert isinstance(item["question"], str) and len(item["question"].strip()) >= 10, f"{where}: question"
    assert item["lang"] in LANGS, f"{where}: lang {item['lang']!r}"
    assert item["category"] in CATEGORIES, f"{where}: category {item['category']!r}"
    assert isinstance(item["answerable"], bool), f"{where}: answerable must be a bool"
    assert isinstance(item["facts"], list) and isinstance(item["gold"], list), f"{where}: facts/gold must be lists"

    if kind == "unanswerable":
        assert item["answerable"] is False, f"{where}: unanswerable item marked answerable"
        assert item["facts"] == [] and item["gold"] == [], f"{where}: unanswerable items have no facts or gold"
        return

    assert item["answerable"] is True, f"{where}: expected an answerable item"
    assert 1 <= len(item["facts"]) <= 3, f"{where}: needs 1-3 fact groups"
    for group in item["facts"]:
        assert isinstance(group, list) and group, f"{where}: empty fact group"
        assert all(isinstance(alt, str) and alt.strip() for alt in group), f"{where}: fact alternatives"
    assert item["gold"], f"{where}: answerable item without gold passage"
    for gold in item["gold"]:
        assert set(gold) == {"source", "page", "quote"}, f"{where}: gold fields {sorted(gold)}"
        assert isinstance(gold["source"], str) and "/" not in gold["source"], f"{where}: source is a file name"
        assert isinstance(gold["page"], int) and not isinstance(gold["page"], bool) and gold["page"] >= 1
        assert isinstance(gold["quote"], str)
        length = len(norm(gold["quote"]))
        assert QUOTE_LEN[0] <= length <= QUOTE_LEN[1], f"{where}: quote length {length}"


def test_ids_unique() -> None:
    counts = Counter(item["id"] for _, item in ALL)
    assert not [i for i, n in counts.items() if n > 1], "duplicate ids"
    questions = Counter(norm(item["question"]) for _, item in ALL)
    assert not [q for q, n in questions.items() if n > 1], "duplicate questions"


def test_counts() -> None:
    for kind, minimum in MIN_COUNTS.items():
        assert len(ITEMS[kind]) >= minimum, f"{kind}: {len(ITEMS[kind])} items < {minimum}"
    seed_langs = Counter(item["lang"] for item in ITEMS["seed"])
    not_spanish = seed_langs["en"] + seed_langs["fr"]
    assert 3 * not_spanish >= len(ITEMS["seed"]), f"seed: only {not_spanish} non-Spanish questions"
    assert seed_langs["en"] and seed_langs["fr"] and seed_langs["es"], f"seed languages {dict(seed_langs)}"
    public_files = {gold["source"] for item in ITEMS["public"] for gold in item["gold"]}
    assert len(public_files) >= MIN_PUBLIC_FILES, f"public items cover only {len(public_files)} files"
    assert len({item["lang"] for item in ITEMS["unanswerable"]}) == 3


def test_seed_items_cite_only_the_seed() -> None:
    seeds = {path.name for path in SEED_DIR.glob("*.txt")}
    for item in ITEMS["seed"]:
        for gold in item["gold"]:
            assert gold["source"] in seeds, f"{item['_where']}: {gold['source']} is not in corpus/"


# ---------------------------------------------------------------- quotes and facts


@pytest.mark.slow  # the loader reads ~900 PDF pages with pypdf: about two minutes
@pytest.mark.parametrize(("kind", "item"), ANSWERABLE, ids=[item["id"] for _, item in ANSWERABLE])
def test_quotes_on_their_page_and_facts_in_quotes(kind: str, item: dict) -> None:
    where = item["_where"]
    assert kind != "public" or PUBLIC_DIR.is_dir(), f"public corpus not found at {PUBLIC_DIR} (../shared missing)"
    for gold in item["gold"]:
        path = _source_path(kind, gold["source"])
        assert path.is_file(), f"{where}: no such document {path}"
        pages = page_texts(path)
        quote = norm(gold["quote"])
        text = pages.get(gold["page"], "")
        if quote not in text:
            elsewhere = sorted(p for p, t in pages.items() if quote in t)
            hint = f"; it is on page(s) {elsewhere}" if elsewhere else "; it is on no page"
            pytest.fail(f"{where}: quote not on page {gold['page']} of {gold['source']}{hint}: {quote[:80]!r}")
    quotes = " ".join(norm(gold["quote"]) for gold in item["gold"])
    for group in item["facts"]:
        assert any(norm(alt) in quotes for alt in group), f"{where}: no alternative of {group} in the gold quotes"
