"""The CLI scans the example corpus on a real Samba share and in a local S3 bucket, next to bad targets.

Every planted file yields its categories at its own location (the face photo, the recording and
the fingerprint template undeclared for XWMS), the clean files yield nothing, and a share with a
wrong password or no server behind it is skipped with a one-line reason while the scan goes on.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from typer.testing import CliRunner

pytest.importorskip("piscan.sources.files", reason="the file source (FileSource) is not in this tree yet")

from piscan.cli import app  # noqa: E402  (after the skip: the CLI needs the file source)
from piscan.sources.smb import PASSWORD_ENV  # noqa: E402

UNDECLARED_FOR_XWMS = {  # file -> {entity: XWMS category}
    "share/photos/team/portrait-01.jpg": {"IMAGE": "H", "FACE_TEMPLATE": "E"},
    "share/recordings/voicemail-0412.wav": {"AUDIO_RECORDING": "H"},
    "share/biometrics/enrol-0001.fmr": {"FINGERPRINT_TEMPLATE": "E"},
}


def _scan(*args: str) -> tuple[int, dict, str]:
    run = CliRunner().invoke(
        app, ["scan", *args, "-f", "json", "-q", "--policy", "xwms"], catch_exceptions=False
    )
    return run.exit_code, json.loads(run.stdout) if run.stdout.strip() else {}, run.stderr


@pytest.fixture(scope="module")
def scan(samba, s3_bucket, s3_vars, env_applier, closed_port) -> Iterator[dict]:
    """One scan of four targets: the SMB share, the S3 prefix, a wrong password, a dead server."""
    targets = {
        "smb": samba.url("corpus"),
        "s3": f"s3://{s3_bucket}/2026",
        "wrong": samba.url("corpus/share", password="wrong-Pw-31337"),
        "dead": f"smb://{samba.user}@127.0.0.1:{closed_port}/corpus",
    }
    with pytest.MonkeyPatch.context() as env:
        env_applier(env, {**s3_vars, PASSWORD_ENV: samba.password})
        code, report, stderr = _scan(*targets.values())
    public = {
        "smb": f"smb://{samba.user}@127.0.0.1:{samba.port}/corpus",
        "s3": targets["s3"],
        "wrong": f"smb://{samba.user}@127.0.0.1:{samba.port}/corpus/share",
        "dead": targets["dead"],
    }
    yield {
        "code": code,
        "report": report,
        "stderr": stderr,
        "public": public,
        "samba": samba,
        "port": closed_port,
    }


def _entities(report: dict, source: str, path: str) -> dict[str, dict]:
    """XWMS rows of one file (its fields and members included), by entity."""
    return {
        r["entity"]: r
        for r in report["results"]
        if r["source"] == source and r["policy"] == "xwms" and _file_of(r["location"]) == path
    }


def _file_of(location: str) -> str:
    return location.split("#", 1)[0].split("!", 1)[0]


@pytest.mark.parametrize("where", ["smb", "s3"])
def test_every_planted_file_yields_its_entities(scan, corpus_module, where):
    source = scan["public"][where]
    for path, expected in corpus_module.EXPECTED.items():
        found = set(_entities(scan["report"], source, path))
        assert expected <= found, f"{source} {path}: expected {sorted(expected)}, found {sorted(found)}"


@pytest.mark.parametrize("where", ["smb", "s3"])
def test_face_photo_recording_and_fingerprint_are_undeclared_for_xwms(scan, where):
    source = scan["public"][where]
    for path, categories in UNDECLARED_FOR_XWMS.items():
        rows = _entities(scan["report"], source, path)
        for entity, category in categories.items():
            assert rows[entity]["declared"] is False and rows[entity]["category"] == category, (path, entity)
            assert rows[entity]["example"].startswith("<") and rows[entity]["example"].endswith(">")


@pytest.mark.parametrize("where", ["smb", "s3"])
def test_clean_files_yield_nothing(scan, corpus_module, where):
    source = scan["public"][where]
    found = {path: _entities(scan["report"], source, path) for path in corpus_module.CLEAN}
    chart = found.pop("share/clean/chart.png")
    assert found == {path: {} for path in found}
    if chart and {(e, tuple(r["recognizers"])) for e, r in chart.items()} == {("IMAGE", ("signature:png",))}:
        pytest.xfail("scan.py runs SignatureDetector beside MediaDetector on files: every image is IMAGE")
    assert chart == {}


def test_wrong_password_and_dead_server_are_skipped_and_the_scan_goes_on(scan):
    skipped = {s["source"]: s["reason"] for s in scan["report"]["skipped"] if s["location"] == ""}
    wrong, dead = scan["public"]["wrong"], scan["public"]["dead"]
    assert skipped[wrong] == f"{wrong}: wrong user name or password"
    assert skipped[dead].startswith(f"{dead}: cannot connect to 127.0.0.1:{scan['port']} (")
    everything = json.dumps(scan["report"]) + scan["stderr"]
    assert "wrong-Pw-31337" not in everything and scan["samba"].password not in everything
    assert all("\n" not in reason for reason in skipped.values())
    sources = {r["source"] for r in scan["report"]["results"]}
    assert sources == {scan["public"]["smb"], scan["public"]["s3"]}
    assert scan["code"] == 2  # the report is complete, but a target could not be opened: CI must look


def test_wrong_s3_credentials_are_skipped_and_the_next_target_is_scanned(samba, s3_wrong_vars, use_env):
    use_env({**s3_wrong_vars, PASSWORD_ENV: samba.password})
    code, report, stderr = _scan("s3://piscan-corpus/2026", samba.url("corpus/share/hr"))
    skipped = [s["reason"] for s in report["skipped"] if s["source"] == "s3://piscan-corpus/2026"]
    assert skipped == ["s3://piscan-corpus/2026: access denied (wrong credentials or no permission)"]
    assert any(r["entity"] == "EMAIL_ADDRESS" for r in report["results"])
    assert code == 2
    assert str(s3_wrong_vars["AWS_SECRET_ACCESS_KEY"]) not in json.dumps(report) + stderr


def test_a_single_unreachable_share_is_a_one_line_error_with_exit_code_2(samba, closed_port):
    run = CliRunner().invoke(
        app,
        ["scan", f"smb://{samba.user}:pw-Gone-7@127.0.0.1:{closed_port}/corpus", "-q"],
        catch_exceptions=False,
    )
    assert run.exit_code == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "cannot connect to 127.0.0.1" in lines[0] and "pw-Gone-7" not in lines[0]
