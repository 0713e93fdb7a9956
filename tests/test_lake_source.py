"""Lake targets (``lake:PATH``) on the local engine: folders of part files read as tables, the
Arrow type and the column name as evidence, struct fields as JSON paths, a seeded sample that
is the same every run, --full reading every row; broken lakes skipped with their reason."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from spark.lakes import make_lake


@pytest.fixture(scope="module")
def lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_lake(tmp_path_factory.mktemp("lake"))


def _rows(run) -> dict[tuple[str, str], dict]:
    return {(r["location"], r["entity"]): r for r in csv.DictReader(io.StringIO(run.stdout))}


def test_a_lake_is_read_as_tables_with_struct_fields_as_json_paths(cli, lake: Path) -> None:
    run = cli("scan", f"lake:{lake}", "-q", "-f", "csv", "--sample", "500")
    assert run.code == 0, run  # xwms declares identifiers and customer records
    found = _rows(run)
    assert ("events.user#email", "EMAIL_ADDRESS") in found
    assert ("events.user#name", "PERSON") in found
    assert ("users.phone", "PHONE_NUMBER") in found
    assert ("users.ip", "IP_ADDRESS") in found
    email = found[("events.user#email", "EMAIL_ADDRESS")]
    assert 400 <= int(email["sampled"]) <= 650  # a sample spread over 6000 rows, not the first rows
    assert "_SUCCESS" not in run.stdout + run.stderr


def test_the_sample_is_the_same_every_run_and_full_reads_every_row(cli, lake: Path) -> None:
    first = cli("scan", f"lake:{lake}", "-q", "-f", "csv", "--sample", "500")
    again = cli("scan", f"lake:{lake}", "-q", "-f", "csv", "--sample", "500")
    assert first.stdout == again.stdout
    full = cli("scan", f"lake:{lake}", "-q", "-f", "json", "--full")
    import json

    coverage = {c["location"]: c for c in json.loads(full.stdout)["coverage"]}
    assert coverage["events.user#email"]["rows"] == 6000


def test_a_folder_mixing_formats_is_skipped_with_its_reason(cli, tmp_path: Path) -> None:
    make_lake(tmp_path)
    (tmp_path / "events" / "extra.csv").write_text("a,b\n1,2\n")
    run = cli("scan", f"lake:{tmp_path}", "-q", "-f", "csv")
    assert "skipped lake:" in run.stderr and "mixes formats" in run.stderr
    assert ("users.phone", "PHONE_NUMBER") in _rows(run)


def test_a_damaged_part_file_skips_its_table_and_the_rest_goes_on(cli, tmp_path: Path) -> None:
    make_lake(tmp_path)
    (tmp_path / "events" / "dt=2026-01-01" / "part-00000.parquet").write_bytes(b"PAR1 not really")
    run = cli("scan", f"lake:{tmp_path}", "-q", "-f", "csv")
    assert "events" in run.stderr and "skipped" in run.stderr
    assert ("users.phone", "PHONE_NUMBER") in _rows(run)


def test_a_lake_that_is_not_a_folder_is_one_line_and_exit_2(cli, tmp_path: Path) -> None:
    run = cli("scan", f"lake:{tmp_path / 'nope'}", "-q")
    assert run.code == 2 and "lake: not a folder" in run.stderr


def test_a_full_scan_split_into_groups_of_files_reports_what_one_unit_does(cli, tmp_path: Path) -> None:
    lake = make_lake(tmp_path, rows_per_part=250)
    # --exhaustive: a settled column's thinning starts over in each unit, so only the examined
    # counts of a thinned scan would differ
    whole = cli("scan", f"lake:{lake}", "-q", "-f", "csv", "--full", "--exhaustive", "--unit-rows", "0")
    split = cli("scan", f"lake:{lake}", "-q", "-f", "csv", "--full", "--exhaustive", "--unit-rows", "400")
    assert whole.code == split.code == 0, split
    assert sorted(split.stdout.splitlines()) == sorted(whole.stdout.splitlines())
    from piscan.sources.base import Selector
    from piscan.sources.lake import open_lake

    source = open_lake(f"lake:{lake}", 1000, True, Selector())
    events = next(t for t in source.discover() if t.path == "events")
    groups = source.split(events, 400)
    assert groups is not None
    assert [g.describe() for g in groups] == [f"files {n}/4" for n in range(1, 5)]
