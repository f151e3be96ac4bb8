"""Measurements: load test of the web API and the benchmark table (see bench/README.md)."""
