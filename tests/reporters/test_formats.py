"""The three CI/auditor formats: registered, reachable from the CLI, and free of raw values."""

from __future__ import annotations

import html as html_lib
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from piscan.model import ScanResult
from piscan.reporters import html, junit, sarif
from piscan.reporters.base import Format, renderer

STAGING = Path(__file__).resolve().parents[2] / "examples" / "staging.sqlite"
RENDERERS = {Format.SARIF: sarif.render, Format.JUNIT: junit.render, Format.HTML: html.render}


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_format_has_its_renderer(fmt: Format) -> None:
    """``--format sarif|junit|html`` reaches the right reporter (through the printable names)."""
    found = renderer(fmt)
    assert getattr(found, "__wrapped__", found) is RENDERERS[fmt]


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_no_raw_value_in_any_report(fmt: Format, staging_result: ScanResult, raw_values: set[str]) -> None:
    """Only masked examples leave the scan: no sampled value of a flagged column appears verbatim."""
    assert len(raw_values) > 100
    text = renderer(fmt)(staging_result)
    leaked = {v for v in raw_values if v in text or html_lib.escape(v) in text}
    assert not leaked, sorted(leaked)[:5]


def _parse(fmt: Format, text: str) -> int:
    """The number of findings a report carries, read back the way its consumer would."""
    if fmt == Format.SARIF:
        return len(json.loads(text)["runs"][0]["results"])
    if fmt == Format.JUNIT:
        return int(ET.fromstring(text).get("failures"))
    return text.count('class="finding ')


@pytest.mark.parametrize("fmt", sorted(RENDERERS))
def test_cli_writes_the_report_file(fmt: Format, cli, tmp_path: Path) -> None:
    """``piscan scan ... --format FMT -o FILE`` writes the report and exits 1 on undeclared data."""
    out = tmp_path / f"report.{fmt.value}"
    table = ("-i", "main.biometric_enrollments")  # one table keeps it fast; xwms does not declare biometrics
    run = cli("scan", str(STAGING), *table, "-p", "xwms", "-f", fmt.value, "-o", str(out), "-q")
    assert run.code == 1, run
    assert _parse(fmt, out.read_text(encoding="utf-8")) > 0


def test_an_empty_scan_renders_in_every_format() -> None:
    """A scan that found nothing (or could open nothing) still gives a parseable report."""
    empty = ScanResult("0.1.0", "", "", (), (), {}, (), (), ())
    assert json.loads(sarif.render(empty))["runs"][0]["results"] == []
    assert ET.fromstring(junit.render(empty)).get("tests") == "0"
    assert "Nothing was skipped." in html.render(empty)
