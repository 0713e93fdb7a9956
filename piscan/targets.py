"""Turn a target string into a source: a database URL or SQLite file, or a folder, file, SMB
share or S3 prefix read through the file source."""

from __future__ import annotations

from pathlib import Path

from piscan.errors import TargetError
from piscan.sources.base import Source
from piscan.sources.credentials import redact_target, remember
from piscan.sources.fileopts import FileOptions
from piscan.sources.fs import Filesystem
from piscan.sources.sql import SqlOptions, SqlSource

SQLITE_MAGIC = b"SQLite format 3\x00"


def open_target(target: str, options: SqlOptions, files: FileOptions | None = None) -> Source:
    """Open a target; unknown kinds get a one-line error."""
    files = files or FileOptions()
    remember(target)  # before anything can fail: no message may carry its password
    scheme = target.split("://", 1)[0].lower() if "://" in target else ""
    if scheme in ("smb", "s3"):
        return _file_source(_remote(scheme, target), options, files)
    if scheme:
        return SqlSource(target, options)
    path = Path(target).expanduser()
    if path.is_file() and _is_sqlite(path):
        return SqlSource(f"sqlite:///{path.resolve()}", options, public=target)
    if not path.exists():
        raise TargetError(f"no such file or folder, and not a database URL: {redact_target(target)}")
    if not (path.is_dir() or path.is_file()):
        raise TargetError(f"not a regular file or folder: {redact_target(target)}")
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


def _is_sqlite(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(16) == SQLITE_MAGIC
    except OSError:
        return False
