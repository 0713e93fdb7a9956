"""Detector fixtures shared by the tests of this folder."""

from __future__ import annotations

import pytest

from piscan.detectors.presidio import PresidioDetector, build_engine


@pytest.fixture(scope="module")
def presidio() -> PresidioDetector:
    """Presidio with piscan's recognizers (the engine is built once per process)."""
    return PresidioDetector(build_engine())
