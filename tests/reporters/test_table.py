"""The terminal report: undeclared first, one line per finding at 80 columns, full-scan notes folded."""

from __future__ import annotations

import re
from dataclasses import replace

from piscan.model import ScanResult, Skipped
from piscan.reporters import table
from piscan.reporters.base import ReportContext


def test_at_80_columns_each_finding_is_one_line_undeclared_first(staging_result: ScanResult) -> None:
    text = table.render(staging_result, width=80)
    lines = [line for line in text.splitlines() if re.match(r"  (NO |yes) ", line)]
    assert len(lines) == len(staging_result.verdicts)
    states = [line[2:5] for line in lines]
    assert states == sorted(states, key=lambda s: s != "NO ")  # undeclared first
    assert states.count("NO ") == len(staging_result.undeclared) > 0
    assert "┃" not in text  # no folded nine-column tables
    assert "declared, not seen: " in text


def test_wide_tables_put_tables_with_undeclared_findings_first(staging_result: ScanResult) -> None:
    text = table.render(staging_result, width=160)
    titles = re.findall(r"^\S+  (main\.\w+)", text, re.M)
    bad = {v.finding.location.container for v in staging_result.undeclared}
    assert titles[: len(bad)] and set(titles[: len(bad)]) == bad
    assert set(titles[len(bad) :]).isdisjoint(bad)


def test_full_scan_notes_fold_to_one_line_per_table_unless_verbose(staging_result: ScanResult) -> None:
    settled = "full scan: verdict settled, 1,000 of 90,000 non-null values examined (thinned up to 1 in 64)"
    notes = tuple(Skipped("db", f"main.big.c{i}", settled) for i in range(5)) + (
        Skipped("db", "main.small.only", settled),
        Skipped("db", "main.empty", "table is empty"),
    )
    result = replace(staging_result, notes=notes)
    folded = [line for line in table.render(result, width=160).splitlines() if line.startswith("note: ")]
    assert folded == [
        "note: db main.empty: table is empty",
        "note: db main.big: full scan: verdict settled in 5 columns, each examined on a thinning sample after"
        " it settled (-v lists each column)",
        f"note: db main.small.only: {settled}",
    ]
    verbose = table.render(result, width=160, context=ReportContext(verbose=True))
    assert sum(1 for line in verbose.splitlines() if line.startswith("note: ")) == len(notes)
