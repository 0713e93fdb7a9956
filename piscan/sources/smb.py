"""SMB shares (``smb://[domain;]user@host[:port]/share[/path]``) through smbprotocol's smbclient API."""

from __future__ import annotations

import errno
import io
import logging
import os
import stat as statmode
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

import smbclient
from smbprotocol.exceptions import SMBAuthenticationError, SMBException, SMBOSError
from smbprotocol.header import NtStatus

from piscan.errors import TargetError
from piscan.sources.credentials import redact_text
from piscan.sources.fs import FileInfo

log = logging.getLogger(__name__)

PASSWORD_ENV = "PISCAN_SMB_PASSWORD"
USER_ENV = "PISCAN_SMB_USER"
_REASONS = {
    NtStatus.STATUS_LOGON_FAILURE: "wrong user name or password",
    NtStatus.STATUS_WRONG_PASSWORD: "wrong user name or password",
    NtStatus.STATUS_PASSWORD_EXPIRED: "the password has expired",
    NtStatus.STATUS_BAD_NETWORK_NAME: "no such share",
    NtStatus.STATUS_NOT_FOUND: "no such share",
    NtStatus.STATUS_OBJECT_NAME_NOT_FOUND: "no such file or folder",
    NtStatus.STATUS_OBJECT_PATH_NOT_FOUND: "no such file or folder",
    NtStatus.STATUS_ACCESS_DENIED: "access denied",
}


@dataclass(frozen=True)
class SmbUrl:
    """A parsed ``smb://`` target; the password never appears in ``public`` or ``repr``."""

    host: str
    port: int | None
    share: str
    path: str  # below the share, "/" separators, no leading slash
    user: str | None
    password: str | None = field(default=None, repr=False)

    @property
    def public(self) -> str:
        """The target as reports show it: user, host, port, share and path; never the password."""
        user = f"{self.user.replace(chr(92), ';')}@" if self.user else ""
        host = f"[{self.host}]" if ":" in self.host else self.host
        port = f":{self.port}" if self.port else ""
        return f"smb://{user}{host}{port}/{'/'.join(p for p in (self.share, self.path) if p)}"

    def unc(self, relative: str = "") -> str:
        """The UNC path smbclient wants for a path below the target's root."""
        parts = [self.host, self.share, *self.path.split("/"), *relative.split("/")]
        return "\\\\" + "\\".join(p for p in parts if p)


def parse_smb(target: str) -> SmbUrl:
    """Parse an ``smb://`` URL; the password comes from the URL, else PISCAN_SMB_PASSWORD."""
    parts = urlsplit(target)
    segments = [unquote(s) for s in parts.path.split("/") if s]
    try:
        port = parts.port
    except ValueError:
        raise TargetError(f"bad port in {redact_text(target)}") from None
    if parts.scheme.lower() != "smb" or not parts.hostname or not segments:
        raise TargetError(f"not an smb://[user@]host[:port]/share[/path] URL: {redact_text(target)}")
    if any(s in (".", "..") for s in segments):
        raise TargetError(f"'.' and '..' are not allowed in {redact_text(target)}")
    user = unquote(parts.username) if parts.username else os.environ.get(USER_ENV) or None
    if user and ";" in user:  # smb://DOMAIN;user@host: the SMB URL convention for a domain account
        user = user.replace(";", "\\", 1)
    password = unquote(parts.password) if parts.password else os.environ.get(PASSWORD_ENV) or None
    return SmbUrl(parts.hostname, port, segments[0], "/".join(segments[1:]), user, password)


class SmbFilesystem:
    """A folder on an SMB share; connects and authenticates at once, so bad targets fail early."""

    def __init__(self, target: str, timeout: float = 10.0) -> None:
        self._url = parse_smb(target)
        self.public = self._url.public
        self.notices: list[tuple[str, str]] = []  # (folder, reason) of folders that could not be listed
        self._timeout = timeout
        self._cache: dict[str, Any] = {}
        self._pid = os.getpid()
        self._root_id = 0
        self._single = self._probe()  # the file name when the target is one file, else ""

    def walk(self) -> Iterator[FileInfo]:
        """Every entry below the root, depth first; symlinks are reported, never followed.

        Servers that follow links themselves (Samba's default) show linked folders as folders:
        folder ids already walked are not walked again, so a link to a parent cannot loop.
        """
        if self._single:
            try:
                info = smbclient.stat(self._url.unc(), **self._kwargs())
            except (OSError, SMBException, ValueError) as exc:
                raise TargetError(f"{self.public}: {self._reason(exc)}") from None
            yield FileInfo(self._single, info.st_size, info.st_mtime)
            return
        pending, seen = [""], {self._root_id}
        while pending:
            folder = pending.pop()
            try:
                entries = sorted(smbclient.scandir(self._url.unc(folder), **self._kwargs()), key=_name)
            except (OSError, SMBException, ValueError) as exc:
                self.notices.append((folder or ".", f"cannot list folder: {self._reason(exc)}"))
                continue
            for entry in entries:
                path = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_symlink():
                    yield FileInfo(path, 0, _mtime(entry), kind="symlink")
                elif entry.is_dir() and entry.smb_info.file_id in seen:
                    self.notices.append((path, "folder seen before (a link loop): not walked again"))
                elif entry.is_dir():
                    seen.add(entry.smb_info.file_id)
                    pending.append(path)
                else:
                    yield FileInfo(path, entry.smb_info.end_of_file, _mtime(entry))

    def open(self, path: str) -> BinaryIO:
        """A buffered, seekable stream of one file; every failure is an OSError with a clean message."""
        if self._single and path != self._single:
            raise FileNotFoundError(f"no such file: {path}")
        if any(p in ("", ".", "..") for p in path.split("/")):
            raise OSError(f"not a path below the root: {path}")
        unc = self._url.unc() if self._single else self._url.unc(path)
        try:
            raw = smbclient.open_file(unc, mode="rb", buffering=0, share_access="rw", **self._kwargs())
        except (OSError, SMBException, ValueError) as exc:
            raise clean_oserror(exc, self._reason(exc)) from None
        return io.BufferedReader(GuardedStream(raw, self._reason), buffer_size=1 << 20)  # type: ignore[return-value]

    def close(self) -> None:
        """Log off and close the connection (only this filesystem's own connections)."""
        if self._pid == os.getpid():
            smbclient.reset_connection_cache(fail_on_error=False, connection_cache=self._cache)
        self._cache = {}

    def __getstate__(self) -> dict[str, object]:
        """Workers get the target and credentials, not the parent's sockets."""
        return {**self.__dict__, "_cache": {}, "_pid": -1}

    def _kwargs(self) -> dict[str, Any]:
        if self._pid != os.getpid():  # a forked or unpickled copy: open connections of its own
            self._cache, self._pid = {}, os.getpid()
        return {
            "username": self._url.user,
            "password": self._url.password,
            "port": self._url.port or 445,
            "connection_timeout": self._timeout,
            "connection_cache": self._cache,
        }

    def _probe(self) -> str:
        try:
            info = smbclient.stat(self._url.unc(), **self._kwargs())
        except (OSError, SMBException, ValueError) as exc:
            self.close()
            raise TargetError(f"{self.public}: {self._reason(exc)}") from None
        self._root_id = info.st_ino
        if statmode.S_ISDIR(info.st_mode):
            return ""
        return self._url.path.rsplit("/", 1)[-1] or self._url.share

    def _reason(self, exc: BaseException) -> str:
        """A one-line, password-free reason for an smbprotocol or socket failure."""
        if isinstance(exc, SMBOSError) and exc.ntstatus in _REASONS:
            text = _REASONS[exc.ntstatus]
        elif isinstance(exc, ValueError) and "Failed to connect" in str(exc):
            detail = str(exc).rsplit(": ", 1)[-1]
            text = f"cannot connect to {self._url.host}:{self._url.port or 445} ({detail})"
        elif isinstance(exc, SMBAuthenticationError) and not self._url.user:
            text = f"authentication failed: no user name (put it in the URL or {USER_ENV})"
        else:
            text = f"{type(exc).__name__}: {exc}"
        text = " ".join(text.split())
        return redact_text(text, (self._url.password or "",))


class GuardedStream(io.RawIOBase):
    """A raw stream whose library-specific failures become OSError, so one file is skipped, not the scan."""

    def __init__(self, raw: Any, reason: Any) -> None:
        self._raw = raw
        self._why = reason

    def readable(self) -> bool:
        """Always: only reading is offered."""
        return True

    def seekable(self) -> bool:
        """Archives need seeking; both SMB and S3 streams allow it."""
        return bool(self._raw.seekable())

    def readinto(self, buffer: Any) -> int:
        """Read into ``buffer``; any failure is an OSError."""
        return self._guard(self._raw.readinto, buffer)

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        """Move within the file."""
        return self._guard(self._raw.seek, offset, whence)

    def tell(self) -> int:
        """The current offset."""
        return self._guard(self._raw.tell)

    def close(self) -> None:
        """Close the remote handle; a failure to close is not worth a skipped file."""
        if not self.closed:
            try:
                self._raw.close()
            except Exception as exc:  # the data was read; only the handle is lost
                log.debug("closing a remote file failed: %s", type(exc).__name__)
        super().close()

    def _guard(self, call: Any, *args: Any) -> Any:
        try:
            return call(*args)
        except Exception as exc:
            raise clean_oserror(exc, self._why(exc)) from None


def clean_oserror(exc: BaseException, reason: str) -> OSError:
    """An OSError of the right kind (FileNotFoundError, PermissionError, ...) whose strerror is ``reason``."""
    code = getattr(exc, "errno", None) if isinstance(exc, OSError) else None
    if not code and isinstance(exc, FileNotFoundError):
        code = errno.ENOENT
    elif not code and isinstance(exc, PermissionError):
        code = errno.EACCES
    return OSError(code, reason) if code else OSError(reason)


def _name(entry: Any) -> str:
    return str(entry.name)


def _mtime(entry: Any) -> float:
    return float(entry.smb_info.last_write_time.timestamp())
