"""Benchmarks: run one with ``python -m bench.<name>_bench``; each prints its figures."""
