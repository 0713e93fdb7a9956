"""The Spark engine's benchmark (docs/BENCHMARKS.md, "Spark")."""
