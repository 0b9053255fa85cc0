"""Benchmarks: ``make bench`` runs them all (``python -m bench``) and writes ``results.md``."""
