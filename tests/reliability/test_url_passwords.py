"""Passwords in malformed database URLs: generated hostile URLs (no scheme, ``postgresql:/`` with
one slash, ``@``, ``/``, ``:``, spaces and ``%`` inside the password) never leave a password or
any piece of it in stderr, a report, the store or ``history``."""

from __future__ import annotations

import sqlite3
import string
import tempfile
from pathlib import Path

from conftest import run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from piscan.sources.credentials import redact_target, redact_text, remember, split_secret
from tests.reliability.conftest import store_text

# Pieces of a password: random enough never to occur in a report by chance, so finding one of
# them in an output means that piece of the password leaked (a tail after ``@`` or ``/``).
PIECE = st.text(string.ascii_letters + string.digits, min_size=6, max_size=10).map(lambda s: "Zq" + s)
SEPARATOR = st.sampled_from(["@", "/", ":", " ", "@@", "/@", "%40", "#", "?", "&", ""])
SCHEME = st.sampled_from(
    ["", "postgresql://", "postgresql:/", "postgresql:", "postgresql+psycopg://", "mysql+pymysql://",
     "mariadb+pymysql:/", "sqlite://"]
)
TAIL = st.sampled_from(["127.0.0.1:9/shop", "127.0.0.1:9", "127.0.0.1:9/shop?connect_timeout=1", "/shop"])


@st.composite
def hostile_urls(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(target, the password's pieces)."""
    pieces = draw(st.lists(PIECE, min_size=1, max_size=3))
    seps = draw(st.lists(SEPARATOR, min_size=len(pieces) - 1, max_size=len(pieces) - 1))
    password = pieces[0] + "".join(s + p for s, p in zip(seps, pieces[1:], strict=True))
    user = draw(st.sampled_from(["app", "", "audit.user"]))
    return f"{draw(SCHEME)}{user}:{password}@{draw(TAIL)}", pieces


@given(hostile_urls())
@settings(max_examples=1000, deadline=None)
def test_redaction_before_parsing_removes_every_piece(case: tuple[str, list[str]]) -> None:
    """The splitting rule alone, on many inputs: nothing of the password survives, in the target
    as reports show it and in free text once the target is known (every target is, before
    piscan opens it)."""
    target, pieces = case
    bare, secret = split_secret(target)
    assert secret is not None
    shown = remember(target)
    for text in (bare, shown, redact_target(target), redact_text(f"error: cannot open {target} (x)")):
        for piece in pieces:
            assert piece not in text, (target, text)


@given(hostile_urls())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_hostile_url_leaves_no_password_in_any_output(case: tuple[str, list[str]]) -> None:
    """A whole scan, recorded: stderr, the JSON report, the store and history stay clean."""
    target, pieces = case
    with tempfile.TemporaryDirectory() as tmp:
        good = Path(tmp) / "ok.sqlite"
        sqlite3.connect(good).execute("CREATE TABLE t (a text)").connection.close()
        store = Path(tmp) / "store.sqlite"
        report = Path(tmp) / "report.json"
        scan = run_cli(
            "scan", target, str(good), "--format", "json", "-o", str(report), "--quiet",
            "--timeout", "2", "--record", "--store", str(store), "--fail-on", "never",
        )
        history = run_cli("history", "--store", str(store))
        texts = [scan.stdout, scan.stderr, history.stdout, history.stderr, store_text(store)]
        texts.append(report.read_text(encoding="utf-8") if report.exists() else "")
        text = "\n".join(texts)
    assert "Traceback" not in text
    assert scan.code in (0, 2), scan
    for piece in pieces:
        assert piece not in text, (target, piece, scan)
