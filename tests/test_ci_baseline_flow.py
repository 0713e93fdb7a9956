"""The documented CI flow, run as a CI job would: the baseline made on a laptop's spelling of the
target (examples/ci/README.md) is checked by the GitHub Actions and GitLab CI commands, which
spell it differently, with the examples' piscan.toml."""

from __future__ import annotations

import re
import shlex

import pytest
import sqlalchemy as sa
import yaml
from conftest import ROOT
from sqlalchemy.dialects import postgresql
from sqlalchemy.schema import CreateTable

CI = ROOT / "examples" / "ci"


def _commands(text: str, prefix: str) -> list[list[str]]:
    """The ``piscan ...`` commands starting with ``prefix`` in a README or a job's script."""
    out = []
    for line in text.splitlines():
        line = line.strip().removeprefix("- ")
        if line.startswith(prefix):
            out.append(shlex.split(line)[1:])  # without "piscan"
    return out


def _on(db: str, args: list[str]) -> list[str]:
    """The command against the test's database instead of ``shop``."""
    return [re.sub(r"^(postgres(?:ql)?(?:\+\w+)?://[^/\s]*)/shop$", rf"\1/{db}", a) for a in args]


@pytest.fixture
def project(tmp_path, monkeypatch, pg_url):
    """A repository root with the examples' piscan.toml naming the test database."""
    db = sa.make_url(pg_url).database
    toml = (CI / "piscan.toml").read_text().replace('/shop"', f'/{db}"')
    (tmp_path / "piscan.toml").write_text(toml)
    (tmp_path / "db").mkdir()  # the jobs point SARIF at the schema file the repository keeps
    meta = sa.MetaData()
    engine = sa.create_engine(pg_url)
    meta.reflect(engine)
    engine.dispose()
    ddl = [f"{CreateTable(t).compile(dialect=postgresql.dialect())};" for t in meta.sorted_tables]
    (tmp_path / "db" / "staging-fixtures.sql").write_text("\n".join(ddl))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PISCAN_DB_PASSWORD", "ci-only-password")  # as the jobs set it
    return db


def _github_scans() -> list[list[str]]:
    jobs = yaml.safe_load((CI / "github-actions.yml").read_text())["jobs"]
    steps = jobs["personal-data-inventory"]["steps"]
    text = "\n".join(" ".join(s["run"].split()) for s in steps if "piscan scan" in s.get("run", ""))
    return _commands(text, "piscan scan")


def _gitlab_scans() -> list[list[str]]:
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text())["piscan"]
    lines = [" ".join(line.split()) for line in job["script"] + job.get("after_script", [])]
    return _commands("\n".join(lines), "piscan scan")


def test_baseline_made_as_documented_holds_in_both_ci_jobs(cli, project):
    readme = (CI / "README.md").read_text()
    [create] = _commands(readme, "piscan baseline create")
    made = cli(*_on(project, create), "-q")
    assert made.code == 0, made
    github, gitlab = _github_scans(), _gitlab_scans()
    assert github and gitlab
    # GitHub spells the target with an explicit port; the baseline was made without one.
    for args in github:
        assert "127.0.0.1:5432" in " ".join(args)
        run = cli(*_on(project, args))
        assert run.code == 0, run
        assert " 0 new (0 undeclared), 0 stale" in run.stderr and "warning" not in run.stderr
    # GitLab's service alias "db" does not resolve here: localhost stands in, a third spelling.
    for args in gitlab:
        assert any("@db:5432/shop" in a for a in args)
        args = [a.replace("@db:5432/", "@localhost:5432/") for a in _on(project, args)]
        run = cli(*args)
        assert run.code == 0, run
        assert " 0 new (0 undeclared), 0 stale" in run.stderr and "warning" not in run.stderr
    assert project and (ROOT / "examples/ci/piscan.toml").exists()
    [add] = _commands(readme, "piscan baseline add")
    run = cli(*_on(project, add), "-q")
    assert run.code == 0 and "0 added, 0 removed" in run.stderr, run
    [show] = _commands(readme, "piscan baseline show")
    run = cli(*show)
    assert run.code == 0 and run.stdout.splitlines()[1].startswith("name:shop  "), run


def test_the_gitlab_alias_is_named_like_the_laptop_spelling():
    from piscan.config import _source_pairs
    from piscan.identity import name_table

    data = __import__("tomllib").loads((CI / "piscan.toml").read_text())
    names = name_table(_source_pairs(data["sources"]))
    assert names == {"postgresql://localhost/shop": "shop", "postgresql://db/shop": "shop"}
