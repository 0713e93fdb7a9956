"""Tests of the reporters (a package, so its conftest does not shadow tests/conftest.py)."""
