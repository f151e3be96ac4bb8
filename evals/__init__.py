"""Evaluation harness (`gfmd eval`): golden questions through the assistant and a tutorial baseline, scored.

golden.py (load and validate) → runner.py (index, runs) → metrics/ (one module per metric) → evaluate.py
(breakdowns, failures) → report.py, report_md.py, plot.py (report.json, report.md, metrics.png).
"""
