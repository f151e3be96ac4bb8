"""CI-sized load test: the real web app on 127.0.0.1, 20 concurrent API sessions, zero errors allowed.

The full-size run (and the real model) is `python -m bench.load_test`; see bench/README.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.load_test import run_load, serve, tiny_assistant
from bench.stats import percentile


@pytest.mark.slow
def test_twenty_concurrent_sessions_without_errors(tmp_path: Path) -> None:
    assistant = tiny_assistant(tmp_path)
    with serve(assistant.settings, assistant) as url:
        result = run_load(url, sessions=20, questions_per_session=2, timeout_s=240)
    summary = result.summary()
    print("load test:", summary)  # shown with -s / in the CI log on failure
    assert result.errors == [], result.errors[:5]
    assert result.answered == 40
    assert summary["latency_p95_s"] < 60  # generous: a busy 2-core CI box; a hang would hit the deadline instead


def test_percentile_is_nearest_rank() -> None:
    values = sorted(float(v) for v in range(1, 21))
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 100)) == (10.0, 19.0, 20.0)
    assert percentile([], 50) == 0.0


def test_the_chats_error_replies_count_as_errors_not_answers() -> None:
    from collections.abc import Iterator

    from bench.load_test import failure_reply
    from gfmd.errors import IndexUnavailableError
    from ui.chat import stream_answer

    class Failing:
        def __init__(self, error: Exception) -> None:
            self.error = error

        def stream(self, question: str, **options: object) -> Iterator[object]:
            raise self.error

    for error in (IndexUnavailableError("reading from the Chroma server at http://127.0.0.1:9 failed"), OSError()):
        (reply,) = list(stream_answer(Failing(error), "What are diaspora bonds?"))  # type: ignore[arg-type]
        assert failure_reply(reply.markdown) is not None
    assert failure_reply("Nigeria raised 300 million dollars with its first diaspora bond in 2017.") is None
