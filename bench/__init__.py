"""Benchmarks: each ``bench/<name>_bench.py`` runs on its own (``python -m bench.<name>_bench``)
and ``python -m bench`` (``make bench``) runs them all.

Shared pieces: ``harness`` (a fresh database, gunicorn on a free port, the load generator in its
own process, the report), ``loadgen`` (the load generator), ``trivial_app`` (the product app plus
a bare Flask route to compare against), ``catalog_data`` (bulk, realistic catalog rows).
"""
