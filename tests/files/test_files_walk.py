"""Which files a walk scans: hidden files, the ignore file, include/exclude globs over relative
paths, symbolic links (not followed by default, never in a loop), FIFOs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from piscan.errors import TargetError
from piscan.sources.base import Selector
from piscan.sources.fileopts import FileOptions
from piscan.sources.files import FileSource
from piscan.sources.local import LocalFilesystem


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """Files, hidden files, ignored files, links and a loop."""
    for rel in (
        "a.log",
        "sub/b.csv",
        "sub/deeper/c.jsonl",
        ".hidden/d.log",
        ".env",
        "ignored/e.log",
        "f.tmp",
    ):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x\n")
    (tmp_path / ".piscanignore").write_text("# generated\nignored/\n*.tmp\n")
    (tmp_path / "sub-link").symlink_to("sub")
    (tmp_path / "sub" / "loop").symlink_to("..")
    (tmp_path / "a-link.log").symlink_to("a.log")
    os.mkfifo(tmp_path / "pipe")
    return tmp_path


def _walk(root: Path, selector: Selector | None = None, **options: object) -> tuple[set[str], FileSource]:
    opts = FileOptions(**options)  # type: ignore[arg-type]
    source = FileSource(LocalFilesystem(str(root), opts.follow_symlinks), opts, selector)
    return {c.path for c in source.discover()}, source


def test_default_walk_skips_hidden_ignored_links_and_fifos(tree):
    paths, source = _walk(tree)
    assert paths == {"a.log", "sub/b.csv", "sub/deeper/c.jsonl"}
    assert dict(source.notices) == {"pipe": "not a regular file (FIFO): not read"}
    assert set(dict(source.notes)) == {"a-link.log", "sub-link", "sub/loop"}


def test_hidden_files_only_on_request(tree):
    paths, _ = _walk(tree, hidden=True)
    assert {".hidden/d.log", ".env", ".piscanignore"} <= paths


def test_following_links_never_loops(tree):
    paths, source = _walk(tree, follow_symlinks=True)
    assert paths == {
        "a.log",
        "a-link.log",
        "sub/b.csv",
        "sub/deeper/c.jsonl",
        "sub-link/b.csv",
        "sub-link/deeper/c.jsonl",
    }
    loops = {loc: why for loc, why in source.notices if "loop" in why}
    assert loops == {
        "sub/loop": "symbolic link loop: not followed",
        "sub-link/loop": "symbolic link loop: not followed",
    }


@pytest.mark.parametrize(
    ("include", "exclude", "expected"),
    [
        (("*.log",), (), {"a.log"}),
        (("sub/",), (), {"sub/b.csv", "sub/deeper/c.jsonl"}),
        (("sub/*.csv",), (), {"sub/b.csv"}),
        (("**/*.jsonl",), (), {"sub/deeper/c.jsonl"}),
        ((), ("sub/deeper/",), {"a.log", "sub/b.csv"}),
        (("sub/",), ("*.csv",), {"sub/deeper/c.jsonl"}),
    ],
)
def test_include_and_exclude_are_globs_over_relative_paths(tree, include, exclude, expected):
    paths, _ = _walk(tree, Selector(include, exclude))
    assert paths == expected


def test_an_explicit_ignore_file_replaces_the_default(tree, tmp_path_factory):
    ignore = tmp_path_factory.mktemp("cfg") / "scan.ignore"
    ignore.write_text("sub/\n!sub/b.csv\n")
    paths, _ = _walk(tree, ignore_file=str(ignore))
    assert paths == {"a.log", "ignored/e.log", "f.tmp", "sub/b.csv"}
    with pytest.raises(TargetError, match="cannot read ignore file"):
        _walk(tree, ignore_file=str(tree / "missing.ignore"))


def test_names_that_are_not_utf8_are_read_and_shown_with_replacement_characters(tmp_path):
    import json

    from .helpers import scan_json

    os.makedirs(os.fsencode(tmp_path) + b"/caf\xe9", exist_ok=True)
    with open(os.fsencode(tmp_path) + b"/caf\xe9/m\xfcller.log", "wb") as out:
        out.write(b"mail to anna.meyer@example.com\n" * 5)
    run, doc = scan_json(str(tmp_path))
    assert run.code == 0, run
    assert [r["location"] for r in doc["results"]] == ["caf\ufffd/m\ufffdller.log"]
    json.dumps(doc, ensure_ascii=False).encode("utf-8")  # printable as UTF-8
