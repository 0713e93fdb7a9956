"""Bad input in a file tree: every problem is reported as skipped (or noted) with its reason,
stderr holds piscan's lines only, and the scan goes on to find what the good files hold."""

from __future__ import annotations

import contextlib
import gzip
import io
import json
import os
import random
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from conftest import run_cli

from piscan.errors import SkipError
from piscan.sources.base import Source
from piscan.sources.fileopts import FileOptions
from piscan.sources.files import FileSource
from piscan.sources.fs import FileInfo
from piscan.sources.local import LocalFilesystem
from piscan.sources.sql import SqlOptions

from .filecorpus import tar_bytes, zip_bytes
from .helpers import found, notes, scan_json, skipped

GOOD = "".join(f"login by person{i}@example.com\n" for i in range(20))


def _clean_stderr(run) -> None:
    assert "Traceback" not in run.stdout + run.stderr, run
    assert all(line.startswith("piscan: ") for line in run.stderr.splitlines()), run.stderr


def _noisy(n: int) -> bytes:
    """Text that compresses badly, so a truncated gzip of it still holds whole lines."""
    rng = random.Random(5)
    return "".join(
        f"{rng.randrange(10**9)} mail client{rng.randrange(10**6)}@example.org\n" for _ in range(n)
    ).encode()


@pytest.fixture
def bad_tree(tmp_path: Path) -> Path:
    """A folder with one good log and one of each kind of bad input."""
    (tmp_path / "good.log").write_text(GOOD)
    packed = gzip.compress(_noisy(1500))
    (tmp_path / "truncated.log.gz").write_bytes(packed[: len(packed) // 2])
    (tmp_path / "broken.zip").write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    (tmp_path / "broken.tar.gz").write_bytes(gzip.compress(tar_bytes({"a.log": GOOD.encode() * 100})[:1500]))
    (tmp_path / "junk.bin").write_bytes(b"\x01" + random.Random(1).randbytes(20_000))
    (tmp_path / "invalid-utf8.log").write_bytes(GOOD.encode().replace(b"\n", b"\n\xff\xfe\xfd invalid\n"))
    (tmp_path / "bomb.zip").write_bytes(zip_bytes({"zeros.txt": b"0" * (30 << 20)}))
    (tmp_path / "bomb.log.gz").write_bytes(gzip.compress(b"0" * (30 << 20)))
    deep = b"secret"
    for level in range(4):
        deep = zip_bytes({f"level{level}.zip" if level else "inner.txt": deep})
    (tmp_path / "deep.zip").write_bytes(deep)
    os.mkfifo(tmp_path / "pipe")
    with contextlib.suppress(PermissionError):  # not root: no device file
        os.mknod(tmp_path / "null", stat.S_IFCHR | 0o600, os.makedev(1, 3))
    (tmp_path / "link.log").symlink_to("good.log")
    return tmp_path


def test_each_bad_input_is_skipped_with_its_reason_and_the_scan_goes_on(bad_tree):
    run, doc = scan_json(str(bad_tree), "--jobs", "1")
    assert run.code == 0, run  # only declared emails found
    _clean_stderr(run)
    why = skipped(doc)
    assert why["pipe"] == "not a regular file (FIFO): not read"
    if (bad_tree / "null").exists():
        assert why["null"] == "not a regular file (device file): not read"
    assert why["broken.zip"] == "broken zip archive: File is not a zip file"
    assert why["broken.tar.gz"].startswith("broken tar archive")
    assert why["junk.bin"] == "binary content of unknown type: not scanned"
    assert why["truncated.log.gz"].startswith("truncated or damaged gz data after ")
    assert "ends before the end of its gzip member after line " in why["truncated.log.gz"]
    assert why["bomb.zip!zeros.txt"] == "archive bomb: member declares an expansion of more than 100x"
    assert why["bomb.log.gz"].startswith("archive bomb: gz data expands more than 100x")
    assert (
        why["deep.zip!level3.zip!level2.zip!level1.zip"] == "archives nested deeper than 3 levels: not opened"
    )
    assert notes(doc)["link.log"] == "symbolic link not followed (--follow-symlinks follows it)"
    assert notes(doc)["invalid-utf8.log"].startswith("not valid UTF-8")
    *lines, coverage = run.stderr.splitlines()
    for line in lines:
        assert line.startswith(f"piscan: skipped {bad_tree} "), line
    assert coverage.startswith("piscan: coverage: read 4 of 9 files; not read: 5 files"), coverage
    got = found(doc)
    assert got["good.log"] == {"EMAIL_ADDRESS"}
    assert got["invalid-utf8.log"] == {"EMAIL_ADDRESS"}
    assert got["truncated.log.gz"] == {"EMAIL_ADDRESS"}  # what was read before the damage counts


def _scan_as_nobody(target: str) -> dict:
    """Run the scan in a forked child that dropped root (the interpreter is already loaded, so
    only the scanned files' permissions matter); returns code, stdout and stderr."""
    run_cli("scan", target, "-q", "-f", "json")  # load every module the scan needs while still root
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        try:
            os.close(read_end)
            os.setgid(65534)
            os.setuid(65534)
            run = run_cli("scan", target, "-q", "-f", "json", "--jobs", "1")
            payload = json.dumps({"code": run.code, "stdout": run.stdout, "stderr": run.stderr}).encode()
            with os.fdopen(write_end, "wb") as out:
                out.write(payload)
        finally:
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    return json.loads(data)


def test_unreadable_file_and_folder_are_skipped_with_the_permission_error():
    folder = Path(tempfile.mkdtemp(prefix="piscan-perm-"))  # under /tmp: reachable by nobody
    try:
        folder.chmod(0o755)
        (folder / "good.log").write_text(GOOD)
        (folder / "secret.log").write_text(GOOD)
        (folder / "locked").mkdir()
        (folder / "locked" / "inside.log").write_text(GOOD)
        for path in (folder / "good.log", folder / "secret.log", folder / "locked" / "inside.log"):
            path.chmod(0o644)
        (folder / "secret.log").chmod(0o000)
        (folder / "locked").chmod(0o000)
        if os.geteuid() == 0:
            result = _scan_as_nobody(str(folder))
        else:
            run = run_cli("scan", str(folder), "-q", "-f", "json", "--jobs", "1")
            result = {"code": run.code, "stdout": run.stdout, "stderr": run.stderr}
        assert result["code"] == 0, result
        doc = json.loads(result["stdout"])
        assert skipped(doc) == {
            "secret.log": "cannot open: Permission denied",
            "locked": "cannot list folder: Permission denied",
        }
        assert found(doc) == {"good.log": {"EMAIL_ADDRESS"}}
    finally:
        (folder / "locked").chmod(0o755)
        for path in sorted(folder.rglob("*"), reverse=True):
            path.unlink() if path.is_file() else path.rmdir()
        folder.rmdir()


class _Changing(LocalFilesystem):
    """A real folder whose files change under the scan: after the listing, ``gone.log`` is
    deleted; ``shrinks.log`` is truncated on disk after its first block has been read."""

    def walk(self) -> Iterator[FileInfo]:
        yield from super().walk()
        (self.base / "gone.log").unlink()

    def open(self, path: str) -> BinaryIO:
        stream = super().open(path)
        if path != "shrinks.log":
            return stream
        target = self.base / path

        class Shrinking(io.RawIOBase):
            reads = 0

            def readable(self) -> bool:
                return True

            def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
                data = stream.read(len(buffer))
                Shrinking.reads += 1
                if Shrinking.reads == 1:
                    os.truncate(target, 1000)
                buffer[: len(data)] = data
                return len(data)

            def close(self) -> None:
                stream.close()
                super().close()

        return io.BufferedReader(Shrinking(), 1 << 16)


def test_files_that_vanish_or_change_mid_scan_are_skipped(tmp_path):
    from piscan.targets import open_target

    from .helpers import scan_result

    (tmp_path / "good.log").write_text(GOOD)
    (tmp_path / "gone.log").write_text(GOOD)
    (tmp_path / "shrinks.log").write_text(GOOD * 1000)  # far more than one block

    def opener(target: str, sql: SqlOptions, files: FileOptions) -> Source:
        source = open_target(target, sql, files)
        source.fs = _Changing(target)
        return source

    result = scan_result(tmp_path, opener=opener, jobs=1)
    why = {s.location: s.reason for s in result.skipped}
    assert why["gone.log"] == "vanished before it could be read"
    assert why["shrinks.log"].startswith("changed while it was read: it ended at byte")
    assert {f.location.path for f in result.findings} >= {"good.log"}


def test_a_fifo_put_in_place_of_a_listed_file_is_refused_without_blocking(tmp_path):
    (tmp_path / "app.log").write_text(GOOD)
    source = FileSource(LocalFilesystem(str(tmp_path)))
    [container] = list(source.discover())
    (tmp_path / "app.log").unlink()
    os.mkfifo(tmp_path / "app.log")
    with pytest.raises(SkipError, match="cannot open: not a regular file"):
        list(source.read(container))


def test_archive_limits_apply_to_total_size_and_depth(tmp_path):
    members = {f"part{i}.log": _noisy(20_000) for i in range(3)}  # ~600 KiB each, hardly compressible
    (tmp_path / "big.zip").write_bytes(zip_bytes(members))
    (tmp_path / "big.tar").write_bytes(tar_bytes({"a.zip": zip_bytes({"b.zip": zip_bytes({"c.txt": b"x"})})}))
    source = FileSource(
        LocalFilesystem(str(tmp_path)), FileOptions(max_archive_bytes=1 << 20, max_archive_depth=2)
    )
    by_path = {c.path: c for c in source.discover()}
    list(source.read(by_path["big.zip"]))
    list(source.read(by_path["big.tar"]))
    assert ("big.zip!part1.log", "archive bomb: members declare more than 1 MiB in total") in source.notices
    assert ("big.tar!a.zip!b.zip", "archives nested deeper than 2 levels: not opened") in source.notices


def test_a_100_mb_single_line_is_sampled_in_bounded_memory(tmp_path):
    piece = ("mail anna.meyer@example.com about the order " * 30)[:1024]
    with (tmp_path / "one-line.log").open("w") as out:
        for _ in range(100):
            out.write(piece * 1024)
    (tmp_path / "good.log").write_text(GOOD)
    run, doc = scan_json(str(tmp_path), "--jobs", "1")
    assert run.code == 0, run
    assert notes(doc)["one-line.log"].startswith(
        "sampled 8.0 MiB of 100.0 MiB: the head and 16 random chunks"
    )
    assert "EMAIL_ADDRESS" in found(doc)["one-line.log"]  # cut into pieces, the line is still read
    assert found(doc)["good.log"] == {"EMAIL_ADDRESS"}
    coverage = {c["location"]: c for c in doc["coverage"]}
    assert coverage["one-line.log"]["rows"] <= 17  # the head's line and one partial line per chunk
