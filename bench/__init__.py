"""Benchmarks: bounded, reproducible measurements kept out of the test suite."""
