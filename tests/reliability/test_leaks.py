"""Leaks through messages: a driver or a parser quoting the value it choked on, a password in a
malformed URL, a name that carries terminal escape codes. Nothing raw may reach any report
format, stderr, the store or ``history``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.files.filecorpus import pdf_bytes
from tests.reliability.conftest import all_outputs, execute

EMAIL = "quentin.leakcheck@example.org"
CARD = "4111111111111111"


@pytest.mark.parametrize("server_db", ["postgresql", "mariadb"], indirect=True)
def test_database_error_quoting_a_value_reaches_no_output(server_db: str, tmp_path: Path) -> None:
    """A view casting an e-mail column to integer fails with the e-mail in the driver's message;
    the table is skipped with the error's class, without the value."""
    if server_db.startswith("postgresql"):
        view = "CREATE VIEW broken AS SELECT id, CAST(email AS integer) AS n FROM contacts"
        checker = ()
    else:  # MariaDB only warns on a bad cast: a validating function raises with the value instead
        view = "CREATE VIEW broken AS SELECT id, checked(email) AS n FROM contacts"
        checker = (
            "CREATE FUNCTION checked(v varchar(80)) RETURNS int DETERMINISTIC BEGIN "
            "DECLARE msg varchar(255) DEFAULT CONCAT('bad value ', v, ' (', QUOTE(v), ')'); "
            "SIGNAL SQLSTATE '22018' SET MESSAGE_TEXT = msg; "
            "RETURN 0; END",
        )
    execute(
        server_db,
        "CREATE TABLE contacts (id integer PRIMARY KEY, email varchar(80))",
        f"INSERT INTO contacts VALUES (1, '{EMAIL}')",
        *checker,
        view,
    )
    text, runs = all_outputs(tmp_path, server_db, "--views", "--fail-on", "never")
    assert "Traceback" not in text
    assert EMAIL not in text and "leakcheck" not in text
    skipped = json.loads(runs[1].stdout)["skipped"]
    reasons = [s["reason"] for s in skipped if "broken" in s["location"]]
    assert reasons, skipped  # the view is reported as skipped, with the error's class kept
    kept = ("invalid input syntax for type integer", "(1644) bad value")
    assert any(w in reasons[0] for w in kept), reasons


def _damaged_pdf() -> bytes:
    """A PDF whose content stream's ``BT`` operator is damaged: pypdf's error quotes the
    stream's bytes, card number and e-mail included."""
    data = pdf_bytes([f"card {CARD} mail {EMAIL}"])
    return data.replace(b"stream\nBT", b"stream\n\x97T", 1)


def test_parser_error_quoting_content_reaches_no_output(tmp_path: Path) -> None:
    """The damaged PDF is skipped with pypdf's error class; the bytes it quoted are gone."""
    share = tmp_path / "share"
    share.mkdir()
    (share / "statement.pdf").write_bytes(_damaged_pdf())
    text, runs = all_outputs(tmp_path, str(share), "--fail-on", "never")
    assert "Traceback" not in text
    assert CARD not in text and "leakcheck" not in text and "4111 1111" not in text
    skipped = json.loads(runs[1].stdout)["skipped"]
    assert [s["location"] for s in skipped] == ["statement.pdf"], skipped
    assert "damaged or unreadable file" in skipped[0]["reason"]


def test_escape_codes_in_file_and_member_names_are_escaped_in_text_outputs(tmp_path: Path) -> None:
    """A file and a zip member named with ESC sequences and a newline print as inert text."""
    import zipfile

    share = tmp_path / "share"
    share.mkdir()
    hostile = "evil\x1b[2J\x1b[31mred\nnext.csv"
    (share / hostile).write_text(f"email\n{EMAIL}\nbob.other@example.net\n", encoding="utf-8")
    with zipfile.ZipFile(share / "a.zip", "w") as archive:
        archive.writestr("in\x1b]0;title\x07side\r.csv", f"email\n{EMAIL}\nbob.other@example.net\n")
    text, runs = all_outputs(tmp_path, str(share), "--fail-on", "never")
    for run, fmt in zip(runs, ("table", "json", "csv", "sarif", "junit", "html"), strict=False):
        if fmt == "json":  # JSON escapes control characters itself, and keeps the exact name
            assert "\\u001b" in run.stdout
            continue
        if fmt == "sarif":  # JSON as well; its message texts are what viewers print
            sarif = json.loads(run.stdout)["runs"][0]
            messages = [r["message"]["text"] for r in sarif["results"]]
            assert messages and not any("\x1b" in m or "\n" in m for m in messages), messages
            assert any("evil\\x1b[2J" in m for m in messages), messages
            continue
        assert "\x1b" not in run.stdout + run.stderr, fmt
        assert "\x07" not in run.stdout and "\r" not in run.stdout, fmt
        assert "evil\\x1b[2J\\x1b[31mred\\nnext.csv" in run.stdout, fmt
    csv_lines = runs[2].stdout.splitlines()
    assert all(line.count(",") >= 11 for line in csv_lines), csv_lines  # no row split in two
