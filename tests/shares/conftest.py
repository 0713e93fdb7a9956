"""Real servers for the share tests: Samba's smbd and moto's S3 server, on loopback, once per session.

Both hold the example file corpus (examples/make_file_corpus.py). A server whose program is
missing skips its tests on a developer's laptop, but fails them under CI (CI=true).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUCKET = "piscan-corpus"
PREFIX = "2026"
S3_KEY = "piscan-test-key"
S3_SECRET = "s3-Secret-" + secrets.token_hex(8)  # random: a leak would show up in any message


def load_corpus_module() -> ModuleType:
    """examples/make_file_corpus.py as a module (examples/ is not a package)."""
    path = ROOT / "examples" / "make_file_corpus.py"
    spec = importlib.util.spec_from_file_location("make_file_corpus", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_file_corpus"] = module
    spec.loader.exec_module(module)
    return module


CORPUS = load_corpus_module()


def unavailable(what: str) -> None:
    """Skip on a laptop without the server; fail in CI, where it must be installed."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{what} (CI=true: install it, see .ci/run)")
    pytest.skip(what)


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def _stop(proc: subprocess.Popen, group: bool = False) -> None:
    """Stop a server this session started; with ``group``, also the children in its own process group."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)
    if group:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example corpus, built once; the servers serve copies of it."""
    root = tmp_path_factory.mktemp("corpus")
    CORPUS.build(root)
    return root


@dataclass(frozen=True)
class Samba:
    """A running smbd: shares ``corpus`` (the example corpus) and ``scratch`` (for tests to change)."""

    port: int
    user: str
    password: str
    scratch: Path

    def url(self, path: str = "corpus", password: str | None = None) -> str:
        """``smb://user[:password]@127.0.0.1:port/path``."""
        secret = f":{password}" if password is not None else ""
        return f"smb://{self.user}{secret}@127.0.0.1:{self.port}/{path}"


_SMB_CONF = """[global]
  server role = standalone server
  workgroup = WORKGROUP
  netbios name = PISCANTEST
  smb ports = {port}
  interfaces = 127.0.0.1
  bind interfaces only = yes
  disable netbios = yes
  lock directory = {base}/lock
  state directory = {base}/state
  cache directory = {base}/cache
  private dir = {base}/private
  pid directory = {base}/run
  ncalrpc dir = {base}/run/ncalrpc
  log file = {base}/log/smbd.log
  passdb backend = tdbsam:{base}/private/passdb.tdb
  load printers = no
  printing = bsd
  printcap name = /dev/null
  disable spoolss = yes
  map to guest = never
  server min protocol = SMB2_10
[corpus]
  path = {base}/corpus
  read only = yes
  valid users = {user}
[scratch]
  path = {base}/scratch
  read only = yes
  valid users = {user}
"""


@pytest.fixture(scope="session")
def samba(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> Iterator[Samba]:
    """smbd on a free loopback port, with a private config, passdb and state; stopped after the session."""
    smbd = shutil.which("smbd") or shutil.which("smbd", path="/usr/sbin:/sbin")
    smbpasswd = shutil.which("smbpasswd") or shutil.which("smbpasswd", path="/usr/bin:/usr/sbin")
    if not smbd or not smbpasswd:
        unavailable("Samba's smbd is not installed (apt-get install samba)")
    base = tmp_path_factory.mktemp("samba")
    for sub in ("lock", "state", "cache", "private", "run", "log", "scratch"):
        (base / sub).mkdir()
    shutil.copytree(corpus, base / "corpus")
    port, user, password = free_port(), pwd.getpwuid(os.getuid()).pw_name, "smb-Pw-" + secrets.token_hex(8)
    conf = base / "smb.conf"
    conf.write_text(_SMB_CONF.format(port=port, base=base, user=user))
    added = subprocess.run(
        [smbpasswd, "-c", str(conf), "-a", "-s", user],
        input=f"{password}\n{password}\n",
        capture_output=True,
        text=True,
        timeout=60,
    )
    if added.returncode != 0:
        unavailable(f"smbpasswd could not add {user}: {added.stderr.strip() or added.stdout.strip()}")
    # A session of its own: on SIGTERM smbd signals its whole process group, which must not be pytest's.
    proc = subprocess.Popen(
        [smbd, "--foreground", "--no-process-group", "-s", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        if not _wait_for_port(port, proc):
            log = base / "log" / "smbd.log"
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            unavailable(f"smbd did not start on port {port}: {tail}")
        yield Samba(port, user, password, base / "scratch")
    finally:
        _stop(proc, group=True)


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """moto's S3 server (no auth: any key is accepted) holding the corpus under s3://piscan-corpus/2026/."""
    proc, endpoint = _start_moto({})
    try:
        yield endpoint
    finally:
        _stop(proc)


@pytest.fixture(scope="session")
def moto_auth_endpoint() -> Iterator[str]:
    """A second moto server that checks credentials (it knows none, so every key is wrong)."""
    proc, endpoint = _start_moto({"INITIAL_NO_AUTH_ACTION_COUNT": "0"})
    try:
        yield endpoint
    finally:
        _stop(proc)


def _start_moto(env: dict[str, str]) -> tuple[subprocess.Popen, str]:
    if importlib.util.find_spec("moto.server") is None or importlib.util.find_spec("flask") is None:
        unavailable("moto's server mode is not installed (pip install 'moto[server]')")
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not _wait_for_port(port, proc):
        _stop(proc)
        unavailable(f"moto_server did not start on port {port}")
    return proc, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="session")
def s3_bucket(moto_endpoint: str, corpus: Path) -> str:
    """The corpus uploaded to s3://piscan-corpus/2026/ with boto3 (the client piscan does not use)."""
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=moto_endpoint,
        region_name="us-east-1",
        aws_access_key_id=S3_KEY,
        aws_secret_access_key=S3_SECRET,
    )
    client.create_bucket(Bucket=BUCKET)
    for path in sorted(p for p in corpus.rglob("*") if p.is_file()):
        client.upload_file(str(path), BUCKET, f"{PREFIX}/{path.relative_to(corpus).as_posix()}")
    client.put_object(Bucket=BUCKET, Key=f"{PREFIX}/share/empty-folder/", Body=b"")  # a console "folder"
    return BUCKET


def s3_variables(endpoint: str, key: str = S3_KEY, secret: str = S3_SECRET) -> dict[str, str | None]:
    """The environment piscan's S3 filesystem reads: endpoint and credentials (None: unset)."""
    return {
        "PISCAN_S3_ENDPOINT": endpoint,
        "AWS_ACCESS_KEY_ID": key,
        "AWS_SECRET_ACCESS_KEY": secret,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EC2_METADATA_DISABLED": "true",  # never ask a metadata service
        "AWS_CONFIG_FILE": os.devnull,
        "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
        "AWS_PROFILE": None,
        "AWS_ENDPOINT_URL": None,
        "AWS_SESSION_TOKEN": None,
    }


def apply_env(monkeypatch: pytest.MonkeyPatch, variables: dict[str, str | None]) -> None:
    """Set or unset each variable for one test (or one module, with MonkeyPatch.context)."""
    for name, value in variables.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


@pytest.fixture(scope="session")
def s3_vars(moto_endpoint: str) -> dict[str, str | None]:
    """Endpoint and credentials of the local S3 server, as environment variables."""
    return s3_variables(moto_endpoint)


@pytest.fixture
def s3_env(monkeypatch: pytest.MonkeyPatch, s3_vars: dict[str, str | None], moto_endpoint: str) -> str:
    """Point piscan's S3 filesystem at the local server, with credentials in the standard variables."""
    apply_env(monkeypatch, s3_vars)
    return moto_endpoint


@pytest.fixture
def use_env(monkeypatch: pytest.MonkeyPatch) -> Callable[[dict[str, str | None]], None]:
    """``use_env(variables)`` sets and unsets environment variables for the current test."""
    return lambda variables: apply_env(monkeypatch, variables)


@pytest.fixture(scope="session")
def env_applier() -> Callable[[pytest.MonkeyPatch, dict[str, str | None]], None]:
    """apply_env, for module-scoped fixtures that bring their own MonkeyPatch.context()."""
    return apply_env


@pytest.fixture(scope="session")
def s3_wrong_vars(moto_auth_endpoint: str) -> dict[str, str | None]:
    """A server that checks credentials, and a key it does not know."""
    return s3_variables(moto_auth_endpoint, "nobody", "s3-Wrong-4242")


@pytest.fixture(scope="session")
def corpus_module() -> ModuleType:
    """examples/make_file_corpus.py: ``build``, ``EXPECTED``, ``CLEAN`` and the planted file names."""
    return CORPUS


@pytest.fixture(scope="session")
def corpus_bytes(corpus: Path) -> dict[str, bytes]:
    """Every corpus file by its '/' path relative to the corpus root."""
    return {p.relative_to(corpus).as_posix(): p.read_bytes() for p in corpus.rglob("*") if p.is_file()}


@pytest.fixture(scope="session")
def closed_port() -> int:
    """A loopback port with no server behind it."""
    return free_port()
