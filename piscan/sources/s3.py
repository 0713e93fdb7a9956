"""S3 buckets and prefixes (``s3://bucket[/prefix]``) through fsspec/s3fs.

The endpoint comes from PISCAN_S3_ENDPOINT or AWS_ENDPOINT_URL (MinIO, Ceph, a local test
server); credentials from botocore's usual chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY,
AWS_SESSION_TOKEN, AWS_PROFILE, ...). None of them is ever printed.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

import s3fs

from piscan.errors import TargetError
from piscan.sources.credentials import redact_text
from piscan.sources.fs import FileInfo
from piscan.sources.smb import GuardedStream, clean_oserror

ENDPOINT_ENVS = ("PISCAN_S3_ENDPOINT", "AWS_ENDPOINT_URL")
BLOCK_SIZE = 1 << 20  # read-ahead per request: sampled chunks of huge files do not pull 50 MiB each
_SECRET_ENVS = ("AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN")


def endpoint() -> str | None:
    """The S3 endpoint from the environment, or None for AWS itself."""
    return next((os.environ[e] for e in ENDPOINT_ENVS if os.environ.get(e)), None)


class S3Filesystem:
    """The objects under one bucket prefix; checks the bucket at once, so bad targets fail early."""

    def __init__(self, target: str, timeout: float = 10.0) -> None:
        parts = urlsplit(target)
        if parts.scheme.lower() != "s3" or not parts.hostname:
            raise TargetError(f"not an s3://bucket[/prefix] URL: {redact_text(target)}")
        self.bucket = parts.hostname
        self.prefix = unquote(parts.path).lstrip("/")
        self.public = f"s3://{self.bucket}/{self.prefix}" if self.prefix else f"s3://{self.bucket}"
        self._timeout = timeout
        self._fs: s3fs.S3FileSystem | None = None
        self._pid = os.getpid()
        self._single = self._probe()  # the key when the target is one object, else ""

    def walk(self) -> Iterator[FileInfo]:
        """Every object below the prefix, one listing page (1000 keys) at a time; folder markers skipped."""
        if self._single:
            info = self._check(lambda: self._s3().info(f"{self.bucket}/{self._single}"), "no such object")
            yield FileInfo(self._single.rsplit("/", 1)[-1], int(info["size"]), _mtime(info))
            return
        root = self._root()
        token: dict[str, str] = {}
        while True:
            try:
                page = self._s3().call_s3("list_objects_v2", Bucket=self.bucket, Prefix=root, **token)
            except Exception as exc:
                raise TargetError(f"{self.public}: {self._reason(exc)}") from None
            for obj in page.get("Contents", []):
                path = obj["Key"][len(root) :].lstrip("/")
                if path and not obj["Key"].endswith("/"):
                    yield FileInfo(path, int(obj["Size"]), obj["LastModified"].timestamp())
            if not page.get("IsTruncated"):
                return
            token = {"ContinuationToken": page["NextContinuationToken"]}

    def open(self, path: str) -> BinaryIO:
        """A buffered, seekable stream of one object; every failure is an OSError with a clean message."""
        if self._single and path != self._single.rsplit("/", 1)[-1]:
            raise FileNotFoundError(f"no such object: {path}")
        if any(p in ("", ".", "..") for p in path.split("/")):
            raise OSError(f"not a path below the root: {path}")
        key = self._single or self._root() + path
        try:
            raw = self._s3().open(f"{self.bucket}/{key}", "rb", block_size=BLOCK_SIZE)
        except Exception as exc:
            raise clean_oserror(exc, self._reason(exc)) from None
        return io.BufferedReader(GuardedStream(raw, self._reason), buffer_size=BLOCK_SIZE)  # type: ignore[return-value]

    def close(self) -> None:
        """Drop the client; s3fs closes its HTTP session when it is collected."""
        self._fs = None

    def __getstate__(self) -> dict[str, object]:
        """Workers get the bucket and prefix and build their own client from the environment."""
        return {**self.__dict__, "_fs": None, "_pid": -1}

    def _root(self) -> str:
        return f"{self.prefix.rstrip('/')}/" if self.prefix else ""

    def _s3(self) -> s3fs.S3FileSystem:
        if self._fs is None or self._pid != os.getpid():  # a forked copy must not share the event loop
            config = {"connect_timeout": self._timeout, "read_timeout": 60, "retries": {"max_attempts": 2}}
            self._fs = s3fs.S3FileSystem(
                endpoint_url=endpoint(),
                skip_instance_cache=True,
                use_listings_cache=False,
                config_kwargs=config,
            )
            self._fs.retries = 2  # s3fs's own retry loop on top of botocore's; the default 5 waits long
            self._pid = os.getpid()
        return self._fs

    def _probe(self) -> str:
        """Check the bucket and prefix; the key when the target names one object, else ""."""
        self._check(lambda: self._s3().call_s3("head_bucket", Bucket=self.bucket), "no such bucket")
        if not self.prefix:
            return ""
        info = self._check(lambda: self._s3().info(f"{self.bucket}/{self.prefix}"), "no such prefix")
        return self.prefix if info.get("type") == "file" and not self.prefix.endswith("/") else ""

    def _check(self, call: Any, missing: str) -> Any:
        try:
            return call()
        except FileNotFoundError:
            raise TargetError(f"{self.public}: {missing}") from None
        except Exception as exc:
            raise TargetError(f"{self.public}: {self._reason(exc)}") from None

    def _reason(self, exc: BaseException) -> str:
        """A one-line, secret-free reason for an s3fs, botocore or aiohttp failure."""
        if isinstance(exc, PermissionError):
            text = "access denied (wrong credentials or no permission)"
        elif isinstance(exc, FileNotFoundError):
            text = "no such object"
        elif type(exc).__name__ in ("NoCredentialsError", "PartialCredentialsError"):
            text = "no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)"
        elif type(exc).__name__ in ("EndpointConnectionError", "ConnectTimeoutError"):
            text = f"cannot connect to {endpoint() or 'AWS S3'}"
        else:
            text = f"{type(exc).__name__}: {exc}"
        secrets = tuple(os.environ.get(e, "") for e in _SECRET_ENVS)
        return redact_text(" ".join(text.split()), secrets)


def _mtime(info: dict[str, Any]) -> float:
    modified = info.get("LastModified")
    return modified.timestamp() if modified is not None else 0.0
