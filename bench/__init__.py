"""Benchmarks: run one with ``python -m bench.<name>``; each prints its figures."""
