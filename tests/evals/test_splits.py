"""Splits, families and subsets: which golden items an evaluation puts to the assistant, and over which files.

Small golden files written per test and the two small documents of tests/data, with the hashing fake embedder.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import evals.golden
from evals.golden import GoldenError, default_golden_files, load_golden, select
from evals.runner import EvalOptions, run_eval
from evals.subset import load_subset, subset_path
from tests.fakes import HashEmbeddings
from ui.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
BRIEF = "partnerships-brief_2022_en.md"
NOTE = "remittances-note_2020_en.txt"


def row(item_id: str, source: str = NOTE, **extra: object) -> dict[str, object]:
    quotes = {
        NOTE: "remittances to low and middle income countries reached 554 billion dollars",
        BRIEF: "The International Organization for Migration (IOM) coordinated the pilot projects.",
    }
    facts = {NOTE: [["554"]], BRIEF: [["IOM"]]}
    base = {
        "id": item_id, "question": f"Question {item_id} about remittances and the pilot projects?", "lang": "en",
        "answerable": True, "category": "figure", "facts": facts[source],
        "gold": [{"source": source, "page": 1, "quote": quotes[source]}],
    }  # fmt: skip
    return {**base, **extra}


def negative(item_id: str, **extra: object) -> dict[str, object]:
    return {
        "id": item_id, "question": "What was the GDP of Atlantis in 1850?", "lang": "en", "answerable": False,
        "category": "figure", "facts": [], "gold": [], **extra,
    }  # fmt: skip


def write(path: Path, *rows: dict[str, object]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


@pytest.fixture
def golden_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A golden folder in place of evals/golden: two dev files and a test file."""
    folder = tmp_path / "golden"
    write(
        folder / "public.jsonl",
        row("d-note", family="notes", names_document=True),
        row("d-brief", BRIEF, family="briefs", names_document=False),
        row("d-moved", family="notes", split="test"),  # a dev file's item may belong to the test split
    )
    write(folder / "unanswerable.jsonl", negative("d-neg", family="off-topic"))
    write(folder / "test" / "public.jsonl", row("t-note", family="notes"), negative("t-neg", family="off-topic"))
    monkeypatch.setattr(evals.golden, "GOLDEN_DIR", folder)
    monkeypatch.setattr(evals.golden, "TEST_DIR", folder / "test")
    return folder


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (BRIEF, NOTE):
        shutil.copy(DATA / name, folder / name)
    return folder


# --- loading and selecting ----------------------------------------------------------------------------------------


def test_items_take_their_file_split_unless_they_say_and_labels_are_read(golden_dir: Path) -> None:
    items = {i.id: i for i in load_golden(default_golden_files("all"))}
    assert {i: items[i].split for i in items} == {
        "d-note": "dev", "d-brief": "dev", "d-moved": "test", "d-neg": "dev", "t-note": "test", "t-neg": "test",
    }  # fmt: skip
    assert items["d-note"].family == "notes" and items["d-note"].names_document is True
    assert items["d-brief"].names_document is False and items["t-note"].names_document is None


def test_a_dev_run_never_reads_the_test_files(golden_dir: Path) -> None:
    (golden_dir / "test" / "public.jsonl").write_text("{broken\n", encoding="utf-8")
    assert all(p.parent == golden_dir for p in default_golden_files("dev"))
    with pytest.raises(GoldenError, match="invalid JSON"):
        load_golden(default_golden_files("test"))


def test_without_a_test_folder_the_test_split_is_empty(golden_dir: Path) -> None:
    shutil.rmtree(golden_dir / "test")
    files = default_golden_files("test")
    assert [i.id for i in select(load_golden(files), "test")] == ["d-moved"]


def test_select_by_split_and_family(golden_dir: Path) -> None:
    items = load_golden(default_golden_files("all"))
    assert [i.id for i in select(items, "dev")] == ["d-note", "d-brief", "d-neg"]
    assert [i.id for i in select(items, "test")] == ["d-moved", "t-note", "t-neg"]
    assert [i.id for i in select(items, "all", ["notes", "off-topic"])] == [
        "d-note",
        "d-moved",
        "d-neg",
        "t-note",
        "t-neg",
    ]
    with pytest.raises(GoldenError, match=r"unknown family notse \(families: briefs, notes, off-topic\)"):
        select(items, "dev", ["notse"])
    with pytest.raises(GoldenError, match="unknown split"):
        select(items, "train")


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"split": "train"}, "field 'split' must be one of ['dev', 'test']"),
        ({"family": ""}, "field 'family' must be a non-empty string"),
        ({"family": 3}, "field 'family' must be a non-empty string"),
        ({"names_document": "yes"}, "field 'names_document' must be bool"),
    ],
)
def test_bad_labels_name_file_line_and_field(tmp_path: Path, extra: dict[str, object], message: str) -> None:
    path = write(tmp_path / "g.jsonl", row("ok"), row("bad", **extra))
    with pytest.raises(GoldenError, match=re.escape(f"g.jsonl:2: {message}")):
        load_golden([path])


# --- subsets ------------------------------------------------------------------------------------------------------


def test_subset_file_lists_ids_and_distractors(tmp_path: Path) -> None:
    path = tmp_path / "quick_subset.txt"
    path.write_text("# a comment\nd-note  # trailing comment\n\nd-neg\ndistractor: other.pdf\n", encoding="utf-8")
    subset = load_subset(str(path))
    assert subset.name == "quick" and subset.ids == ("d-note", "d-neg") and subset.distractors == ("other.pdf",)
    assert subset_path("ci").name == "ci_subset.txt" and subset_path("ci").parent.name == "golden"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("d-note\nd-note\n", "listed twice"),
        ("d-note extra words\n", "expected an item id"),
        ("# nothing\n", "lists no item"),
    ],
)
def test_bad_subset_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad_subset.txt"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GoldenError, match=message):
        load_subset(str(path))
    with pytest.raises(GoldenError, match="cannot read"):
        load_subset(str(tmp_path / "absent_subset.txt"))


def test_subset_picks_its_items_and_narrows_the_corpus(golden_dir: Path, corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "s_subset.txt"
    path.write_text("d-note\nd-neg\ndistractor: extra.md\n", encoding="utf-8")
    subset = load_subset(str(path))
    items = subset.pick(select(load_golden(default_golden_files("dev")), "dev"))
    assert [i.id for i in items] == ["d-note", "d-neg"] and subset.documents(items) == [NOTE, "extra.md"]
    files = {NOTE: corpus / NOTE, BRIEF: corpus / BRIEF, "extra.md": corpus / BRIEF}
    assert list(subset.narrow(files, items)) == [NOTE, "extra.md"]
    with pytest.raises(GoldenError, match=r"files not in the corpus given: extra\.md"):
        subset.narrow({NOTE: corpus / NOTE}, items)
    with pytest.raises(GoldenError, match=r"not in the selected golden items.*d-neg"):
        subset.pick([i for i in items if i.id != "d-neg"])


# --- through the runner and the CLI -------------------------------------------------------------------------------


def test_runner_reports_families_intervals_and_the_selection(golden_dir: Path, corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    outcome = run_eval(EvalOptions(corpus=[corpus], out=out), embeddings=HashEmbeddings())
    assert [r.item.id for r in outcome.product_runs] == ["d-note", "d-brief", "d-neg"]  # dev only, by default
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["golden"]["selection"] == {"split": "dev", "families": [], "subset": None}
    product = report["systems"]["product"]
    assert set(product["breakdowns"]["family"]) == {"notes", "briefs", "off-topic"}
    assert set(product["breakdowns"]["names document"]) == {"names it", "does not", "n/a"}
    hit = product["metrics"]["hit@5"]
    assert {"value", "lo", "hi", "n", "k"} <= set(hit) and hit["n"] == 2 and 0.0 <= hit["lo"] <= hit["hi"] <= 1.0
    assert "lo" not in product["metrics"]["mrr"]  # not a proportion
    cell = product["breakdowns"]["family"]["off-topic"]["answered_but_wrong"]
    assert cell["n"] == 1 and cell["k"] in (0, 1)
    by_id = {e["id"]: e for e in report["items"]}
    assert by_id["d-note"]["family"] == "notes" and by_id["d-note"]["split"] == "dev"

    markdown = (out / "report.md").read_text(encoding="utf-8")
    headline = markdown.split("## Headline", 1)[1]
    assert headline.lstrip().startswith("**Answered but wrong: ")
    rows = [line for line in headline.splitlines() if line.startswith("| ") and "---" not in line]
    first_row = rows[1]  # after the header
    assert first_row.startswith("| answered_but_wrong |")
    assert re.search(r"\| hit@5 \| \d\.\d\d \[\d\.\d\d, \d\.\d\d\] \(\d+/2\) \|", markdown)
    assert "### By family" in markdown and "### By names document" in markdown
    assert "- selection: split **dev**; families all" in markdown


def test_runner_without_labels_has_no_family_breakdown(tmp_path: Path, corpus: Path) -> None:
    path = write(tmp_path / "plain.jsonl", row("p1"), negative("p2"))
    outcome = run_eval(EvalOptions(golden=[path], corpus=[corpus], out=tmp_path / "out"), embeddings=HashEmbeddings())
    assert "family" not in outcome.product.breakdowns and "names document" not in outcome.product.breakdowns
    assert "category" in outcome.product.breakdowns


def test_runner_test_split_family_filter_and_subset(golden_dir: Path, corpus: Path, tmp_path: Path) -> None:
    fake = HashEmbeddings()
    test_run = run_eval(EvalOptions(corpus=[corpus], out=tmp_path / "t", split="test"), embeddings=fake)
    assert [r.item.id for r in test_run.product_runs] == ["d-moved", "t-note", "t-neg"]
    notes = run_eval(EvalOptions(corpus=[corpus], out=tmp_path / "f", families=["notes"]), embeddings=fake)
    assert [r.item.id for r in notes.product_runs] == ["d-note"]
    listed = tmp_path / "one_subset.txt"
    listed.write_text("d-brief\nd-neg\n", encoding="utf-8")
    narrowed = run_eval(EvalOptions(corpus=[corpus], out=tmp_path / "s", subset=str(listed)), embeddings=fake)
    assert [r.item.id for r in narrowed.product_runs] == ["d-brief", "d-neg"]
    assert narrowed.corpus == [BRIEF]  # only the file its items cite was indexed
    assert narrowed.selection["subset"] == str(listed)


@pytest.mark.usefixtures("fake_embeddings")
def test_cli_split_family_and_subset_options(golden_dir: Path, corpus: Path, tmp_path: Path) -> None:
    args = ["eval", "--corpus", str(corpus), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, [*args, "--split", "test", "--family", "off-topic"])
    assert result.exit_code == 0, result.output
    assert "1 items" in result.output  # t-neg: the test split's off-topic item
    result = CliRunner().invoke(app, [*args, "--family", "nope"])
    assert result.exit_code == 2 and "unknown family nope" in result.output
    result = CliRunner().invoke(app, [*args, "--split", "train"])
    assert result.exit_code == 2 and "unknown split 'train'" in result.output
    result = CliRunner().invoke(app, [*args, "--subset", str(tmp_path / "missing_subset.txt")])
    assert result.exit_code == 2 and "cannot read" in result.output
