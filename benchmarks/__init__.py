"""Benchmarks that measure piscan; run from the repository root (``python -m benchmarks.quality``)."""
