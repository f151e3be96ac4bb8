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
    SEEN_WITHIN_S,
    UNAVAILABLE,
    UPLOAD_NAME,
    UPLOAD_QUESTION,
    check_chroma_restart,
    check_hung_chroma,
    check_throughput,
    check_upload_then_remove,
    cited,
    server_state,
)
from bench.deployment_env import CHROMA_TIMEOUT_S, worker_env
from bench.load_test import QUESTIONS
from bench.shared_deployment import Deployment, deployment
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
def test_a_document_uploaded_through_one_worker_is_answered_from_in_the_other_and_one_removed_there_is_gone_from_it(
    deploy: Deployment,
) -> None:
    a, b = deploy.urls
    assert UPLOAD_NAME not in ask(b, UPLOAD_QUESTION).sources  # B cannot cite it before the upload

    figures = check_upload_then_remove(a, b, deploy.root)  # uploaded through A, removed through B

    assert UPLOAD_NAME not in listed(a) and UPLOAD_NAME not in listed(b)
    # The stated bound: the registry check interval (2 s) plus a margin for one question on a loaded machine.
    assert SEEN_WITHIN_S == 20.0
    assert figures["upload_seen_in_b_s"] < SEEN_WITHIN_S and figures["removal_seen_in_a_s"] < SEEN_WITHIN_S
    print("seen across workers:", figures)


@servers
def test_a_killed_and_restarted_chroma_server_loses_nothing_and_workers_recover(deploy: Deployment) -> None:
    held = server_state(deploy.chroma.url)
    assert set(held["documents"]) == {"partnerships-brief_2022_en.md", "remittances-note_2020_en.txt"}

    figures = check_chroma_restart(deploy.chroma, deploy.urls, deploy.root)

    # A refused connection is reported at once; the time limit (GFMD_CHROMA_TIMEOUT) only bounds a hung server.
    assert figures["slowest_reply_during_outage_s"] < CHROMA_TIMEOUT_S
    # The same documents and passages as before the kill, and each worker's answers unchanged (text, citations).
    assert server_state(deploy.chroma.url) == held and figures["passages_kept"] == len(held["passage_ids"]) > 0
    assert figures["answers_unchanged"] == 2 * len(deploy.urls) + 2  # 2 questions per worker, and a new process
    for url in deploy.urls:
        reply = ask(url, QUESTIONS[0])
        assert UNAVAILABLE not in reply.text and "remittances-note_2020_en.txt" in reply.sources


@servers
def test_questions_to_a_hung_chroma_server_all_get_the_error_within_about_one_time_limit(deploy: Deployment) -> None:
    figures = check_hung_chroma(deploy.chroma, deploy.urls, sessions=12)

    assert figures["hung_errors"] >= 10  # (a question may still be answered from a worker's own copy)
    assert figures["hung_all_replies_s"] < 2 * CHROMA_TIMEOUT_S + 10  # not 6 questions a worker × 10 s in turn


@servers
def test_twenty_concurrent_sessions_on_one_worker_then_over_both_without_errors(deploy: Deployment) -> None:
    figures = check_throughput(deploy.urls, sessions=20, questions=2, timeout_s=300)

    # Printed, not asserted: throughput and latency depend on the machine and its load (in the log with -s).
    print("shared deployment load, one worker:", figures["load_one_worker"])
    print("shared deployment load, both workers:", figures["load_all_workers"], "ratio", figures["throughput_ratio"])
    for load in (figures["load_one_worker"], figures["load_all_workers"]):
        assert load["errors"] == 0 and load["answered"] == 40, load["first_errors"]
        assert load["latency_p95_s"] < 60  # generous: a busy 2-core CI box; a hang would hit the deadline instead


def test_worker_environment_is_only_the_deployments(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GFMD_COLLECTION", "from-the-shell")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "True")
    env = worker_env("http://127.0.0.1:8123", tmp_path / "w", ui_concurrency="2")
    assert "GFMD_COLLECTION" not in env
    assert env["GFMD_CHROMA_URL"] == "http://127.0.0.1:8123" and env["GFMD_INDEX_DIR"] == str(tmp_path / "w")
    assert env["GFMD_UI_CONCURRENCY"] == "2" and env["GFMD_LLM_BACKEND"] == "none"
    assert env["ANONYMIZED_TELEMETRY"] == "False"
    assert env["PYTHONPATH"].split(":")[0] == str(Path(__file__).resolve().parents[2])


def test_citations_are_read_from_the_sources_panel_the_chat_renders() -> None:
    from gfmd.records import Answer, Citation
    from ui.render import sources_panel

    quote = dict(chunk_id="c", doc_id="d", title="T", lang="en", quote="q", text="a q b", score=1.0)
    citations = [Citation(n=1, source="a_2020_en.txt", page=3, **quote), Citation(n=2, source="b.md", page=1, **quote)]
    answer = Answer(question="?", answer="x [1] [2]", refused=False, mode="extractive", lang="en", citations=citations)

    assert cited(sources_panel(answer, turn=0)) == ["a_2020_en.txt · p. 3", "b.md · p. 1"]
    assert cited(sources_panel(None, turn=0)) == []
