"""Where the store lives by default, and errors that are one line and never show a password."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from store_support import fresh_database

from piscan.errors import PiscanError
from piscan.model import Coverage, Location, ScanResult
from piscan.store import StoreError, data_dir, open_store, resolve_url

SECRET = "Sup3r-Secret-pw"


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No store settings in the environment; HOME is a temporary folder."""
    for name in ("PISCAN_DATA_DIR", "XDG_DATA_HOME", "PISCAN_STORE_URL", "PISCAN_PASSFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    return tmp_path


def test_the_default_store_follows_data_dir_then_xdg_then_home(clean_env: Path, monkeypatch) -> None:
    assert data_dir() == clean_env / "home" / ".local" / "share" / "piscan"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")
    assert data_dir() == clean_env / "home" / ".local" / "share" / "piscan"
    monkeypatch.setenv("XDG_DATA_HOME", str(clean_env / "xdg"))
    assert data_dir() == clean_env / "xdg" / "piscan"
    monkeypatch.setenv("PISCAN_DATA_DIR", str(clean_env / "data" / "deep"))
    assert resolve_url(None).database == str(clean_env / "data" / "deep" / "inventory.sqlite")
    with open_store(None) as store:  # the folder is created on first use
        assert store.scans() == []
        assert store.public == f"sqlite:///{clean_env / 'data' / 'deep' / 'inventory.sqlite'}"
    assert (clean_env / "data" / "deep" / "inventory.sqlite").is_file()
    monkeypatch.setenv("PISCAN_STORE_URL", f"sqlite:///{clean_env / 'team.sqlite'}")
    assert resolve_url(None).database == str(clean_env / "team.sqlite")
    assert resolve_url(str(clean_env / "explicit.sqlite")).database == str(clean_env / "explicit.sqlite")


@pytest.mark.parametrize(
    "url, expected",
    [
        (f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:1/inventory", "postgres@127.0.0.1:1/inventory"),
        (f"postgresql+psycopg://postgres:{SECRET}@127.0.0.1:5432/piscan_no_such_db", "does not exist"),
        (f"postgresql://postgres:{SECRET}@127.0.0.1:port/inventory", "not a database URL"),
        (f"nosuchdb://admin:{SECRET}@127.0.0.1/inventory", "unknown database dialect or driver"),
    ],
)
def test_store_errors_are_one_line_without_the_password(clean_env: Path, url: str, expected: str) -> None:
    with pytest.raises(StoreError) as caught:
        open_store(url)
    message = str(caught.value)
    assert isinstance(caught.value, PiscanError) and expected in message
    assert SECRET not in message and "\n" not in message


def test_an_unusable_data_dir_is_a_clear_error(clean_env: Path, monkeypatch) -> None:
    blocker = clean_env / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PISCAN_DATA_DIR", str(blocker / "piscan"))
    with pytest.raises(StoreError, match="cannot create the inventory store folder"):
        open_store(None)


def test_write_errors_on_a_team_store_never_show_its_password(clean_env: Path, pg_admin: sa.Engine) -> None:
    with fresh_database(pg_admin) as url:
        with_password = sa.make_url(url).set(password=SECRET).render_as_string(hide_password=False)
        with open_store(with_password) as store:  # the test server trusts any password
            assert store.public == url
            with store.engine.begin() as conn:
                sa.Table("piscan_coverage", sa.MetaData(), autoload_with=conn).drop(conn)
            covered = Coverage(Location(url, ("public", "t", "c")), 10, 10, ())
            started, finished = "2026-11-01T10:00:00+00:00", "2026-11-01T10:00:01+00:00"
            scan = ScanResult("0.1.0", started, finished, (url,), (), {}, (), (), (), coverage=(covered,))
            with pytest.raises(StoreError) as caught:
                store.record(scan)
            message = str(caught.value)
            assert message.startswith(f"cannot write to inventory store {url}: ")
            assert SECRET not in message and "\n" not in message
            assert store.scans() == []  # the failed scan left nothing half-written
