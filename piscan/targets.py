"""Turn a target string into a source: a database URL or SQLite file, or a folder, file, SMB
share or S3 prefix read through the file source."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from piscan.errors import TargetError
from piscan.sources.base import Source
from piscan.sources.credentials import redact_target, remember
from piscan.sources.fileopts import FileOptions
from piscan.sources.fs import Filesystem
from piscan.sources.sql import SqlOptions, SqlSource

SQLITE_MAGIC = b"SQLite format 3\x00"
# Suffixes that say "this is an SQLite database": such a file without the header is damaged or
# mistaken, and reading it as text would find nothing and look clean.
SQLITE_SUFFIXES = frozenset({".sqlite", ".sqlite3", ".db3", ".s3db", ".sl3"})


def open_target(target: str, options: SqlOptions, files: FileOptions | None = None) -> Source:
    """Open a target; unknown kinds get a one-line error."""
    files = files or FileOptions()
    remember(target)  # before anything can fail: no message may carry its password
    from piscan.sources.lake import is_lake

    if is_lake(target):  # lake:PATH or lake:s3://...: folders of part files read as tables
        from piscan.sources.lake import open_lake

        return open_lake(target, options.sample_rows, options.full_scan, options.selector)
    if target.lower().startswith("spark-table:"):  # the Spark session's catalog: [DB[.TABLE]]
        from piscan.sources.spark_table import SparkTableSource  # only then: a local scan loads no Spark

        o = options
        return SparkTableSource(target, o.sample_rows, o.full_scan, o.selector, o.include_views)
    scheme = target.split("://", 1)[0].lower() if "://" in target else ""
    if scheme in ("smb", "s3"):
        return _file_source(_remote(scheme, target), options, files)
    if scheme:
        return SqlSource(target, options)
    path = Path(target).expanduser()
    kind = _kind(path, target)
    if kind == "sqlite":
        return SqlSource(f"sqlite:///{path.resolve()}", options, public=target)
    from piscan.sources.local import LocalFilesystem

    local = LocalFilesystem(target, follow_symlinks=files.follow_symlinks, outside=files.follow_outside)
    return _file_source(local, options, files)


def _remote(scheme: str, target: str) -> Filesystem:
    """SMB and S3 filesystems, imported only when a target needs them."""
    if scheme == "smb":
        from piscan.sources.smb import SmbFilesystem

        return SmbFilesystem(target)
    from piscan.sources.s3 import S3Filesystem

    return S3Filesystem(target)


def _file_source(fs: Filesystem, options: SqlOptions, files: FileOptions) -> Source:
    from piscan.sources.files import FileSource

    return FileSource(fs, files, options.selector, options.max_cell_chars)


def _kind(path: Path, target: str) -> str:
    """``sqlite``, ``file`` or ``folder``, once the path has been opened: a path that cannot be
    read, or a database file that is not SQLite, is a TargetError rather than a scan that
    silently reads nothing."""
    shown = redact_target(target)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise TargetError(f"no such file or folder, and not a database URL: {shown}") from None
    except OSError as exc:  # PermissionError on a path below an unreadable folder, a loop, ...
        raise TargetError(f"cannot open {shown}: {exc.strerror or exc}") from None
    try:
        if stat.S_ISDIR(st.st_mode):
            with os.scandir(path) as entries:
                next(entries, None)
            return "folder"
        if not stat.S_ISREG(st.st_mode):
            raise TargetError(f"not a regular file or folder: {shown}")
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError as exc:
        what = "folder" if stat.S_ISDIR(st.st_mode) else "file"
        raise TargetError(f"cannot read {what} {shown}: {exc.strerror or exc}") from None
    if head == SQLITE_MAGIC or (path.suffix.lower() in SQLITE_SUFFIXES and not st.st_size):
        return "sqlite"  # SQLite treats an empty file as an empty database
    if path.suffix.lower() in SQLITE_SUFFIXES:
        raise TargetError(f"{shown} is named like an SQLite database but is not one (bad header)")
    return "file"


def anchor(target: str, root: Path) -> str:
    """A target from a config file, with a relative path taken relative to the file's folder
    (``root``) and written as the working folder opens it; URLs and absolute paths unchanged."""
    if root.resolve() == Path.cwd().resolve():
        return target
    prefix = ""
    if "://" in target:
        if not target.lower().startswith("sqlite:///") or target.startswith("sqlite:////"):
            return target
        prefix, target = "sqlite:///", target[len("sqlite:///") :]
        if not target:
            return prefix
    path = Path(target).expanduser()
    if path.is_absolute():
        return prefix + target
    return prefix + os.path.relpath(root / path, Path.cwd())
