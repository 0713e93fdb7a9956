"""Format building blocks on their own: encodings, line pieces, log parsers, JSON paths, CSV
headers, sampling offsets and locations. Fast: no detectors."""

from __future__ import annotations

import codecs

import pytest

from piscan.errors import SkipError
from piscan.formats.base import LINE_CAP, Many, ReadContext, Shared
from piscan.formats.chunks import CHUNK, chunk_offsets
from piscan.formats.delimited import delimiter_for, header_names
from piscan.formats.jsonl import flatten, looks_like_json_lines
from piscan.formats.logs import parse_access, parse_syslog
from piscan.formats.logs import sniff as sniff_log
from piscan.formats.text import lines, sniff
from piscan.sources.base import Container
from piscan.sources.fileopts import FileOptions
from piscan.sources.files import FileSource
from piscan.sources.local import LocalFilesystem


def _ctx() -> ReadContext:
    return ReadContext(FileOptions(), 4096, 1, Shared())


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (b"plain ascii\n", "utf-8"),
        ("Grüße\n".encode(), "utf-8"),
        (codecs.BOM_UTF8 + "Grüße\n".encode(), "utf-8"),
        ("log line one\nlog line two\n".encode("utf-16"), "utf-16-le"),
        ("log line one\nlog line two\n".encode("utf-16-be"), "utf-16-be"),  # no BOM: NUL pattern
        ("log line\n".encode("utf-32"), "utf-32-le"),
    ],
)
def test_encodings_are_detected(data, encoding):
    assert sniff(data)[0] == encoding


def test_invalid_utf8_falls_back_with_a_note_and_binary_is_refused():
    encoding, note = sniff("Kunde: Jürgen Weiß, Straße 5\n".encode("latin-1") * 20)
    assert encoding and encoding.replace("_", "-") != "utf-8" and note.startswith("not valid UTF-8: read as")
    assert sniff(bytes(range(256)) * 8) == (None, "")
    assert sniff(b"text\x00with NUL bytes" * 10) == (None, "")


def test_long_lines_come_in_pieces_with_their_line_number():
    ctx = _ctx()
    data = [b"first\n", b"x" * (LINE_CAP + 10), b"\nthird\n"]
    got = list(lines(iter(data), "utf-8", ctx))
    assert [(n, len(t), c) for n, t, c in got] == [
        (1, 5, False),
        (2, LINE_CAP, False),
        (2, 10, True),
        (3, 5, False),
    ]


def test_after_a_sampling_jump_lines_have_no_number_and_cut_lines_are_dropped():
    got = list(lines(iter([b"a\nb\nhead of a", None, b"tail of a line\nc\nd"]), "utf-8", _ctx()))
    assert got == [(1, "a", False), (2, "b", False), (None, "c", False), (None, "d", False)]
    one_line = list(lines(iter([b"x" * 10, None, b"y" * 10, None, b"z" * 10]), "utf-8", _ctx()))
    assert one_line == [(1, "x" * 10, False), (None, "y" * 10, False), (None, "z" * 10, False)]


def test_invalid_bytes_are_replaced_and_noted():
    ctx = _ctx()
    got = list(lines(iter([b"ok\n\xff\xfe broken\n"]), "utf-8", ctx))
    assert got[1][1] == "\ufffd\ufffd broken"
    assert ctx.shared.problems == [((), "invalid utf-8 bytes were replaced", False)]


def test_access_log_fields():
    line = (
        '203.0.113.7 - frank [10/Oct/2025:13:55:36 -0700] "GET /cart;jsessionid=AB12?email=a%40b.com&page=2'
        ' HTTP/1.1" 200 2326 "https://shop.example.com/" "Mozilla/5.0 (X11)"'
    )
    assert parse_access(line) == {
        "client_ip": "203.0.113.7",
        "username": "frank",
        "referrer": "https://shop.example.com/",
        "user_agent": "Mozilla/5.0 (X11)",
        "visited_url": "/cart",
        "session_id": "AB12",
        "query.email": "a@b.com",
        "query.page": "2",
    }
    common = '198.51.100.1 - - [10/Oct/2025:13:55:36 +0000] "POST /login HTTP/1.0" 302 -'
    assert parse_access(common) == {"client_ip": "198.51.100.1", "visited_url": "/login"}
    assert parse_access("not an access log line") is None


def test_syslog_fields():
    bsd = "Mar  3 12:00:01 web-01 sshd[4001]: Accepted password for anna from 203.0.113.7 port 22 ssh2"
    assert parse_syslog(bsd) == {
        "message": "Accepted password for anna from 203.0.113.7 port 22 ssh2",
        "username": "anna",
        "client_ip": "203.0.113.7",
    }
    rfc5424 = '<34>1 2026-03-03T12:00:01Z host app 42 ID47 [exampleSDID@32473 iut="3"] login user=bob sid=Z9'
    assert parse_syslog(rfc5424) == {
        "message": "login user=bob sid=Z9",
        "username": "bob",
        "session_id": "Z9",
    }
    assert sniff_log([bsd, bsd, "garbage"]) == "syslog"
    assert sniff_log(["hello", "world"]) is None


def test_json_paths():
    doc = {
        "user": {"email": "a@b.com", "tags": ["x", "y"]},
        "face": [0.1, 0.2],
        "orders": [{"email": "c@d.com"}],
    }
    assert flatten(doc) == {
        "user.email": "a@b.com",
        "user.tags": Many(("x", "y")),
        "face": [0.1, 0.2],
        "orders.email": "c@d.com",
    }
    assert looks_like_json_lines(['{"a": 1}', '{"b": 2}', ""])
    assert not looks_like_json_lines(["{", '  "a": 1', "}"])


def test_csv_headers_and_delimiters():
    assert header_names(["email", "", "email", " Full  Name "]) == [
        "email",
        "column_2",
        "email_2",
        "Full Name",
    ]
    assert delimiter_for("x.tsv", "a,b\tc") == "\t"
    assert delimiter_for("x.csv", "a;b;c") == ";"


def test_sample_offsets_are_seeded_inside_the_file_and_do_not_overlap():
    size, budget = 100 << 20, 8 << 20
    offsets = chunk_offsets(size, budget // 2, budget, seed=7)
    assert offsets == chunk_offsets(size, budget // 2, budget, seed=7)
    assert offsets != chunk_offsets(size, budget // 2, budget, seed=8)
    assert len(offsets) == (budget // 2) // CHUNK
    assert all(budget // 2 <= a and a + CHUNK <= b for a, b in zip(offsets, offsets[1:], strict=False))
    assert offsets[-1] + CHUNK <= size


def test_locations_name_files_members_and_fields(tmp_path):
    source = FileSource(LocalFilesystem(str(tmp_path)))
    file = Container(("logs/app.jsonl",), ())
    assert source.location(file, "\x00user.email").path == "logs/app.jsonl#user.email"
    assert source.location(file, "\x00").path == "logs/app.jsonl"
    nested = source.location(Container(("a.zip",), ()), "!b.tar!c.csv\x00email")
    assert (nested.path, nested.parts, nested.container) == (
        "a.zip!b.tar!c.csv#email",
        ("a.zip!b.tar!c.csv", "email"),
        "a.zip!b.tar!c.csv",
    )
    assert nested.source == str(tmp_path)


def test_json_documents_stream_array_items_one_row_each():
    import io
    import json

    from piscan.formats.jsonl import document_rows

    data = json.dumps([{"id": i, "user": {"email": f"u{i}@example.com"}} for i in range(5000)]).encode()
    rows = list(document_rows(io.BytesIO(data), _ctx()))
    assert len(rows) == 5000 and rows[-1].line == 5000
    assert rows[42].fields == {"id": 42, "user.email": "u42@example.com"}
    assert [r.fields for r in document_rows(io.BytesIO(b'{"a": {"b": "c"}}'), _ctx())] == [{"a.b": "c"}]
    with pytest.raises(SkipError, match="not valid JSON"):
        list(document_rows(io.BytesIO(b'[{"a": 1}, {"b": '), _ctx()))


def test_mail_is_told_from_logs_that_start_like_headers():
    from piscan.formats.mail import mail_kind

    assert mail_kind(b"From: a@example.com\nTo: b@example.com\nSubject: hi\n\nbody\n", "msg") == "eml"
    assert mail_kind(b"From MAILER-DAEMON Thu Mar  5 2026\nFrom: a@example.com\n\nhi\n", "box") == "mbox"
    assert mail_kind(b"Date: 2026-03-05 job started\nDate: 2026-03-05 job done\n", "job.log") is None
