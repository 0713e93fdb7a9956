"""Results for the reporter tests: a real scan of examples/staging.sqlite and a hand-made file scan.

Files arrive in a later issue, so their locations are built by hand in the shapes the file
source will use (``path#field``, ``archive!member``), with names that need escaping.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from piscan.model import Coverage, Evidence, Finding, Location, ScanResult, Skipped
from piscan.policy import load_policy

ROOT = Path(__file__).resolve().parents[2]
STAGING = ROOT / "examples" / "staging.sqlite"
POLICIES = ("xwms", "westmonth")


def pytest_configure(config: pytest.Config) -> None:
    """Register the marker here: the reporter tests own it (pyproject may list it too)."""
    config.addinivalue_line("markers", "browser: opens the HTML report in a real headless Chromium")


@pytest.fixture(scope="session")
def staging_result() -> ScanResult:
    """One real scan of the example database against both bundled policies, shared by all tests."""
    from piscan.scan import ScanConfig, Scanner

    config = ScanConfig(targets=(str(STAGING),), policies=tuple(load_policy(p) for p in POLICIES))
    return Scanner(config).run()


@pytest.fixture(scope="session")
def raw_values(staging_result: ScanResult) -> set[str]:
    """Raw text values of every column with a finding (long enough not to match by chance)."""
    columns = {v.finding.location.parts[1:] for v in staging_result.verdicts}
    values: set[str] = set()
    with sqlite3.connect(f"file:{STAGING}?mode=ro", uri=True) as conn:
        for table, column in columns:
            rows = conn.execute(f'SELECT "{column}" FROM "{table}"').fetchall()
            values |= {r[0] for r in rows if isinstance(r[0], str) and len(r[0]) >= 8}
    return values


def _finding(source: str, path: str, entity: str, example: str) -> Finding:
    """A file finding; its parts are the file and the field inside it, as the file source will give them."""
    file, _, field = path.partition("#")
    location = Location(source, (file, field) if field else (file,), display=path)
    return Finding(location, entity, 40, 50, 60, 0.9, Evidence.BOTH, ("test",), example)


# (source, location, entity, masked example)
FILE_FINDINGS = (
    ("/srv/share", "logs/app.log#user.email", "EMAIL_ADDRESS", "j***@e***.com"),
    ("/srv/share", "hr/photo.jpg", "IMAGE", "<jpeg, 2048 bytes>"),
    ("s3://bucket/exports", "a.zip!member/x.csv#L12:card", "CREDIT_CARD", "4***"),
    ("/srv/share", 'notes/<b>Jane & "Doe".txt', "EDUCATION_RECORD", '<i>"G***"</i>'),
)


@pytest.fixture(scope="session")
def file_result() -> ScanResult:
    """A hand-made file scan judged by the real policies, with skipped items, notes and a clean file."""
    policies = [load_policy(p) for p in POLICIES]
    findings = tuple(_finding(*row) for row in FILE_FINDINGS)
    clean = Location("/srv/share", ("logs/clean.log",), display="logs/clean.log")
    coverage = tuple(Coverage(f.location, 60, 50, (f.entity,)) for f in findings) + (
        Coverage(clean, 200, 200, ()),
    )
    return ScanResult(
        tool_version="0.1.0",
        started="2026-01-02T03:04:05+00:00",
        finished="2026-01-02T03:04:09+00:00",
        targets=("/srv/share", "s3://bucket/exports", "smb://fs/hr"),
        policies=tuple(p.info for p in policies),
        settings={"sample_rows": 1000},
        findings=findings,
        verdicts=tuple(v for p in policies for v in p.evaluate(findings)),
        skipped=(
            Skipped("/srv/share", "hr/locked.pdf", "permission denied <root only>"),
            Skipped("smb://fs/hr", "", "cannot connect: timed out"),
        ),
        notes=(Skipped("/srv/share", "empty.csv", "file is empty"),),
        coverage=coverage,
        tables_scanned=5,
    )


class _Tables(HTMLParser):
    """Collects, per table id, each body row's attributes and cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[tuple[dict[str, str], list[str]]]] = {}
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.table = ""
        self.in_body = False
        self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        if tag == "table":
            self.table = attributes.get("id", "")
            self.tables[self.table] = []
        elif tag == "tbody":
            self.in_body = True
        elif tag == "tr" and self.in_body:
            self.tables[self.table].append((attributes, []))
        elif tag == "td" and self.in_body:
            self.tables[self.table][-1][1].append("")
            self.in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "tbody":
            self.in_body = False
        elif tag == "td":
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        if self.in_body and self.in_cell:
            self.tables[self.table][-1][1][-1] += data


@pytest.fixture
def parse_html() -> Callable[[str], _Tables]:
    """Parse a report into its tables and the list of every element (tag, attributes) seen."""

    def parse(text: str) -> _Tables:
        parser = _Tables()
        parser.feed(text)
        parser.close()
        return parser

    return parse
