"""SmbFilesystem against a real Samba server: walk, open, credentials, and one-line errors."""

from __future__ import annotations

import io
import pickle

import pytest

from piscan.detectors.media import MediaDetector
from piscan.errors import TargetError
from piscan.model import Column, Location, Record, ValueKind
from piscan.sources.smb import PASSWORD_ENV, SmbFilesystem, parse_smb


@pytest.fixture
def smb_env(monkeypatch: pytest.MonkeyPatch, samba) -> None:
    """The password in PISCAN_SMB_PASSWORD, the way a CI job would pass it."""
    monkeypatch.setenv(PASSWORD_ENV, samba.password)


def _media(data: bytes) -> set[str]:
    record = Record(Location("smb", ("f",)), Column("f", "file", ValueKind.BINARY), (data,))
    return {d.entity for d in MediaDetector().detect(record, ())}


def test_walk_lists_every_file_with_slash_paths_and_sizes(samba, smb_env, corpus_bytes):
    fs = SmbFilesystem(samba.url())
    try:
        found = {f.path: f for f in fs.walk()}
    finally:
        fs.close()
    assert set(found) == set(corpus_bytes)
    assert all(found[p].size == len(data) and found[p].kind == "file" for p, data in corpus_bytes.items())
    assert all(f.mtime > 0 for f in found.values())
    assert fs.notices == []


def test_open_streams_the_exact_bytes_and_seeks(samba, smb_env, corpus_bytes, corpus_module):
    fs = SmbFilesystem(samba.url())
    try:
        for path, data in corpus_bytes.items():
            with fs.open(path) as stream:
                assert stream.read() == data
        with fs.open(corpus_module.SPEECH) as stream:
            stream.seek(-100, io.SEEK_END)
            assert stream.read() == corpus_bytes[corpus_module.SPEECH][-100:]
    finally:
        fs.close()


def test_media_detector_on_files_read_over_smb(samba, smb_env, corpus_module):
    fs = SmbFilesystem(samba.url())
    try:
        face = _media(fs.open(corpus_module.FACE_PHOTO).read())
        speech = _media(fs.open(corpus_module.SPEECH).read())
        finger = _media(fs.open(corpus_module.FINGERPRINT).read())
        chart = _media(fs.open("share/clean/chart.png").read())
    finally:
        fs.close()
    assert face == {"IMAGE", "FACE_TEMPLATE"}
    assert speech == {"AUDIO_RECORDING"}
    assert finger == {"FINGERPRINT_TEMPLATE"}
    assert chart == set()


def test_a_subfolder_target_has_paths_relative_to_it(samba, smb_env):
    fs = SmbFilesystem(samba.url("corpus/share/hr"))
    try:
        assert sorted(f.path for f in fs.walk()) == ["employees.csv", "notes.txt"]
        assert fs.open("notes.txt").read().startswith(b"Call notes")
    finally:
        fs.close()


def test_a_single_file_target_walks_to_that_file(samba, smb_env, corpus_bytes):
    fs = SmbFilesystem(samba.url("corpus/share/hr/notes.txt"))
    try:
        assert [f.path for f in fs.walk()] == ["notes.txt"]
        assert fs.open("notes.txt").read() == corpus_bytes["share/hr/notes.txt"]
        with pytest.raises(FileNotFoundError):
            fs.open(".piscanignore")  # the file source looks for one at the root
    finally:
        fs.close()


def test_password_from_the_url_works_and_is_never_public(samba, monkeypatch):
    monkeypatch.delenv(PASSWORD_ENV, raising=False)
    fs = SmbFilesystem(samba.url(password=samba.password))
    try:
        assert fs.public == f"smb://{samba.user}@127.0.0.1:{samba.port}/corpus"
        assert samba.password not in repr(parse_smb(samba.url(password=samba.password)))
        assert next(iter(fs.walk())).path
    finally:
        fs.close()


def test_wrong_password_is_a_one_line_target_error_without_the_password(samba, monkeypatch):
    monkeypatch.setenv(PASSWORD_ENV, samba.password + "-wrong")
    with pytest.raises(TargetError) as err:
        SmbFilesystem(samba.url())
    message = str(err.value)
    assert message == f"smb://{samba.user}@127.0.0.1:{samba.port}/corpus: wrong user name or password"
    with pytest.raises(TargetError) as err:
        SmbFilesystem(samba.url(password="url-Secret-9"))
    assert "url-Secret-9" not in str(err.value) and "\n" not in str(err.value)


def test_unreachable_server_is_a_one_line_target_error(samba, smb_env, closed_port):
    with pytest.raises(TargetError) as err:
        SmbFilesystem(f"smb://{samba.user}@127.0.0.1:{closed_port}/corpus", timeout=3)
    message = str(err.value)
    target = f"smb://{samba.user}@127.0.0.1:{closed_port}/corpus"
    assert message.startswith(f"{target}: cannot connect to 127.0.0.1:{closed_port} (")
    assert "\n" not in message and samba.password not in message


@pytest.mark.parametrize(
    ("path", "reason"),
    [("no-such-share", "no such share"), ("corpus/no/such/folder", "no such file or folder")],
)
def test_missing_share_or_folder(samba, smb_env, path, reason):
    with pytest.raises(TargetError, match=f": {reason}$"):
        SmbFilesystem(samba.url(path))


def test_a_missing_file_is_an_oserror_with_a_clean_message(samba, smb_env):
    fs = SmbFilesystem(samba.url())
    try:
        with pytest.raises(FileNotFoundError) as err:
            fs.open("share/gone.txt")
        assert err.value.strerror == "no such file or folder"
        with pytest.raises(OSError, match="not a path below the root"):
            fs.open("../etc/passwd")
    finally:
        fs.close()


def test_a_link_to_a_parent_folder_is_walked_once(samba, smb_env):
    (samba.scratch / "loop").mkdir(exist_ok=True)
    (samba.scratch / "loop" / "a.txt").write_text("a")
    up = samba.scratch / "loop" / "up"
    if not up.is_symlink():
        up.symlink_to("..")
    fs = SmbFilesystem(samba.url("scratch"))
    try:
        paths = [f.path for f in fs.walk()]
    finally:
        fs.close()
    assert paths == ["loop/a.txt"]
    assert fs.notices == [("loop/up", "folder seen before (a link loop): not walked again")]


def test_a_pickled_copy_opens_its_own_connection(samba, smb_env, corpus_bytes):
    fs = SmbFilesystem(samba.url())
    try:
        copy = pickle.loads(pickle.dumps(fs))
        assert copy.open("share/hr/notes.txt").read() == corpus_bytes["share/hr/notes.txt"]
        copy.close()
        assert fs.open("share/hr/notes.txt").read() == corpus_bytes["share/hr/notes.txt"]
    finally:
        fs.close()


def test_urls_that_are_not_smb_targets():
    for bad in ("smb://host", "smb:///share", "smb://host/share/../x", "smb://host:99999/share"):
        with pytest.raises(TargetError):
            parse_smb(bad)
    assert parse_smb("smb://CORP;anna@fs/hr").user == "CORP\\anna"
    assert parse_smb("smb://CORP;anna:pw@fs/hr/x%20y").public == "smb://CORP;anna@fs/hr/x y"
