"""Worker processes: the same findings (first lines included) as one job, in the same order;
a worker that dies costs its file, not the scan. Also: lines and first lines per field."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from piscan.sources.base import Batch, Container, Source
from piscan.sources.fileopts import FileOptions
from piscan.sources.sql import SqlOptions
from piscan.targets import open_target

from .helpers import scan_json, scan_result


def _comparable(doc: dict) -> dict:
    return {key: doc[key] for key in ("results", "skipped", "notes", "coverage", "tables_scanned")}


def test_two_jobs_report_exactly_what_one_job_does(corpus, corpus_scan):
    _, one = corpus_scan
    run, two = scan_json(str(corpus), "--jobs", "2")
    assert run.code == 1, run
    assert _comparable(two) == _comparable(one)


def _tree(tmp_path: Path) -> Path:
    for i in range(8):
        lines = ["nothing to see here"] * (i + 2) + [f"mail from client{j}@example.com" for j in range(5)]
        (tmp_path / f"app{i}.log").write_text("\n".join(lines) + "\n")
    (tmp_path / "contacts.csv").write_text("id,email\n1,\n2,ann@example.com\n3,bo@example.org\n")
    (tmp_path / "events.jsonl").write_text('{"a": 1}\n{"a": 2}\n{"user": {"email": "c@example.net"}}\n')
    return tmp_path


def test_findings_name_first_lines_and_lines_read_alike_in_workers(tmp_path):
    tree = _tree(tmp_path)
    one = scan_result(tree, jobs=1)
    two = scan_result(tree, jobs=2)
    assert one.findings == two.findings and one.coverage == two.coverage
    by_location = {(f.location.path, f.entity): f for f in one.findings}
    app3 = by_location[("app3.log", "EMAIL_ADDRESS")]
    assert (app3.first_line, app3.lines, app3.matches) == (6, 10, 5)
    email = by_location[("contacts.csv#email", "EMAIL_ADDRESS")]
    assert (email.first_line, email.lines, email.matches, email.sampled) == (3, 4, 2, 2)
    nested = by_location[("events.jsonl#user.email", "EMAIL_ADDRESS")]
    assert (nested.first_line, nested.lines, nested.sampled) == (3, 3, 1)


def test_a_worker_that_dies_costs_its_file_only(tmp_path):
    tree = _tree(tmp_path)
    (tree / "crash.log").write_text("boom\n")
    parent = os.getpid()

    def opener(target: str, sql: SqlOptions, files: FileOptions) -> Source:
        source = open_target(target, sql, files)
        read = source.read

        def dying_read(container: Container) -> Iterator[Batch]:
            if container.path == "crash.log" and os.getpid() != parent:
                os._exit(3)  # a worker killed mid-file (out of memory, a crashing library)
            return read(container)

        source.read = dying_read
        return source

    result = scan_result(tree, opener=opener, jobs=2)
    assert [(s.location, s.reason) for s in result.skipped] == [
        ("crash.log", "a worker process died while reading it (try --jobs 1)")
    ]
    assert {f.location.path for f in result.findings} >= {f"app{i}.log" for i in range(8)}
