"""Paired comparison of two evaluation reports (evals/compare.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.compare import compare, main, sign_test


def _item(item_id: str, **scores: float | None) -> dict:
    return {
        "id": item_id,
        "product": {
            "verdicts": {name: {"score": score, "weight": 0 if score is None else 1} for name, score in scores.items()}
        },
    }


def test_sign_test_is_exact_and_two_sided() -> None:
    assert sign_test(6, 0) == pytest.approx(2 / 64)
    assert sign_test(0, 6) == sign_test(6, 0)
    assert sign_test(3, 0) == pytest.approx(0.25)
    assert sign_test(5, 5) == 1.0
    assert sign_test(0, 0) == 1.0
    assert sign_test(9, 1) == pytest.approx(2 * 11 / 1024)


def test_items_are_paired_and_moves_read_in_each_metrics_direction() -> None:
    before = {
        "items": [
            _item("a", answered_but_wrong=1.0, fact_recall=0.0),
            _item("b", answered_but_wrong=0.0, fact_recall=1.0),
            _item("c", answered_but_wrong=0.0, fact_recall=None),
        ]
    }
    after = {
        "items": [
            _item("a", answered_but_wrong=0.0, fact_recall=0.0),  # a wrong answer gone: better (lower is better)
            _item("b", answered_but_wrong=0.0, fact_recall=0.0),  # its facts lost: worse
            _item("c", answered_but_wrong=1.0, fact_recall=1.0),  # fact_recall unscored before: not paired
        ]
    }
    rows = {r.metric: r for r in compare(before, after, ["answered_but_wrong", "fact_recall"])}
    assert rows["answered_but_wrong"].better == ["a"] and rows["answered_but_wrong"].worse == ["c"]
    assert rows["answered_but_wrong"].verdict == "within noise"
    assert rows["fact_recall"].items == 2 and rows["fact_recall"].worse == ["b"]


def test_a_lopsided_change_beats_noise() -> None:
    before = {"items": [_item(f"i{n}", answered_but_wrong=1.0) for n in range(6)]}
    after = {"items": [_item(f"i{n}", answered_but_wrong=0.0) for n in range(6)]}
    (row,) = compare(before, after, ["answered_but_wrong"])
    assert row.verdict == "better, beats noise" and row.p_value < 0.05
    (back,) = compare(after, before, ["answered_but_wrong"])
    assert back.verdict == "worse, beyond noise"


def test_main_notes_items_in_one_run_only_and_names_a_bad_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps({"items": [_item("x", hit_at_5=None, fact_recall=1.0)]}), encoding="utf-8")
    b.write_text(json.dumps({"items": [_item("x", fact_recall=1.0), _item("y", fact_recall=0.0)]}), encoding="utf-8")
    assert main([str(a), str(b), "--items"]) == 0
    out = capsys.readouterr().out
    assert "1 items in both runs; 0 only before, 1 only after" in out
    assert "| fact_recall | 1 | 1.000 | 1.000 | 0 | 0 | 1 | no item moved |" in out
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(SystemExit):
        main([str(a), str(broken)])
    assert "broken.json" in capsys.readouterr().err
