"""The README's examples run as written."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parents[1] / "README.md"


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.DOTALL)


def test_the_readme_has_its_langchain_example() -> None:
    (block,) = _python_blocks()
    assert "from assistant.langchain import" in block


@pytest.mark.integration
@pytest.mark.slow
def test_the_langchain_example_runs_on_the_real_index(
    real_index_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GFMD_INDEX_DIR", str(real_index_dir))
    (block,) = _python_blocks()
    exec(compile(block, str(README), "exec"), {})
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].startswith("fmmd-2020-tema6-alianzas")  # the seed paper holds the financing mechanism
    assert "272" in printed[1]  # the answer, then its citation's page
