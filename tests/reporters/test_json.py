"""JSON schema 2.0: real booleans and numbers, and a report that reads back into the same report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from piscan.errors import ConfigError
from piscan.model import ScanResult
from piscan.reporters import json as json_reporter
from piscan.reporters.base import SCHEMA_VERSION, Format, ReportContext, renderer
from piscan.reporters.json_load import from_dict, load

ROOT = Path(__file__).resolve().parents[2]


def test_schema_2_has_booleans_and_numbers(staging_result: ScanResult) -> None:
    """``declared`` is true/false and ``confidence`` a number; CSV keeps "yes"/"no" and "0.90"."""
    doc = json.loads(json_reporter.render(staging_result))
    assert doc["schema_version"] == SCHEMA_VERSION == "2.0"
    rows = doc["results"]
    assert {type(r["declared"]) for r in rows} == {bool}
    assert {type(r["confidence"]) for r in rows} <= {float, int}
    assert [r["declared"] for r in rows].count(False) == len(staging_result.undeclared) > 0
    assert all(0 <= r["confidence"] <= 1 for r in rows)
    assert {r["location_kind"] for r in rows} == {"column"}
    assert all(".".join(r["location_parts"]) == r["location"] for r in rows)
    assert all(p["categories"] for p in doc["policies"])
    csv_text = renderer(Format.CSV)(staging_result)
    assert ",no," in csv_text and ",yes," in csv_text


@pytest.mark.parametrize("fmt", list(Format))
@pytest.mark.parametrize("which", ["staging_result", "file_result"])
def test_a_saved_json_report_renders_every_format_as_the_scan_did(
    fmt: Format, which: str, request: pytest.FixtureRequest
) -> None:
    """``piscan report scan.json --format F`` gives byte for byte what ``scan --format F`` gave."""
    result: ScanResult = request.getfixturevalue(which)
    context = ReportContext(root=ROOT)
    loaded = from_dict(json.loads(json_reporter.render(result)))
    assert renderer(fmt)(loaded, context=context) == renderer(fmt)(result, context=context)


def test_reports_of_older_schemas_and_other_files_are_one_line_errors(tmp_path: Path) -> None:
    """A 1.0 report lacks what a re-render needs: the error says so and names the file."""
    old = tmp_path / "old.json"
    old.write_text(json.dumps({"schema_version": "1.0", "results": []}), encoding="utf-8")
    with pytest.raises(ConfigError, match="old.json: schema_version: 1.0 cannot be re-rendered"):
        load(old)
    other = tmp_path / "other.json"
    other.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(ConfigError, match="not a piscan JSON report"):
        load(other)
    with pytest.raises(ConfigError, match="no such report file"):
        load(tmp_path / "missing.json")
