"""The harness itself: its arithmetic, its labels and its determinism."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

if os.environ.get("CI") != "true":
    pytest.importorskip("faker", reason="the quality corpus is generated with Faker (the test extra)")

from benchmarks.quality.corpus import build_corpus  # noqa: E402
from benchmarks.quality.metrics import Counts, Tally  # noqa: E402
from piscan.catalog import catalog  # noqa: E402


def test_counts_arithmetic():
    c = Counts(tp=8, fp=2, fn=2)
    assert (c.precision, c.recall, round(c.f1, 3)) == (0.8, 0.8, 0.8)
    assert Counts().f1 == 1.0
    assert Counts(fp=1).f1 == 0.0


def test_allowed_labels_count_neither_way():
    tally = Tally()
    tally.score(
        "t.passport", {"PASSPORT_NUMBER"}, {"US_PASSPORT"}, {"PASSPORT_NUMBER", "US_PASSPORT", "PERSON"}
    )
    assert tally.counts["PASSPORT_NUMBER"].tp == 1
    assert "US_PASSPORT" not in tally.counts or tally.counts["US_PASSPORT"].fp == 0
    assert tally.counts["PERSON"].fp == 1
    assert tally.misses == [("PERSON", "FP", "t.passport")]


def test_corpus_is_deterministic_and_labeled_with_known_entities():
    first, second = build_corpus(), build_corpus()
    assert [t.columns for t in first.tables] == [t.columns for t in second.tables]
    known = set(catalog())
    for table in first.tables:
        for column in table.columns:
            assert column.expected | column.also <= known, (table.name, column.name)
            assert len(column.values) == len(table.columns[0].values)
            if table.group == "negative":
                assert not column.expected


def test_corpus_covers_every_entity_and_four_locales():
    corpus = build_corpus()
    labeled = {e for t in corpus.tables for c in t.columns for e in c.expected}
    missing = set(catalog()) - labeled - {"US_PASSPORT", "US_DRIVER_LICENSE"}  # labeled as "also"
    assert not missing, missing
    groups = {t.group for t in corpus.tables}
    assert {
        "generated:en_US",
        "generated:de_DE",
        "generated:fr_FR",
        "generated:zh_CN",
        "hard",
        "negative",
    } <= groups
