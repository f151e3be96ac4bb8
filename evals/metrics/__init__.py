"""Evaluation metrics, one module each. Every metric returns a result object with its value, the number of
units it scored and a verdict per item; a metric with nothing to score says so (value None and a reason)."""
