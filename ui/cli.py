"""The `gfmd` command line: ingest, ask, serve, eval, documents, remove, config."""

from __future__ import annotations

import json
import logging
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer
from pydantic import ValidationError

from gfmd.errors import IndexUnavailableError, StartupError
from gfmd.settings import Settings

if TYPE_CHECKING:
    from evals.outcome import EvalOutcome

# The model's worker loads the model and answers a self-test; on a slow, busy machine that may take minutes.
MODEL_START_WAIT_S = 300.0

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="GFMD Partnerships Assistant: cited answers from migration-partnership documents.",
)
log = logging.getLogger("gfmd")

IndexOpt = Annotated[
    Path | None, typer.Option("--index", help="Index directory (default: GFMD_INDEX_DIR or .gfmd/index).")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


@app.callback()
def _main(
    verbose: Annotated[int, typer.Option("--verbose", "-v", count=True, help="-v: info, -vv: debug.")] = 0,
) -> None:
    level = logging.WARNING if verbose == 0 else logging.INFO if verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    for noisy in ("httpx", "chromadb", "urllib3", "sentence_transformers", "bm25s", "gradio"):
        logging.getLogger(noisy).setLevel(max(level, logging.WARNING))


def settings_for(index: Path | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {k: v for k, v in overrides.items() if v is not None}
    if index is not None:
        values["index_dir"] = index
    try:
        return Settings(**values)
    except ValidationError as exc:
        _fail("; ".join(_setting_problem(error) for error in exc.errors()))


def _setting_problem(error: Any) -> str:
    name = "_".join(str(part) for part in error.get("loc", ())).upper()
    return f"invalid setting GFMD_{name}={error.get('input')!r}: {error.get('msg')}"


def _fail(message: str, code: int = 2) -> NoReturn:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@contextmanager
def _index_errors() -> Iterator[None]:
    """One error line naming the index (its directory or Chroma server) and exit 2, instead of a traceback, when
    the index cannot be opened or stops answering (`IndexUnavailableError`)."""
    try:
        yield
    except IndexUnavailableError as exc:
        _fail(str(exc))


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders (PDF, .txt, .md).")],
    index: IndexOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Add or update documents in the index. Unchanged files are skipped; a failing file changes nothing."""
    from gfmd.index import Index
    from ingest.pipeline import ingest_paths

    settings = settings_for(index)
    with _index_errors():
        idx = Index(settings)
        report = ingest_paths(paths, idx, progress=sys.stderr.isatty() and not as_json)
    summary = report.summary()
    failed: list[dict[str, str]] = summary["failed"]  # type: ignore[assignment]
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        typer.echo(
            f"added {summary['added']}, updated {summary['updated']}, unchanged {summary['unchanged']}, "
            f"failed {len(failed)}; {summary['chunks']} passages from {summary['pages']} pages "
            f"in {summary['seconds']} s"
        )
        for failure in failed:
            typer.secho(f"  failed {failure['path']}: {failure['reason']}", fg=typer.colors.RED, err=True)
    if not report.ok:
        raise typer.Exit(1)


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question (omit with --batch).")] = None,
    index: IndexOpt = None,
    as_json: JsonOpt = False,
    k: Annotated[int | None, typer.Option("-k", help="Passages the answer may cite.")] = None,
    batch: Annotated[
        Path | None, typer.Option("--batch", help='JSONL file of {"id", "question"}; prints one JSON per line.')
    ] = None,
    doc: Annotated[list[str] | None, typer.Option("--doc", help="Only these source files (repeatable).")] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="Only passages in this language (en/es/fr).")] = None,
    year: Annotated[int | None, typer.Option("--year", help="Only documents of this year.")] = None,
) -> None:
    """Answer a question from the indexed documents, with numbered citations."""
    from assistant.api import get_assistant
    from gfmd.records import Filters

    if (question is None) == (batch is None):
        _fail("give a QUESTION or --batch FILE (not both)")
    settings = settings_for(index)
    filters = Filters(sources=tuple(doc or ()), lang=lang, year=year)
    with _index_errors():
        assistant = get_assistant(settings)
        _await_model(assistant)
        if batch is not None:
            _ask_batch(assistant, batch, k, filters)
            return
        answer = assistant.ask(question or "", k=k, filters=filters)
    if as_json:
        typer.echo(answer.model_dump_json(indent=2))
        return
    from ui.render import answer_to_text

    typer.echo(answer_to_text(answer))


def _await_model(assistant: Any) -> None:
    """In generative mode, start the model's worker and wait for its self-test; say so when it is unavailable."""
    if assistant.settings.answer_mode != "generative" or assistant.settings.llm_backend == "none":
        return
    status = assistant.start_model(wait=MODEL_START_WAIT_S)
    if not status.generative:
        typer.echo(f"warning: {status.message} Answering with the verified quotes.", err=True)


def _ask_batch(assistant: Any, batch: Path, k: int | None, filters: Any) -> None:
    try:
        lines = batch.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        _fail(f"{batch}: cannot read ({exc})")
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            qid, question = item["id"], item["question"]
            if not isinstance(question, str):
                raise TypeError("question must be a string")
        except (ValueError, KeyError, TypeError) as exc:
            typer.echo(json.dumps({"line": number, "error": f"{batch}:{number}: invalid item ({exc})"}))
            continue
        answer = assistant.ask(question, k=k, filters=filters)
        typer.echo(json.dumps({"id": qid, **answer.model_dump(mode="json")}, ensure_ascii=False))


@app.command()
def documents(index: IndexOpt = None, as_json: JsonOpt = False) -> None:
    """List the indexed documents."""
    from gfmd.index import Index

    settings = settings_for(index)
    with _index_errors():
        docs = sorted(Index(settings).store.documents().values(), key=lambda d: d.source)
    if as_json:
        typer.echo(json.dumps([d.model_dump() for d in docs], ensure_ascii=False, indent=2))
        return
    for d in docs:
        typer.echo(f"{d.source}  [{d.lang}, {d.year or '-'}, {d.pages} p., {d.chunks} passages]  {d.title}")


@app.command()
def remove(
    sources: Annotated[list[str], typer.Argument(help="Source file names to remove.")], index: IndexOpt = None
) -> None:
    """Remove documents from the index."""
    from gfmd.index import Index
    from ingest.pipeline import remove_sources

    settings = settings_for(index)
    with _index_errors():
        removed = remove_sources(sources, Index(settings))
    for source in sources:
        typer.echo(f"{'removed' if source in removed else 'not indexed'}: {source}")
    if len(removed) < len(sources):
        raise typer.Exit(1)


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default 7860).")] = None,
    index: IndexOpt = None,
) -> None:
    """Start the web chat, indexing the bundled corpus first if the index is empty."""
    from assistant.api import get_assistant
    from ui.app import launch

    settings = settings_for(index, host=host, port=port)
    with _index_errors():
        try:
            get_assistant(settings).start_model()  # in the background: the chat serves quotes until it is ready
            launch(settings)
        except StartupError as exc:
            _fail(f"cannot start the web chat: {exc}")


@app.command()
def config(markdown: Annotated[bool, typer.Option("--markdown", help="Print the README table.")] = False) -> None:
    """Show the settings (environment variables GFMD_*) and their current values."""
    from gfmd.settings_doc import settings_table

    if markdown:
        typer.echo(settings_table())
        return
    for name, value in settings_for(None).model_dump().items():
        typer.echo(f"GFMD_{name.upper()}={value}")


# `eval_` is long for its option declarations (typer reads them from the signature); its body builds the options,
# runs the evaluation and hands the outcome to `_print_eval_outcome`.
@app.command("eval")
def eval_(
    golden: Annotated[
        list[Path] | None,
        typer.Option("--golden", help="Golden JSONL file (repeatable; default: the golden files of --split)."),
    ] = None,
    split: Annotated[
        str | None,
        typer.Option(
            "--split",
            help="dev (evals/golden/*.jsonl), test (evals/golden/test/: for a final measurement, rarely) or all. "
            "Default: dev; with --golden, every item of the files given.",
        ),
    ] = None,
    family: Annotated[
        list[str] | None,
        typer.Option("--family", help="Only items of this family (hoa-ji, off-topic...). Repeatable."),
    ] = None,
    subset: Annotated[
        str | None,
        typer.Option(
            "--subset",
            help="Only the items listed in evals/golden/NAME_subset.txt (or a list file), over only the corpus "
            "files they cite and its distractors: `--subset ci` is the CI guard.",
        ),
    ] = None,
    corpus: Annotated[
        list[Path] | None, typer.Option("--corpus", help="Corpus file or folder (repeatable; default: bundled corpus).")
    ] = None,
    index: Annotated[
        Path | None, typer.Option("--index", help="Index directory (default: <out>/index-<hash of corpus+model>).")
    ] = None,
    mode: Annotated[str, typer.Option("--mode", help="Answer mode: extractive or generative.")] = "extractive",
    out: Annotated[Path, typer.Option("--out", help="Output folder for report.md/.json and metrics.png.")] = Path(
        "out/eval"
    ),
    fail_under: Annotated[
        list[str] | None,
        typer.Option(
            "--fail-under",
            help="Exit 1 when a metric misses: hit@5=0.9 (at least; at most for false_refusal_rate and "
            "latency_*), or explicit metric>=v / metric<=v. Repeatable.",
        ),
    ] = None,
    fail_over: Annotated[
        list[str] | None,
        typer.Option("--fail-over", help="Exit 1 when a metric is above: false_refusal_rate=0.1. Repeatable."),
    ] = None,
    baseline: Annotated[
        bool, typer.Option("--baseline", help="Also run the LangChain-tutorial baseline, side by side.")
    ] = False,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="At most N items, in turn per file.")] = None,
    support_threshold: Annotated[
        float | None,
        typer.Option(
            "--support-threshold",
            help="e5 similarity a cited passage must reach to support (default: GFMD_SUPPORT_THRESHOLD, 0.80).",
        ),
    ] = None,
) -> None:
    """Score the assistant on the golden set: retrieval, citations, facts, refusals, latency."""
    from evals.golden import GoldenError
    from evals.runner import EvalError, EvalOptions, run_eval
    from evals.thresholds import ThresholdError

    options = EvalOptions(
        golden=list(golden or []),
        split=split,
        families=list(family or []),
        subset=subset,
        corpus=list(corpus or []),
        index=index,
        mode=mode,
        out=out,
        fail_under=list(fail_under or []),
        fail_over=list(fail_over or []),
        baseline=baseline,
        limit=limit,
        support_threshold=support_threshold,
        progress=True,  # on stderr; a long evaluation shows where it is, in a terminal and in CI logs alike
    )
    with _index_errors():
        try:
            outcome = run_eval(options)
        except (EvalError, GoldenError, ThresholdError) as exc:
            _fail(str(exc))
    _print_eval_outcome(outcome)


def _print_eval_outcome(outcome: EvalOutcome) -> None:
    """One summary line per system, where the reports are, each quality gate's verdict; exit 1 when one failed."""
    from evals.report import summary_line

    for system, _ in outcome.systems():
        typer.echo(summary_line(system))
    typer.echo(
        f"{len(outcome.product_runs)} items ({len(outcome.skipped)} skipped: sources not in the corpus); "
        f"reports in {outcome.out}/ (report.md, report.json, metrics.png)"
    )
    for result in outcome.checks:
        typer.secho(result.message(), fg=typer.colors.GREEN if result.passed else typer.colors.RED)
    if not outcome.passed:
        failed = ", ".join(str(c.threshold) for c in outcome.checks if not c.passed)
        typer.secho(f"quality gate failed: {failed}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1)


@app.command()
def feedback(
    out: Annotated[Path, typer.Option("--out", help="JSONL file to write the web chat's ratings to.")],
    index: IndexOpt = None,
) -> None:
    """Export the web chat's feedback (ratings with question, answer and citations) as JSONL."""
    from assistant.library.feedback import export_jsonl, feedback_path

    settings = settings_for(index)
    try:
        count = export_jsonl(feedback_path(settings.index_dir), out)
    except (OSError, sqlite3.Error) as exc:  # no database yet, an unreadable one, an unwritable --out
        _fail(f"cannot export the feedback: {exc}")
    typer.echo(f"{count} ratings written to {out}")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
