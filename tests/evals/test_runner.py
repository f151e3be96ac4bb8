"""`gfmd eval` end to end: golden items through the product and the baseline, three report files, gates.

The unit tests use the two small documents of tests/data and the hashing fake embedder (seconds); the
integration test runs the real model on the seed corpus and the real golden set.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import evals.runner  # noqa: F401  (bound before `fake_embeddings` patches get_embeddings)
from evals.runner import EvalOptions, run_eval
from tests.fakes import HashEmbeddings
from ui.cli import app

DATA = Path(__file__).resolve().parents[1] / "data"
BRIEF = "partnerships-brief_2022_en.md"
NOTE = "remittances-note_2020_en.txt"
REPO = Path(__file__).resolve().parents[2]

ITEMS = [
    {
        "id": "t-remit", "question": "How much did remittances to low and middle income countries reach in 2019?",
        "lang": "en", "answerable": True, "category": "figure", "facts": [["554"]],
        "gold": [{"source": NOTE, "page": 1, "quote": "remittances to low and middle income countries reached 554 "
                  "billion dollars"}],
    },
    {
        "id": "t-bond", "question": "¿Cuánto recaudó Nigeria con su primer bono de la diáspora?",
        "lang": "es", "answerable": True, "category": "figure", "facts": [["300 million"]],
        "gold": [{"source": NOTE, "page": 1, "quote": "Nigeria raised 300 million dollars with its first diaspora"}],
    },
    {
        "id": "t-iom", "question": "Who coordinated the pilot projects?", "lang": "en", "answerable": True,
        "category": "name", "facts": [["IOM", "International Organization for Migration"]],
        "gold": [{"source": BRIEF, "page": 1, "quote": "The International Organization for Migration (IOM) "
                  "coordinated the pilot projects."}],
    },
    {
        "id": "t-neg", "question": "What was the GDP of Atlantis in 1850?", "lang": "en", "answerable": False,
        "category": "figure", "facts": [], "gold": [],
    },
    {
        "id": "t-absent", "question": "What does the missing report say?", "lang": "en", "answerable": True,
        "category": "definition", "facts": [["nothing"]],
        "gold": [{"source": "missing-report_en.pdf", "page": 2, "quote": "a document that is not in the corpus"}],
    },
]  # fmt: skip


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name in (BRIEF, NOTE):
        shutil.copy(DATA / name, folder / name)
    return folder


@pytest.fixture
def golden(tmp_path: Path) -> Path:
    path = tmp_path / "golden.jsonl"
    path.write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in ITEMS), encoding="utf-8")
    return path


def test_runner_writes_reports_with_per_item_verdicts(tmp_path: Path, corpus: Path, golden: Path) -> None:
    fake = HashEmbeddings()
    out = tmp_path / "out"
    outcome = run_eval(EvalOptions(golden=[golden], corpus=[corpus], out=out, baseline=True), embeddings=fake)

    for name in ("report.md", "report.json", "metrics.png"):
        assert (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert report["golden"]["items"] == 4 and report["golden"]["skipped_ids"] == ["t-absent"]
    assert set(report["systems"]) == {"product", "baseline"}
    for entry in report["items"]:
        for system in ("product", "baseline"):
            verdicts = entry[system]["verdicts"]
            assert {"hit@5", "mrr", "citation_validity", "citation_support", "fact_recall"} <= set(verdicts)
            assert isinstance(entry[system]["retrieved"], list) and "answer" in entry[system]
    by_id = {e["id"]: e for e in report["items"]}
    assert by_id["t-neg"]["product"]["verdicts"]["refusal_accuracy"]["score"] in (0.0, 1.0)
    assert by_id["t-neg"]["product"]["verdicts"]["hit@5"]["score"] is None  # no gold: not scored, not zero
    assert by_id["t-bond"]["crosslingual"] == "cross-lingual" and by_id["t-remit"]["doc_lang"] == "en"
    assert set(by_id["t-remit"]["product"]["stages"]) == {"dense", "lexical", "fused", "reranked"}
    # The baseline quotes whole passages, which are verbatim page text; it never refuses.
    assert outcome.baseline is not None and outcome.baseline.value("citation_validity") == 1.0
    assert outcome.baseline.value("refusal_accuracy") == 0.0
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert "| hit@5 |" in markdown and "1 skipped" in markdown and "### By category" in markdown


def test_second_run_reuses_both_indexes(tmp_path: Path, corpus: Path, golden: Path) -> None:
    fake = HashEmbeddings()
    options = EvalOptions(golden=[golden], corpus=[corpus], out=tmp_path / "out", baseline=True)
    first = run_eval(options, embeddings=fake)
    embedded_first = fake.documents_embedded
    second = run_eval(options, embeddings=fake)
    assert second.index_dir == first.index_dir and first.index_dir.parent == tmp_path / "out"
    # Only the metrics' own sentence embeddings are computed again: no passage of either index is re-embedded.
    from gfmd.index import Index
    from gfmd.settings import Settings

    product_chunks = Index(Settings(index_dir=first.index_dir), embeddings=fake).store.count()
    (marker,) = (tmp_path / "out").glob("baseline-*/complete")
    baseline_chunks = int(marker.read_text())
    assert product_chunks > 0 and baseline_chunks > 0
    assert fake.documents_embedded - embedded_first == embedded_first - product_chunks - baseline_chunks
    scores = [{k: v for k, v in r.product.headline().items() if not k.startswith("latency")} for r in (first, second)]
    assert scores[0] == scores[1]


def test_limit_takes_items_in_turn_from_each_file(tmp_path: Path, corpus: Path, golden: Path) -> None:
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps({**ITEMS[2], "id": "o-1"}) + "\n", encoding="utf-8")
    options = EvalOptions(golden=[golden, other], corpus=[corpus], out=tmp_path / "out", limit=2)
    outcome = run_eval(options, embeddings=HashEmbeddings())
    assert [r.item.id for r in outcome.product_runs] == ["t-remit", "o-1"]


@pytest.mark.usefixtures("fake_embeddings")
def test_cli_gate_fails_with_exit_1_and_names_the_metric(tmp_path: Path, corpus: Path, golden: Path) -> None:
    args = ["eval", "--golden", str(golden), "--corpus", str(corpus), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, [*args, "--fail-under", "hit@10=1.01", "--fail-under", "mrr=0"])
    assert result.exit_code == 1, result.output
    assert "FAIL hit@10" in result.output and "ok   mrr" in result.output
    passing = CliRunner().invoke(app, [*args, "--fail-over", "false_refusal_rate=1", "--fail-under", "hit@1>=0.5"])
    assert passing.exit_code == 0, passing.output
    assert "product: answered_but_wrong" in passing.output and (tmp_path / "out" / "report.md").exists()


@pytest.mark.usefixtures("fake_embeddings")
def test_cli_rejects_unknown_metric_and_bad_golden(tmp_path: Path, corpus: Path, golden: Path) -> None:
    args = ["eval", "--corpus", str(corpus), "--out", str(tmp_path / "out")]
    result = CliRunner().invoke(app, [*args, "--golden", str(golden), "--fail-under", "accuracy=0.9"])
    assert result.exit_code == 2 and "unknown metric 'accuracy'" in result.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({**ITEMS[0], "lang": "de"}) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, [*args, "--golden", str(bad)])
    assert result.exit_code == 2 and "bad.jsonl:1: field 'lang'" in result.output


@pytest.mark.integration
@pytest.mark.slow
def test_seed_corpus_end_to_end_with_the_real_model(tmp_path: Path) -> None:
    out = tmp_path / "eval"
    result = CliRunner().invoke(
        app, ["eval", "--corpus", str(REPO / "corpus"), "--out", str(out), "--limit", "8", "--baseline"]
    )
    assert result.exit_code == 0, result.output
    for name in ("report.md", "report.json", "metrics.png"):
        assert (out / name).stat().st_size > 0, name
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert len(report["items"]) == 8 and report["golden"]["skipped_sources_not_in_corpus"] > 0  # public items
    for entry in report["items"]:
        assert entry["product"]["verdicts"] and entry["baseline"]["verdicts"]
    seed_items = [e for e in report["items"] if e["answerable"]]
    assert seed_items and all(e["product"]["verdicts"]["hit@10"]["score"] is not None for e in seed_items)
    assert report["systems"]["product"]["headline"]["citation_validity"] == 1.0


def test_interrupted_baseline_build_resumes_without_reembedding(tmp_path: Path, corpus: Path) -> None:
    from evals.baseline import TutorialBaseline, baseline_dir
    from evals.runner import corpus_files

    files = corpus_files([corpus])
    fake = HashEmbeddings()
    directory = baseline_dir(tmp_path, files, fake.model_id)
    full = TutorialBaseline(directory, fake).build(files)
    # Simulate a build stopped before it finished: the marker is missing and one stored chunk is lost.
    (directory / "complete").unlink()
    tutorial = TutorialBaseline(directory, fake)
    first_id = tutorial.collection.get(limit=1, include=[])["ids"][0]
    tutorial.collection.delete(ids=[first_id])
    embedded_before = fake.documents_embedded
    assert not tutorial.ready
    assert tutorial.build(files) == full and tutorial.ready
    assert tutorial.collection.count() == full
    # Only the batch that lost a chunk was embedded again.
    assert 0 < fake.documents_embedded - embedded_before <= 32


def test_generative_mode_without_its_model_is_an_error_not_extractive_figures(
    tmp_path: Path, corpus: Path, golden: Path
) -> None:
    """The model must answer a generative evaluation; otherwise every answer is the extractive fallback, and the
    report would show extractive figures under the generative label."""
    from evals.runner import EvalError
    from gfmd.settings import Settings

    options = EvalOptions(golden=[golden], corpus=[corpus], out=tmp_path / "out", mode="generative", limit=1)
    with pytest.raises(EvalError, match=r"--mode generative needs the generative model: .*GFMD_LLM_BACKEND=none"):
        run_eval(options, settings=Settings(llm_backend="none"), embeddings=HashEmbeddings())
