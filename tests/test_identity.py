"""Canonical source identities: one identity per set of data, however the target is typed."""

from __future__ import annotations

import pytest

from piscan.identity import canonical, check_name, identity, name_table

SAME_POSTGRES = [
    "postgresql://postgres@127.0.0.1/shop",
    "postgresql://postgres@127.0.0.1:5432/shop",
    "postgresql://postgres@localhost/shop",
    "postgresql+psycopg://postgres@localhost:5432/shop",
    "postgresql+psycopg2://other:s3cret@[::1]:5432/shop",
    "postgres://u@localhost/shop?sslmode=require&application_name=ci&connect_timeout=5",
    "postgresql:///shop?host=/var/run/postgresql",
]


@pytest.mark.parametrize("target", SAME_POSTGRES)
def test_postgres_spellings_of_one_database_share_an_identity(target):
    assert canonical(target) == "postgresql://localhost/shop"


@pytest.mark.parametrize(
    "target",
    [
        "postgresql://postgres@127.0.0.1:5433/shop",  # another server
        "postgresql://postgres@db.internal/shop",  # another host
        "postgresql://postgres@127.0.0.1/shop2",  # another database
        "mysql://root@127.0.0.1/shop",  # another server kind
    ],
)
def test_different_data_keeps_a_different_identity(target):
    assert canonical(target) != "postgresql://localhost/shop"


def test_identity_never_holds_user_or_password():
    ident = canonical("postgresql+psycopg://alice:Pw-Secret-9@db.example.com:6432/shop")
    assert ident == "postgresql://db.example.com:6432/shop"
    assert "alice" not in ident and "Pw-Secret-9" not in ident


def test_mysql_and_mariadb_drop_driver_default_port_and_charset():
    assert (
        canonical("mysql+pymysql://root@127.0.0.1:3306/shop?charset=utf8mb4")
        == canonical("mariadb+pymysql://root@localhost/shop")
        == "mysql://localhost/shop"
    )


def test_query_parameters_that_may_select_data_are_kept_in_a_stable_order():
    a = canonical("mssql+pyodbc://u@h/db?driver=ODBC+Driver+18&Zone=b&area=a")
    b = canonical("mssql://h:1433/db?area=a&zone=b")
    assert a == b == "mssql://h/db?area=a&zone=b"


def test_sqlite_paths_agree_however_spelled(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "x.sqlite").write_bytes(b"")
    spellings = [
        "x.sqlite",
        "./x.sqlite",
        str(tmp_path / "x.sqlite"),
        "sqlite:///x.sqlite",
        f"sqlite:///{tmp_path / 'x.sqlite'}",
        "sub/../x.sqlite",
    ]
    assert {canonical(s) for s in spellings} == {"path:x.sqlite"}


def test_paths_are_written_relative_to_the_root_and_absolute_outside_it(tmp_path, monkeypatch):
    project = tmp_path / "project"
    (project / "data").mkdir(parents=True)
    monkeypatch.chdir(project)
    assert canonical("data/logs", root=project) == "path:data/logs"
    monkeypatch.chdir(project / "data")  # the same folder, from elsewhere
    assert canonical("logs", root=project) == "path:data/logs"
    assert (
        canonical(str(tmp_path / "elsewhere"), root=project) == f"path:{(tmp_path / 'elsewhere').resolve()}"
    )


def test_remote_file_targets_drop_credentials_default_port_and_trailing_slash():
    assert canonical("smb://alice:pw@FileServer:445/share/hr/") == "smb://fileserver/share/hr"
    assert canonical("s3://bucket/prefix/") == canonical("s3://bucket/prefix") == "s3://bucket/prefix"


def test_a_name_replaces_the_identity_of_every_spelling(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    names = name_table([("postgresql://ci@127.0.0.1:5432/shop", "shop")])
    assert identity("postgresql+psycopg://me@localhost/shop", names=names) == "name:shop"
    assert identity("postgresql://me@localhost/other", names=names) == "postgresql://localhost/other"


@pytest.mark.parametrize("bad", ["", "two words", "x" * 101, "-leading"])
def test_names_are_short_and_printable(bad):
    with pytest.raises(ValueError, match="source name"):
        check_name(bad)
