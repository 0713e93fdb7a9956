"""Fixtures for file scans: a corpus generated once per session in every supported format."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Run

from .filecorpus import build
from .helpers import scan_json


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus folder (built once per session)."""
    return build(tmp_path_factory.mktemp("files") / "corpus")


@pytest.fixture(scope="session")
def corpus_scan(corpus: Path) -> tuple[Run, dict]:
    """One CLI scan of the corpus with one job, shared by the tests that read it."""
    return scan_json(str(corpus), "--jobs", "1")
