"""Benchmarks: bounded, printing their figures; run with small sizes on shared machines."""
