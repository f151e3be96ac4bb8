"""The golden evaluation set (evals/golden/*.jsonl, dev; evals/golden/test/*.jsonl, test) is well formed and every
gold quote is really in its source.

For each item: the schema (with its split and topic family), unique ids and questions across both splits, the minimum
counts, and, for answerable items, that every gold quote appears (whitespace-normalised) in the text of its page as
the product's loader (`ingest.loaders.load_file`) reads it, and that every fact group has an alternative inside the
gold quotes.

The public documents live in ../shared/corpus/public and the four unseen resolutions of the test split in
../shared/corpus/extra (not part of the repository), hence the marker.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from ingest.loaders import load_file

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parents[2]
GOLDEN = REPO / "evals" / "golden"
SEED_DIR = REPO / "corpus"
SHARED_CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
PUBLIC_DIR = SHARED_CORPUS / "public"
EXTRA_DIR = SHARED_CORPUS / "extra"

FILES = {
    "seed": "seed.jsonl",
    "public": "public.jsonl",
    "unanswerable": "unanswerable.jsonl",
    "test": "test/answerable.jsonl",
    "test-neg": "test/unanswerable.jsonl",
}
ID_PATTERN = {
    "seed": r"seed-\d{3}",
    "public": r"pub-\d{3}",
    "unanswerable": r"neg-\d{3}",
    "test": r"test-\d{3}",
    "test-neg": r"test-neg-\d{3}",
}
SPLIT = {"seed": "dev", "public": "dev", "unanswerable": "dev", "test": "test", "test-neg": "test"}
NEGATIVE_KINDS = {"unanswerable", "test-neg"}
LANGS = {"en", "es", "fr"}
CATEGORIES = {"figure", "name", "list", "date", "definition", "why-how"}
FIELDS = {"id", "question", "lang", "answerable", "category", "facts", "gold", "split", "family"}
TEST_ANSWERABLE_FIELDS = FIELDS | {"names_document"}
# Topic family of a document, from its file name (first matching prefix). Unanswerable items take the family whose
# topic they imitate, or "off-topic".
FAMILY_PREFIXES = {
    "seed": ("fmmd-2020-",),
    "hoa-ji": ("IOM_2023_EU-IOM-JI-HornOfAfrica_", "ISP-IOM_2023_EU-IOM-JI_Case-Management-Study"),
    "aap": ("IOM_2024_Accountability-to-Affected-Populations_",),
    "meta-eval": ("IOM_2025_Meta-Evaluation",),
    "data-hubs": ("IOM_2025_Migration-Data-Strategy-Evaluation_",),
    "haiti-rd": ("OIM_",),
    "un-resolutions": ("UNGA_",),
    "la-declaration": ("USG_",),
    "gcm-handbook": ("GCM_", "IOM_2019_Reintegration-Handbook_"),
}
FAMILIES = set(FAMILY_PREFIXES)
OFF_TOPIC = "off-topic"
MIN_COUNTS = {"seed": 60, "public": 40, "unanswerable": 20, "test": 100, "test-neg": 50}
MIN_PUBLIC_FILES = 15
MIN_TEST_NOT_NAMING = 50  # test questions asked as a delegate would, without naming their document
MIN_TEST_EXTRA = 25  # test items on the unseen resolutions of ../shared/corpus/extra
MIN_TEST_SEED = 20
QUOTE_LEN = (20, 300)


def norm(text: str) -> str:
    return " ".join(text.split())


def family_of(source: str) -> str | None:
    for family, prefixes in FAMILY_PREFIXES.items():
        if source.startswith(prefixes):
            return family
    return None


def _read(kind: str) -> list[dict]:
    path = GOLDEN / FILES[kind]
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            row = json.loads(line)
            row["_where"] = f"{FILES[kind]}:{number}"
            rows.append(row)
    return rows


ITEMS = {kind: _read(kind) for kind in FILES}
ALL = [(kind, item) for kind, rows in ITEMS.items() for item in rows]
ANSWERABLE = [(kind, item) for kind, item in ALL if item.get("answerable") is True]


def _source_path(source: str) -> Path:
    """The seed paper is in the repository, the other documents in ../shared/corpus/public or .../extra."""
    candidates = [SEED_DIR / source, PUBLIC_DIR / source, EXTRA_DIR / source]
    return next((path for path in candidates if path.is_file()), candidates[1])


def _extra_files() -> set[str]:
    return {path.name for path in EXTRA_DIR.glob("*") if path.suffix in {".pdf", ".md", ".txt"}}


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
    # Dev items written since the test split may say whether they name their document; test answerable items must.
    expected = TEST_ANSWERABLE_FIELDS if kind == "test" or "names_document" in keys else FIELDS
    assert keys == expected, f"{where}: fields {sorted(keys)} != {sorted(expected)}"
    assert isinstance(item["id"], str) and re.fullmatch(ID_PATTERN[kind], item["id"]), f"{where}: bad id {item['id']!r}"
    assert isinstance(item["question"], str) and len(item["question"].strip()) >= 10, f"{where}: question"
    assert item["lang"] in LANGS, f"{where}: lang {item['lang']!r}"
    assert item["category"] in CATEGORIES, f"{where}: category {item['category']!r}"
    assert isinstance(item["answerable"], bool), f"{where}: answerable must be a bool"
    assert isinstance(item["facts"], list) and isinstance(item["gold"], list), f"{where}: facts/gold must be lists"
    assert item["split"] == SPLIT[kind], f"{where}: split {item['split']!r}, expected {SPLIT[kind]!r}"
    if "names_document" in expected:
        assert isinstance(item["names_document"], bool), f"{where}: names_document must be a bool"

    if kind in NEGATIVE_KINDS:
        assert item["answerable"] is False, f"{where}: unanswerable item marked answerable"
        assert item["facts"] == [] and item["gold"] == [], f"{where}: unanswerable items have no facts or gold"
        assert item["family"] in FAMILIES | {OFF_TOPIC}, f"{where}: family {item['family']!r}"
        return

    assert item["answerable"] is True, f"{where}: expected an answerable item"
    assert item["family"] in FAMILIES, f"{where}: family {item['family']!r}"
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
        in_family = family_of(gold["source"])
        assert in_family == item["family"], f"{where}: family {item['family']!r}, but {gold['source']} is {in_family!r}"


def test_ids_unique() -> None:
    """Across both splits: a test question must never also be a dev question."""
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


def test_test_split_counts() -> None:
    test = ITEMS["test"]
    not_naming = sum(1 for item in test if item["names_document"] is False)
    assert not_naming >= MIN_TEST_NOT_NAMING, f"test: only {not_naming} questions do not name their document"
    assert 2 * not_naming >= len(test), f"test: {not_naming} of {len(test)} questions do not name their document"
    families = Counter(item["family"] for item in test)
    assert set(families) == FAMILIES, f"test: families without items: {sorted(FAMILIES - set(families))}"
    assert families["seed"] >= MIN_TEST_SEED, f"test: {families['seed']} items on the seed paper"
    seed_langs = Counter(item["lang"] for item in test if item["family"] == "seed")
    assert 3 * (seed_langs["en"] + seed_langs["fr"]) >= families["seed"], f"test seed languages {dict(seed_langs)}"
    assert EXTRA_DIR.is_dir(), f"extra corpus not found at {EXTRA_DIR} (../shared missing)"
    extra = _extra_files()
    on_extra = sum(1 for item in test if any(gold["source"] in extra for gold in item["gold"]))
    assert on_extra >= MIN_TEST_EXTRA, f"test: only {on_extra} items on ../shared/corpus/extra"
    for kind in ("test", "test-neg"):
        assert {item["lang"] for item in ITEMS[kind]} == LANGS, f"{kind}: not all of {sorted(LANGS)}"


def test_seed_items_cite_only_the_seed() -> None:
    seeds = {path.name for path in SEED_DIR.glob("*.txt")}
    for item in ITEMS["seed"]:
        for gold in item["gold"]:
            assert gold["source"] in seeds, f"{item['_where']}: {gold['source']} is not in corpus/"


# ---------------------------------------------------------------- quotes and facts


@pytest.mark.slow  # the loader reads ~1,000 PDF pages with pypdf: about two minutes
@pytest.mark.parametrize(("kind", "item"), ANSWERABLE, ids=[item["id"] for _, item in ANSWERABLE])
def test_quotes_on_their_page_and_facts_in_quotes(kind: str, item: dict) -> None:
    where = item["_where"]
    assert kind == "seed" or PUBLIC_DIR.is_dir(), f"public corpus not found at {PUBLIC_DIR} (../shared missing)"
    for gold in item["gold"]:
        path = _source_path(gold["source"])
        assert path.is_file(), f"{where}: no such document {gold['source']} in corpus/, {PUBLIC_DIR} or {EXTRA_DIR}"
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
