"""A shared deployment, end to end: a real Chroma server, `gfmd ingest` into it and two `gfmd serve` workers
(subprocesses, the real e5 model, extractive answers), driven through the web app's API as browsers would.

The same steps run by hand with `python -m bench.shared_deployment check` (docs/deployment.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from bench.deployment_checks import (
    CHROMA_TIMEOUT_S,
    UNAVAILABLE,
    UPLOAD_NAME,
    UPLOAD_QUESTION,
    check_chroma_restart,
    check_hung_chroma,
    check_upload_then_remove,
)
from bench.load_test import QUESTIONS, run_load
from bench.shared_deployment import Deployment, deployment, worker_env
from bench.web_client import ask, listed


def servers(test: Any) -> Any:
    """Marks a test of the running deployment: its workers load the real embedding model (bundled e5, no
    download); about 90 s for the module on a busy 2-core box."""
    return pytest.mark.slow(pytest.mark.integration(test))


@pytest.fixture(scope="module")
def deploy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    with deployment(tmp_path_factory.mktemp("shared")) as running:
        yield running


@servers
def test_a_document_uploaded_through_one_worker_is_answered_from_in_the_other_and_removal_reaches_it(
    deploy: Deployment,
) -> None:
    a, b = deploy.urls
    assert UPLOAD_NAME not in ask(b, UPLOAD_QUESTION).sources  # B cannot cite it before the upload

    figures = check_upload_then_remove(a, b, deploy.root)

    assert UPLOAD_NAME not in listed(a) and UPLOAD_NAME not in listed(b)
    # Each worker checks the registry at most every 2 s: another worker's change reaches its next question soon.
    assert figures["upload_seen_in_b_s"] < 20 and figures["removal_seen_in_b_s"] < 20


@servers
def test_workers_report_a_killed_chroma_server_at_once_and_recover_when_it_is_back(deploy: Deployment) -> None:
    figures = check_chroma_restart(deploy.chroma, deploy.urls)

    # A refused connection is reported at once; the time limit (GFMD_CHROMA_TIMEOUT) only bounds a hung server.
    assert figures["slowest_reply_during_outage_s"] < CHROMA_TIMEOUT_S
    for url in deploy.urls:  # and the workers answer from the documents ingested before the restart
        reply = ask(url, QUESTIONS[0])
        assert UNAVAILABLE not in reply.text and "remittances-note_2020_en.txt" in reply.sources


@servers
def test_questions_to_a_hung_chroma_server_all_get_the_error_within_about_one_time_limit(deploy: Deployment) -> None:
    figures = check_hung_chroma(deploy.chroma, deploy.urls, sessions=12)

    assert figures["hung_errors"] >= 10  # (a question may still be answered from a worker's own copy)
    assert figures["hung_all_replies_s"] < 2 * CHROMA_TIMEOUT_S + 10  # not 6 questions a worker × 10 s in turn


@servers
def test_twenty_concurrent_sessions_across_both_workers_without_errors(deploy: Deployment) -> None:
    result = run_load(deploy.urls, sessions=20, questions_per_session=2, timeout_s=300)
    summary = result.summary()
    print("shared deployment load:", summary)  # throughput and p50/p95, in the CI log with -s or on failure
    assert result.errors == [], result.errors[:5]
    assert result.answered == 40
    assert summary["latency_p95_s"] < 60  # generous: a busy 2-core CI box; a hang would hit the deadline instead


def test_worker_environment_is_only_the_deployments(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GFMD_COLLECTION", "from-the-shell")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "True")
    env = worker_env("http://127.0.0.1:8123", tmp_path / "w", ui_concurrency="2")
    assert "GFMD_COLLECTION" not in env
    assert env["GFMD_CHROMA_URL"] == "http://127.0.0.1:8123" and env["GFMD_INDEX_DIR"] == str(tmp_path / "w")
    assert env["GFMD_UI_CONCURRENCY"] == "2" and env["GFMD_LLM_BACKEND"] == "none"
    assert env["ANONYMIZED_TELEMETRY"] == "False"
    assert env["PYTHONPATH"].split(":")[0] == str(Path(__file__).resolve().parents[2])
