"""S3Filesystem against a local S3 server (moto): walk, open, endpoint and credentials, one-line errors."""

from __future__ import annotations

import io
import pickle

import pytest

from piscan.detectors.media import MediaDetector
from piscan.errors import TargetError
from piscan.model import Column, Location, Record, ValueKind
from piscan.sources.s3 import S3Filesystem


def _media(data: bytes) -> set[str]:
    record = Record(Location("s3", ("f",)), Column("f", "file", ValueKind.BINARY), (data,))
    return {d.entity for d in MediaDetector().detect(record, ())}


def test_walk_lists_every_object_below_the_prefix(s3_env, s3_bucket, corpus_bytes):
    fs = S3Filesystem(f"s3://{s3_bucket}/2026")
    found = {f.path: f for f in fs.walk()}
    fs.close()
    assert fs.public == f"s3://{s3_bucket}/2026"
    assert set(found) == set(corpus_bytes)  # the "empty-folder/" marker is not a file
    assert all(found[p].size == len(data) and found[p].mtime > 0 for p, data in corpus_bytes.items())


def test_open_streams_the_exact_bytes_and_seeks(s3_env, s3_bucket, corpus_bytes, corpus_module):
    fs = S3Filesystem(f"s3://{s3_bucket}/2026/")
    for path, data in corpus_bytes.items():
        with fs.open(path) as stream:
            assert stream.read() == data
    with fs.open(corpus_module.SPEECH) as stream:
        stream.seek(-100, io.SEEK_END)
        assert stream.read() == corpus_bytes[corpus_module.SPEECH][-100:]


def test_media_detector_on_objects_read_from_s3(s3_env, s3_bucket, corpus_module):
    fs = S3Filesystem(f"s3://{s3_bucket}/2026")
    assert _media(fs.open(corpus_module.FACE_PHOTO).read()) == {"IMAGE", "FACE_TEMPLATE"}
    assert _media(fs.open(corpus_module.GEOTAGGED).read()) == {"PRECISE_GEOLOCATION"}
    assert _media(fs.open(corpus_module.SPEECH).read()) == {"AUDIO_RECORDING"}
    assert _media(fs.open(corpus_module.FINGERPRINT).read()) == {"FINGERPRINT_TEMPLATE"}
    assert _media(fs.open("share/clean/chart.png").read()) == set()


def test_bucket_root_sub_prefix_and_single_object_targets(s3_env, s3_bucket, corpus_bytes):
    root = {f.path for f in S3Filesystem(f"s3://{s3_bucket}").walk()}
    assert root == {f"2026/{p}" for p in corpus_bytes}
    hr = S3Filesystem(f"s3://{s3_bucket}/2026/share/hr")
    assert sorted(f.path for f in hr.walk()) == ["employees.csv", "notes.txt"]
    one = S3Filesystem(f"s3://{s3_bucket}/2026/share/hr/notes.txt")
    assert [f.path for f in one.walk()] == ["notes.txt"]
    assert one.open("notes.txt").read() == corpus_bytes["share/hr/notes.txt"]
    with pytest.raises(FileNotFoundError):
        one.open(".piscanignore")  # the file source looks for one at the root


def test_endpoint_from_aws_endpoint_url(s3_env, s3_bucket, monkeypatch):
    monkeypatch.delenv("PISCAN_S3_ENDPOINT")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_env)
    assert any(f.path == "hr/notes.txt" for f in S3Filesystem(f"s3://{s3_bucket}/2026/share").walk())


@pytest.mark.parametrize(
    ("target", "reason"),
    [("s3://no-such-bucket", "no such bucket"), ("s3://piscan-corpus/2026/nothing/here", "no such prefix")],
)
def test_missing_bucket_or_prefix(s3_env, s3_bucket, target, reason):
    with pytest.raises(TargetError, match=f"^{target}: {reason}$"):
        S3Filesystem(target)


def test_unreachable_endpoint_is_a_one_line_target_error(s3_env, monkeypatch, closed_port):
    monkeypatch.setenv("PISCAN_S3_ENDPOINT", f"http://127.0.0.1:{closed_port}")
    with pytest.raises(TargetError) as err:
        S3Filesystem("s3://piscan-corpus/2026", timeout=2)
    assert str(err.value) == f"s3://piscan-corpus/2026: cannot connect to http://127.0.0.1:{closed_port}"


def test_wrong_credentials_are_a_one_line_error_without_the_secret(s3_wrong_vars, use_env):
    use_env(s3_wrong_vars)
    with pytest.raises(TargetError) as err:
        S3Filesystem("s3://piscan-corpus/2026")
    message = str(err.value)
    assert message == "s3://piscan-corpus/2026: access denied (wrong credentials or no permission)"
    assert str(s3_wrong_vars["AWS_SECRET_ACCESS_KEY"]) not in message


def test_a_missing_object_is_an_oserror_with_a_clean_message(s3_env, s3_bucket):
    fs = S3Filesystem(f"s3://{s3_bucket}/2026")
    with pytest.raises(FileNotFoundError) as err:
        fs.open("share/gone.txt")
    assert err.value.strerror == "no such object"
    with pytest.raises(OSError, match="not a path below the root"):
        fs.open("../other-prefix/x")


def test_a_pickled_copy_builds_its_own_client(s3_env, s3_bucket, corpus_bytes):
    fs = S3Filesystem(f"s3://{s3_bucket}/2026")
    copy = pickle.loads(pickle.dumps(fs))
    assert copy.open("share/hr/notes.txt").read() == corpus_bytes["share/hr/notes.txt"]


def test_not_an_s3_url():
    with pytest.raises(TargetError, match="not an s3://bucket"):
        S3Filesystem("s3:///prefix-only")
