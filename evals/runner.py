"""`gfmd eval`: put every golden question to the assistant (and the tutorial baseline), score, report.

Steps: thresholds → corpus → golden items (split, families, subset) → index (built once per corpus and model,
then reused) → runs → metrics → report.md, report.json, metrics.png under the output folder → quality gates.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from tqdm import tqdm

from assistant.api import Assistant
from evals.baseline import TutorialBaseline, baseline_dir
from evals.evaluate import evaluate
from evals.golden import (
    GoldenItem,
    default_golden_files,
    in_corpus,
    load_golden,
    round_robin,
    select,
    source_lang,
)
from evals.metrics.base import ItemRun, Passage
from evals.metrics.citation_support import DEFAULT_THRESHOLD, Similarity
from evals.metrics.citation_validity import PageTexts
from evals.metrics.retrieval import KS, STAGE_K
from evals.outcome import EvalOutcome
from evals.report import write_reports
from evals.subset import load_subset
from evals.thresholds import check, parse_all
from gfmd.embeddings import ModelEmbeddings, get_embeddings
from gfmd.index import Index
from gfmd.records import Answer, Document
from gfmd.settings import Settings
from ingest.pipeline import expand_paths, ingest_paths

log = logging.getLogger(__name__)
MODES = ("extractive", "generative")
MODEL_START_WAIT_S = 600.0  # joining, checking and loading the bundled model on a busy 2-core machine


class EvalError(Exception):
    """The evaluation cannot run as asked (no golden items, unknown metric, duplicate file names...)."""


@dataclass
class EvalOptions:
    golden: list[Path] = field(default_factory=list)  # empty: the golden files of `split`
    split: str | None = None  # dev, test or all; None: dev, or all of the files given in `golden`
    families: list[str] = field(default_factory=list)  # empty: every family
    subset: str | None = None  # a named list of items (evals/golden/<name>_subset.txt); narrows the corpus too
    corpus: list[Path] = field(default_factory=list)  # empty: Settings().corpus_dir
    index: Path | None = None  # empty: <out>/index-<hash of corpus and model>
    mode: str = "extractive"
    out: Path = Path("out/eval")
    fail_under: list[str] = field(default_factory=list)
    fail_over: list[str] = field(default_factory=list)
    baseline: bool = False
    limit: int | None = None
    support_threshold: float | None = None  # None: the product's own (Settings.support_threshold)
    progress: bool = False


def corpus_files(paths: Sequence[Path]) -> dict[str, Path]:
    """Supported files under the given paths, by file name (the key golden sources use)."""
    files, missing = expand_paths(paths)
    if missing:
        raise EvalError(f"corpus path not found: {', '.join(m.path for m in missing)}")
    out: dict[str, Path] = {}
    for path in files:
        if path.name in out:
            raise EvalError(f"two corpus files named {path.name}: {out[path.name]} and {path}")
        out[path.name] = path
    return out


def index_dir_for(out: Path, corpus: Mapping[str, Path], settings: Settings, model_id: str) -> Path:
    """<out>/index-<hash>: a new index when the corpus, the model or the chunking changes, else the same one."""
    key = "|".join(f"{name}:{path.stat().st_size}" for name, path in sorted(corpus.items()))
    key += f"|{settings.embedding_backend}:{settings.embedding_model}:{model_id}"
    key += f"|{settings.chunk_chars}:{settings.chunk_overlap_sentences}"
    return out / f"index-{hashlib.sha256(key.encode()).hexdigest()[:12]}"


def doc_lang(item: GoldenItem, documents: Mapping[str, Document]) -> str:
    """Language of the item's gold document: its file-name suffix, else the index's record; 'n/a' without gold."""
    if not item.gold:
        return "n/a"
    langs = set()
    for source in item.sources:
        lang = source_lang(source) or (documents[source].lang if source in documents else "und")
        langs.add(lang)
    return langs.pop() if len(langs) == 1 else "mixed"


def run_eval(
    options: EvalOptions, settings: Settings | None = None, embeddings: ModelEmbeddings | None = None
) -> EvalOutcome:
    """Run the golden items of `options` against the product (and the tutorial baseline when asked) and score them.

    Its numbered steps read top to bottom as one evaluation, which is why it runs a little past 60 lines.
    """
    started = time.perf_counter()
    # 1. Quality gates and mode, checked before anything slow.
    thresholds = parse_all(options.fail_under, options.fail_over)
    if options.mode not in MODES:
        raise EvalError(f"mode {options.mode!r} is not available; use one of {', '.join(MODES)}")
    base = settings or Settings()

    # 2. The corpus, by file name.
    corpus = corpus_files(options.corpus or [base.corpus_dir])
    if not corpus:
        raise EvalError("the corpus holds no supported file")

    # 3. Golden items of the split and families asked for (and of the subset), whose sources are all in the corpus.
    chosen = _choose_items(options, corpus)

    # 4. The index: built on first use, reused while the corpus and model are the same.
    model = embeddings or get_embeddings(base)
    out = Path(options.out)
    index_dir = Path(options.index) if options.index else index_dir_for(out, chosen.corpus, base, model.model_id)
    settings = base.model_copy(update={"index_dir": index_dir, "chroma_url": None, "answer_mode": options.mode})
    index, index_seconds = _build_index(settings, model, chosen.corpus, options.progress)

    # 5. Every item through the product, then (when asked) through the tutorial baseline.
    errors: dict[str, str] = {}
    assistant = Assistant(settings, index)
    if options.mode == "generative":
        _start_model(assistant)
    product_runs, baseline_runs = _run_systems(options, chosen, assistant, model, errors)

    # 6. Metrics, with the same page texts and embeddings for both systems.
    threshold = options.support_threshold
    if threshold is None:
        threshold = float(getattr(settings, "support_threshold", DEFAULT_THRESHOLD))
    scoring = (PageTexts(chosen.corpus), Similarity(model.embed_documents), threshold)
    product = evaluate("product", product_runs, *scoring, with_calibration=True)
    baseline = evaluate("baseline", baseline_runs, *scoring) if options.baseline else None

    # 7. Reports and gates (gates apply to the product).
    outcome = EvalOutcome(
        out=out,
        mode=options.mode,
        corpus=sorted(chosen.corpus),
        index_dir=index_dir,
        golden_files=[Path(p) for p in chosen.golden_files],
        skipped=chosen.skipped,
        selection={"split": chosen.split, "families": sorted(options.families), "subset": options.subset},
        product_runs=product_runs,
        product=product,
        baseline_runs=baseline_runs,
        baseline=baseline,
        checks=check(thresholds, product),
        errors=errors,
        settings={
            "top_k": settings.top_k,
            "embedding_model": model.model_id,
            "support_threshold": threshold,
            "index_seconds": round(index_seconds, 1),
        },
        seconds=0.0,
    )
    outcome.seconds = round(time.perf_counter() - started, 1)
    write_reports(outcome)
    return outcome


@dataclass
class _Chosen:
    """The golden items an evaluation runs, and the corpus it indexes for them."""

    items: list[GoldenItem]
    skipped: list[GoldenItem]  # their sources are not in the corpus
    corpus: dict[str, Path]
    split: str
    golden_files: list[Path]


def _choose_items(options: EvalOptions, corpus: dict[str, Path]) -> _Chosen:
    """Golden items of the split and families asked for (and of the subset, which narrows the corpus too),
    whose sources are all in the corpus; at most `limit`, taken in turn from each file."""
    split = options.split or ("all" if options.golden else "dev")
    golden_files = options.golden or default_golden_files(split)
    if not golden_files:
        raise EvalError("no golden file: give --golden PATH or add evals/golden/*.jsonl")
    items = select(load_golden(golden_files), split, options.families)
    if options.subset:
        subset = load_subset(options.subset)
        items = subset.pick(items)
        corpus = subset.narrow(corpus, items)  # index only what the subset needs: a subset run must be quick
    kept, skipped = in_corpus(items, corpus)
    by_file: dict[str, list[GoldenItem]] = {}
    for item in kept:
        by_file.setdefault(item.origin.rsplit(":", 1)[0], []).append(item)
    selected = round_robin(list(by_file.values()), options.limit)
    if not selected:
        raise EvalError(f"no golden item has its sources in the corpus ({len(skipped)} skipped)")
    log.info("%d items (%d skipped: sources not in the corpus)", len(selected), len(skipped))
    return _Chosen(selected, skipped, corpus, split, list(golden_files))


def _build_index(
    settings: Settings, model: ModelEmbeddings, corpus: Mapping[str, Path], progress: bool
) -> tuple[Index, float]:
    """The evaluation's index of the corpus (only new or changed files are ingested), and the seconds it took."""
    index = Index(settings, embeddings=model)
    t_index = time.perf_counter()
    report = ingest_paths(sorted(corpus.values()), index, progress=progress)
    if not report.ok:
        failed = "; ".join(f"{f['path']}: {f['reason']}" for f in report.summary()["failed"])  # type: ignore[attr-defined]
        raise EvalError(f"the corpus did not index: {failed}")
    return index, time.perf_counter() - t_index


def _start_model(assistant: Assistant) -> None:
    """Start the generative model and wait for it: a generative evaluation whose model never answered would
    score the extractive fallback under the generative label."""
    status = assistant.start_model(wait=MODEL_START_WAIT_S)
    if not status.generative:
        raise EvalError(f"--mode generative needs the generative model: {status.message}")


def _run_systems(
    options: EvalOptions, chosen: _Chosen, assistant: Assistant, model: ModelEmbeddings, errors: dict[str, str]
) -> tuple[list[ItemRun], list[ItemRun]]:
    """The product's runs of every item (an item that raised is in `errors`), and the tutorial baseline's when
    asked for (on its own index, cached beside ours; none otherwise)."""
    documents = assistant.index.store.documents()
    ask = partial(_ask_product, assistant, mode=options.mode)
    product_runs = _run_all("product", chosen.items, ask, documents, errors, options.progress)
    if not options.baseline:
        return product_runs, []
    tutorial = TutorialBaseline(baseline_dir(Path(options.out), chosen.corpus, model.model_id), model)
    tutorial.build(chosen.corpus, progress=options.progress)

    def ask_baseline(item: GoldenItem) -> tuple[Answer, list[Passage], dict[str, list[Passage]]]:
        answer, passages = tutorial.ask(item.question)
        return answer, passages, {"dense": passages[:STAGE_K]}

    return product_runs, _run_all("baseline", chosen.items, ask_baseline, documents, {}, options.progress)


Asker = Callable[[GoldenItem], tuple[Answer, list[Passage], dict[str, list[Passage]]]]


def _run_all(
    label: str,
    items: Sequence[GoldenItem],
    ask: Asker,
    documents: Mapping[str, Document],
    errors: dict[str, str],
    progress: bool,
) -> list[ItemRun]:
    runs: list[ItemRun] = []
    for item in tqdm(items, desc=label, unit="question", disable=not progress):
        try:
            answer, passages, stages = ask(item)
        except Exception as exc:  # one failing question must not lose an hour of evaluation; it is reported
            log.exception("%s failed on %s", label, item.id)
            errors[item.id] = f"{type(exc).__name__}: {exc}"
            answer = Answer(question=item.question, answer="", refused=False, mode="extractive", lang=item.lang)
            passages, stages = [], {}
        runs.append(ItemRun(item, answer, passages, stages, doc_lang(item, documents)))
    return runs


def _ask_product(
    assistant: Assistant, item: GoldenItem, mode: str
) -> tuple[Answer, list[Passage], dict[str, list[Passage]]]:
    """The answer, plus a retrieval of max(KS) passages and each stage's top passages (texts looked up)."""
    answer = assistant.ask(item.question, mode=mode)
    retrieval = assistant.retrieve(item.question, k=max(KS))
    passages = [Passage.from_chunk(p.chunk, p.score) for p in retrieval.passages]
    known = {p.chunk_id: p for p in passages}
    need = [cid for ids in retrieval.stages.values() for cid in ids[:STAGE_K] if cid not in known]
    if need:
        chunks, _ = assistant.index.store.get_chunks(need)
        known.update({c.chunk_id: Passage.from_chunk(c) for c in chunks})
    stages = {name: [known[c] for c in ids[:STAGE_K] if c in known] for name, ids in retrieval.stages.items()}
    return answer, passages, stages
