"""Choosing the support thresholds from one low-threshold run (bench/tune_thresholds.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.tune_thresholds import best_pair, counts, leave_one_family_out, main, read_report

LOW_SAME, LOW_CROSS = 0.70, 0.69


def _item(item_id: str, family: str, answerable: bool, support: float | None, wrong: bool, cross: bool = False) -> dict:
    answered = support is not None
    return {
        "id": item_id,
        "family": family,
        "answerable": answerable,
        "product": {
            "refused": not answered,
            "support": support,
            "support_threshold": (LOW_CROSS if cross else LOW_SAME) if answered else None,
            "verdicts": {"answered_but_wrong": {"score": 1.0 if answered and wrong else 0.0}},
        },
    }


def _report(tmp_path: Path, items: list[dict]) -> Path:
    path = tmp_path / "report.json"
    path.write_text(json.dumps({"items": items}), encoding="utf-8")
    return path


def test_raising_a_threshold_refuses_the_answers_below_it(tmp_path: Path) -> None:
    outcomes = read_report(
        _report(
            tmp_path,
            [
                _item("right", "a", True, 0.90, False),
                _item("weak-right", "a", True, 0.84, False),
                _item("wrong", "a", True, 0.85, True),
                _item("near-miss", "a", False, 0.86, True),
                _item("cross-wrong", "a", False, 0.80, True, cross=True),
                _item("refused", "a", True, None, False),
            ],
        ),
        LOW_CROSS,
    )
    assert [o.cross for o in outcomes] == [False, False, False, False, True, False]
    at_low = counts(outcomes, LOW_SAME, LOW_CROSS)
    assert (at_low.wrong, at_low.false_refusals, at_low.unanswerable_refused) == (3, 1, 0)
    raised = counts(outcomes, 0.87, 0.81)
    assert (raised.wrong, raised.false_refusals, raised.unanswerable_refused) == (0, 3, 2)
    # A wrong answer costs 1 and a false refusal 0.5. At 0.855 the near miss (0.86) is still answered: 1 + 3 * 0.5;
    # at 0.87 nothing wrong is left: 3 * 0.5. At 0.845 the weak right answer stands: 2 + 2 * 0.5.
    assert best_pair(outcomes, [0.70, 0.845, 0.855, 0.87], [0.69, 0.81], 0.5) == (0.87, 0.81)


def test_each_family_gets_the_pair_chosen_on_the_others() -> None:
    from bench.tune_thresholds import Outcome

    a = [Outcome(f"a{n}", "a", True, True, True, 0.85, False) for n in range(3)]  # family a: wrong at 0.85
    b = [Outcome(f"b{n}", "b", True, True, False, 0.85, False) for n in range(3)]  # family b: right at 0.85
    grid = [0.80, 0.86]
    total, chosen = leave_one_family_out(a + b, grid, [0.80], 0.5)
    # Judged by b alone, 0.80 is best, so a's wrong answers stand; judged by a alone, 0.86, refusing b's right ones.
    assert chosen == {"a": (0.80, 0.80), "b": (0.86, 0.80)}
    assert (total.wrong, total.false_refusals) == (3, 3)


def test_a_report_without_support_is_rejected_by_name(tmp_path: Path) -> None:
    item = _item("old", "a", True, 0.9, False)
    del item["product"]["support"]
    with pytest.raises(ValueError, match=r"old.*support"):
        read_report(_report(tmp_path, [item]), LOW_CROSS)


def test_main_prints_in_use_chosen_and_left_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _report(tmp_path, [_item("x", "a", True, 0.9, False), _item("y", "b", False, 0.75, True)])
    assert main([str(path), "--same", "0.70", "--cross", "0.69", "--current", "0.84", "0.825"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["in_use"]["answered_but_wrong"] == 0
    assert set(printed) == {"refusal_cost", "in_use", "chosen_on_every_item", "leave_one_family_out"}
