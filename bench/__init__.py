"""Torg benchmarks: `python bench/run.py` (see docs/benchmarks.md). Not part of the test suite."""
