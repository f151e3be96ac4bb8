"""The Chroma boundary's time limit comes from Settings (GFMD_CHROMA_TIMEOUT) and is named when it runs out."""

from __future__ import annotations

import httpx
import pytest

from gfmd.chroma import chroma_timeout, failure_reason
from gfmd.settings import Settings


def test_the_timeout_is_a_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().chroma_timeout == 30.0
    monkeypatch.setenv("GFMD_CHROMA_TIMEOUT", "2.5")
    timeout = chroma_timeout(Settings())
    assert (timeout.read, timeout.write, timeout.pool) == (2.5, 2.5, 2.5)
    assert timeout.connect == 2.5  # never longer than the whole limit


def test_connecting_gets_at_most_five_seconds() -> None:
    timeout = chroma_timeout(Settings(chroma_timeout=60))
    assert (timeout.read, timeout.connect) == (60, 5.0)


@pytest.mark.parametrize("value", ["0", "-1", "soon"])
def test_the_timeout_must_be_positive(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("GFMD_CHROMA_TIMEOUT", value)
    with pytest.raises(ValueError, match="chroma_timeout"):
        Settings()


def test_a_timeout_names_the_limit() -> None:
    exc = httpx.ReadTimeout("timed out")
    assert failure_reason(exc, 2.0) == "no answer within 2 s (ReadTimeout)"
    assert failure_reason(exc) == "no answer in time (ReadTimeout)"
