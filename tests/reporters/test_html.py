"""The HTML report without a browser: self-contained, escaped, ordered, with the right numbers."""

from __future__ import annotations

import re
from collections import defaultdict

from piscan.coverage import declared_not_seen
from piscan.model import ScanResult
from piscan.reporters import html

FETCHING_TAGS = {"link", "img", "iframe", "object", "embed", "audio", "video", "source", "base", "frame"}


def _expected_heat(result: ScanResult) -> dict[tuple[str, str], int]:
    """Counted here independently of the reporter: distinct locations per (policy/category, source)."""
    cells: dict[tuple[str, str], set] = defaultdict(set)
    for v in result.verdicts:
        key = f"{v.policy}/{v.category}" if v.category else f"{v.policy}/(none)"
        cells[(key, v.finding.location.source)].add(v.finding.location.path)
    return {k: len(v) for k, v in cells.items()}


def test_report_is_self_contained(staging_result: ScanResult, parse_html) -> None:
    """No element or stylesheet can fetch anything, and the page's CSP forbids it anyway."""
    text = html.render(staging_result)
    page = parse_html(text)
    tags = {tag for tag, _ in page.elements}
    assert not tags & FETCHING_TAGS
    assert not [(t, a) for t, a in page.elements if {"src", "href", "srcset", "action"} & a.keys()]
    assert "url(" not in text and "@import" not in text
    csp = [a["content"] for t, a in page.elements if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0].startswith("default-src 'none'")
    assert {"style", "script"} <= tags


def test_everything_is_escaped(file_result: ScanResult, parse_html) -> None:
    """Paths and examples with markup stay text: no element comes from the data."""
    text = html.render(file_result)
    page = parse_html(text)
    assert not {"b", "i"} & {tag for tag, _ in page.elements}
    assert "notes/&lt;b&gt;Jane &amp; &quot;Doe&quot;.txt" in text
    cells = [cells for _, cells in page.tables["findings-table"]]
    assert any('notes/<b>Jane & "Doe".txt' in row for row in cells)
    assert any('<i>"G***"</i>' in row for row in cells)
    assert "permission denied &lt;root only&gt;" in text


def test_undeclared_findings_come_first(staging_result: ScanResult, parse_html) -> None:
    """An auditor sees the problems before the declared inventory."""
    rows = parse_html(html.render(staging_result)).tables["findings-table"]
    assert len(rows) == len(staging_result.verdicts)
    states = [attrs["class"].split()[1] for attrs, _ in rows]
    n = len(staging_result.undeclared)
    assert n > 0
    assert states == ["undeclared"] * n + ["declared"] * (len(rows) - n)
    assert [cells[0] for _, cells in rows[:n]] == ["NO"] * n


def test_rows_carry_the_filter_keys(staging_result: ScanResult, parse_html) -> None:
    """Each finding row names its policy, source and category, and the filters offer each of them."""
    page = parse_html(html.render(staging_result))
    options = {a.get("value") for t, a in page.elements if t == "option"}
    for attrs, cells in page.tables["findings-table"]:
        assert attrs["data-policy"] == cells[1]
        assert attrs["data-source"] == cells[3]
        assert {attrs["data-policy"], attrs["data-source"], attrs["data-category"]} <= options


def test_heatmap_counts_locations(staging_result: ScanResult, file_result: ScanResult, parse_html) -> None:
    """Every cell holds the number of locations of that policy category in that source."""
    for result in (staging_result, file_result):
        page = parse_html(html.render(result))
        expected = _expected_heat(result)
        sources = html.sources(result)
        rows = page.tables["heatmap-table"]
        categories = sum(len(p.categories) for p in result.policies)
        assert len(rows) >= categories
        for attrs, cells in rows:
            for source, cell in zip(sources, cells[2:], strict=True):
                assert int(cell) == expected.get((attrs["data-category"], source), 0)
        assert sum(int(c) for _, cells in rows for c in cells[2:]) == sum(expected.values())


def test_skipped_and_declared_not_seen_sections(file_result: ScanResult, parse_html) -> None:
    """Skipped items keep their reasons; unseen declared categories show their sample sizes."""
    page = parse_html(html.render(file_result))
    skipped = [cells for _, cells in page.tables["skipped-table"]]
    assert ["skipped", "smb://fs/hr", "", "cannot connect: timed out"] in skipped
    assert ["note", "/srv/share", "empty.csv", "file is empty"] in skipped
    unseen = page.tables["unseen-table"]
    expected = declared_not_seen(file_result)
    assert len(unseen) == len(expected) > 0
    for (_, cells), u in zip(unseen, expected, strict=True):
        assert cells[0] == u.policy and cells[1].startswith(u.category)
        assert [int(c) for c in cells[3:6]] == [u.locations, u.values, u.smallest_sample]


def test_metadata_names_tool_time_targets_and_policy_hashes(staging_result: ScanResult, parse_html) -> None:
    """An auditor can reproduce the report: tool, time, targets and policy files with their SHA-256."""
    text = html.render(staging_result)
    policies = parse_html(text).tables["policies-table"]
    assert {cells[0]: cells[3] for _, cells in policies} == {p.id: p.sha256 for p in staging_result.policies}
    for needle in (staging_result.tool_version, staging_result.started, *staging_result.targets):
        assert needle in text
    assert re.search(r"<dt>tool version</dt><dd>[^<]+</dd>", text)


def test_the_page_opens_on_the_heatmap_and_the_findings_and_ends_with_metadata(
    staging_result: ScanResult,
) -> None:
    """What needs action first: heatmap, then findings (undeclared first); metadata last."""
    text = html.render(staging_result)
    order = re.findall(r'<section id="([a-z]+)"', text)
    assert order == ["heatmap", "filters", "findings", "skipped", "unseen", "metadata"]
