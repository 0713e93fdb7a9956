"""Zip and tar archives: every member is read as the file it is (``logs.zip!2026/app.log``),
within limits against archive bombs (declared and actual expansion ratio, total bytes expanded,
nesting depth). A broken member is skipped with its reason; the other members are still read."""

from __future__ import annotations

import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from typing import BinaryIO

from piscan.formats.base import FormatError, ReadContext, Row
from piscan.formats.compressed import RATIO_FLOOR, guarded
from piscan.formats.streams import spool

Reader = Callable[[BinaryIO, str, ReadContext, int | None], Iterator[Row]]
_MEMBER_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError)


def member_name(name: str) -> str:
    """A member path as locations show it: ``/`` separators, no leading ``./`` or ``/``."""
    clean = (
        name.encode("utf-8", "surrogateescape")
        .decode("utf-8", "replace")
        .replace("\x00", "")
        .replace("\\", "/")
    )
    while clean.startswith(("./", "/")):
        clean = clean[2:] if clean.startswith("./") else clean[1:]
    return clean


def _check_depth(ctx: ReadContext) -> None:
    if ctx.depth >= ctx.options.max_archive_depth:
        raise FormatError(f"archives nested deeper than {ctx.options.max_archive_depth} levels: not opened")


def declared_bomb(info: zipfile.ZipInfo, ctx: ReadContext) -> str:
    """Why a member's own header already marks it as a bomb, or ''."""
    opts = ctx.options
    if ctx.shared.expanded + info.file_size > opts.max_archive_bytes:
        return f"archive bomb: members declare more than {opts.max_archive_bytes >> 20} MiB in total"
    if info.file_size > RATIO_FLOOR and info.file_size > opts.max_archive_ratio * max(1, info.compress_size):
        return f"archive bomb: member declares an expansion of more than {opts.max_archive_ratio:g}x"
    return ""


def check_members(archive: zipfile.ZipFile, ctx: ReadContext) -> None:
    """Refuse a zip-based document (DOCX, XLSX) whose members declare a bomb."""
    total = sum(i.file_size for i in archive.infolist())
    if total > ctx.options.max_archive_bytes:
        raise FormatError(
            f"archive bomb: members declare more than {ctx.options.max_archive_bytes >> 20} MiB"
        )
    for info in archive.infolist():
        reason = declared_bomb(info, ctx)
        if reason:
            raise FormatError(reason)


def zip_rows(stream: BinaryIO, ctx: ReadContext, read: Reader) -> Iterator[Row]:
    """Rows of every member of a zip archive, in the archive's order."""
    _check_depth(ctx)
    try:
        archive = zipfile.ZipFile(spool(stream, ctx, "zip archive"))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise FormatError(f"broken zip archive: {exc}") from None
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            member = ctx.member(member_name(info.filename))
            reason = "encrypted member: not read" if info.flag_bits & 0x1 else declared_bomb(info, ctx)
            if reason:
                member.skip(reason)
                continue
            try:
                with archive.open(info) as raw:
                    data = guarded(raw, member, "zip member", lambda i=info: i.compress_size)
                    yield from read(data, member.unit[-1], member, info.file_size)
            except FormatError as exc:
                _member_failed(member, str(exc))
            except _MEMBER_ERRORS as exc:
                member.skip(f"broken zip member: {exc}")


def tar_rows(stream: BinaryIO, ctx: ReadContext, read: Reader) -> Iterator[Row]:
    """Rows of every regular file in a tar archive, streamed (compressed tars too)."""
    _check_depth(ctx)
    try:
        archive = tarfile.open(fileobj=stream, mode="r|*")  # noqa: SIM115 - closed by the with below
    except (tarfile.TarError, EOFError, OSError) as exc:
        raise FormatError(f"broken tar archive: {exc}") from None
    with archive:
        while True:
            try:
                info = archive.next()
            except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
                raise FormatError(f"broken tar archive: {exc}") from None
            if info is None:
                return
            member = ctx.member(member_name(info.name))
            if not info.isfile():
                if not info.isdir():
                    member.skip("link or special file inside an archive: not read")
                continue
            data = archive.extractfile(info)
            if data is None:
                continue
            try:
                yield from read(data, member.unit[-1], member, info.size)  # type: ignore[arg-type]
            except FormatError as exc:
                _member_failed(member, str(exc))


def _member_failed(member: ReadContext, reason: str) -> None:
    """A member that fails is skipped; past the total limit the whole archive stops."""
    member.skip(reason)
    if member.shared.expanded > member.options.max_archive_bytes:
        raise FormatError(reason)
