"""Baselines across spellings, machines and versions: one source identity per set of data, old
files still read, and an audit trail that keeps every review."""

from __future__ import annotations

import json
import shutil

import pytest
import sqlalchemy as sa

from piscan.fingerprint import fingerprint_v1

REVIEW = ("--reason", "reviewed in PRIV-12", "--reviewer", "dpo@example.com")


@pytest.fixture
def workdir(tmp_path, monkeypatch, sqlite_url):
    """A project folder with its own copy of the example database, as the working directory."""
    shutil.copy(sa.make_url(sqlite_url).database, tmp_path / "x.sqlite")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _check(cli, target, *extra):
    return cli("scan", target, "-p", "xwms", "--baseline", "base.json", "-q", "-f", "csv", *extra)


def test_postgres_baseline_made_on_one_spelling_matches_another(cli, pg_url, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    db = sa.make_url(pg_url).database
    made = cli(
        "baseline", "create", f"postgresql://postgres@127.0.0.1/{db}", "-o", "base.json", *REVIEW, "-q"
    )
    assert made.code == 0, made
    entries = json.loads((tmp_path / "base.json").read_text())["entries"]
    assert len(entries) > 10 and {e["identity"] for e in entries} == {f"postgresql://localhost/{db}"}
    run = _check(cli, f"postgresql+psycopg://postgres@localhost:5432/{db}")
    assert run.code == 0, run
    assert f"{len(entries)} reviewed, 0 new (0 undeclared), 0 stale" in run.stderr


@pytest.mark.parametrize("check", ["./x.sqlite", "ABS", "sqlite:///x.sqlite", "sub/../x.sqlite"])
def test_sqlite_baseline_matches_every_spelling_of_the_path(cli, workdir, check):
    (workdir / "sub").mkdir()
    assert cli("baseline", "create", "x.sqlite", "-o", "base.json", *REVIEW, "-q").code == 0
    target = str(workdir / "x.sqlite") if check == "ABS" else check
    run = _check(cli, target)
    assert run.code == 0, run
    assert " 0 new (0 undeclared), 0 stale" in run.stderr and "warning" not in run.stderr


def test_a_named_source_matches_on_another_machine(cli, workdir, tmp_path_factory, monkeypatch):
    made = cli("baseline", "create", "x.sqlite", "--source-name", "shop", "-o", "base.json", *REVIEW, "-q")
    assert made.code == 0, made
    doc = json.loads((workdir / "base.json").read_text())
    assert {e["identity"] for e in doc["entries"]} == {"name:shop"}
    runner = tmp_path_factory.mktemp("ci-runner")  # another folder, another file name
    shutil.copy(workdir / "x.sqlite", runner / "shop-fixture.sqlite")
    shutil.copy(workdir / "base.json", runner / "base.json")
    monkeypatch.chdir(runner)
    run = _check(cli, "shop-fixture.sqlite", "--source-name", "shop")
    assert run.code == 0, run
    assert " 0 new (0 undeclared), 0 stale" in run.stderr
    # The config's sources table names it the same way, whatever the target's spelling.
    (runner / "piscan.toml").write_text('[sources]\n"./shop-fixture.sqlite" = "shop"\n')
    run = _check(cli, str(runner / "shop-fixture.sqlite"))
    assert run.code == 0, run
    assert " 0 new (0 undeclared), 0 stale" in run.stderr


def test_config_sources_list_and_paths_relative_to_the_config_folder(cli, workdir):
    project = workdir / "project"
    project.mkdir()
    shutil.move(workdir / "x.sqlite", project / "x.sqlite")
    (project / "piscan.toml").write_text(
        'targets = ["x.sqlite"]\npolicies = ["xwms"]\nsources = [{target = "x.sqlite", name = "staging"}]\n'
    )
    made = cli("baseline", "create", "-c", "project/piscan.toml", "-o", "base.json", *REVIEW, "-q")
    assert made.code == 0, made  # x.sqlite is read from the config's folder, not the working one
    doc = json.loads((workdir / "base.json").read_text())
    assert {e["identity"] for e in doc["entries"]} == {"name:staging"}
    run = cli("scan", "-c", "project/piscan.toml", "--baseline", "base.json", "-q", "-f", "csv")
    assert run.code == 0 and " 0 new (0 undeclared), 0 stale" in run.stderr, run


def test_a_baseline_that_matches_nothing_of_a_source_says_so(cli, workdir):
    made = cli("baseline", "create", "x.sqlite", "--source-name", "shop", "-o", "base.json", *REVIEW, "-q")
    assert made.code == 0, made
    run = _check(cli, "x.sqlite")  # the name forgotten on this run
    assert run.code == 1, run
    warnings = [ln for ln in run.stderr.splitlines() if ln.startswith("piscan: warning:")]
    assert warnings == [
        "piscan: warning: the baseline matches nothing of x.sqlite (identity path:x.sqlite):"
        " was it made under another name? see --source-name"
    ]


def test_naming_a_source_later_keeps_its_baseline_matching(cli, workdir):
    assert cli("baseline", "create", "x.sqlite", "-o", "base.json", *REVIEW, "-q").code == 0
    run = _check(cli, "./x.sqlite", "--source-name", "shop")  # entries of path:x.sqlite are now shop's
    assert run.code == 0, run
    assert " 0 new (0 undeclared), 0 stale" in run.stderr and "warning" not in run.stderr


def _as_version_1(path, typed_source):
    """The baseline as piscan wrote version 1: entries over the target as typed, no identity."""
    doc = json.loads(path.read_text())
    entries = []
    for e in doc["entries"]:
        parts = (typed_source, e["location"], e["entity"], e["policy"], e["category"])
        entries.append(
            {
                "fingerprint": fingerprint_v1(*parts),
                "source": typed_source,
                "location": e["location"],
                "entity": e["entity"],
                "policy": e["policy"],
                "category": e["category"],
                "declared": e["declared"],
                "reason": e["reason"],
                "reviewer": e["reviewer"],
            }
        )
    old = {
        "version": 1,
        "generated_by": "piscan 0.1.0",
        "policies": doc["policies"],
        "targets": [typed_source],
        "entries": entries,
    }
    path.write_text(json.dumps(old, indent=2))
    return len(entries)


def test_a_version_1_baseline_still_suppresses_and_update_rewrites_it(cli, workdir):
    assert cli("baseline", "create", "x.sqlite", "-o", "base.json", *REVIEW, "-q").code == 0
    count = _as_version_1(workdir / "base.json", "./x.sqlite")
    run = _check(cli, str(workdir / "x.sqlite"))  # another spelling than the one v1 hashed
    assert run.code == 0, run
    assert f"{count} reviewed, 0 new (0 undeclared), 0 stale" in run.stderr
    assert "baseline base.json is version 1" in run.stderr
    run = cli(
        "baseline", "update", "x.sqlite", "-b", "base.json", "--reason", "re-review", "--reviewer", "b", "-q"
    )
    assert run.code == 0, run
    doc = json.loads((workdir / "base.json").read_text())
    assert doc["version"] == 2 and len(doc["entries"]) == count
    assert {(e["reason"], e["reviewer"], e["identity"]) for e in doc["entries"]} == {
        ("reviewed in PRIV-12", "dpo@example.com", "path:x.sqlite")
    }


def test_create_refuses_to_replace_a_baseline_unless_forced(cli, workdir):
    assert cli("baseline", "create", "x.sqlite", "-o", "base.json", *REVIEW, "-q").code == 0
    before = (workdir / "base.json").read_text()
    run = cli(
        "baseline", "create", "x.sqlite", "-o", "base.json", "--reason", "other", "--reviewer", "x", "-q"
    )
    assert run.code == 2 and "base.json exists" in run.stderr and "--force" in run.stderr
    assert (workdir / "base.json").read_text() == before
    run = cli(
        "baseline",
        "create",
        "x.sqlite",
        "-o",
        "base.json",
        "--reason",
        "other",
        "--reviewer",
        "x",
        "--force",
        "-q",
    )
    assert run.code == 0, run
    assert {e["reason"] for e in json.loads((workdir / "base.json").read_text())["entries"]} == {"other"}


@pytest.mark.parametrize(
    "review",
    [
        ("--reviewer", "dpo"),
        ("--reason", "ok"),
        ("--reason", " ", "--reviewer", "d"),
        ("--reason", "ok", "--reviewer", ""),
    ],
)
@pytest.mark.parametrize("command", ["create", "add", "update"])
def test_an_empty_reason_or_reviewer_is_refused(cli, workdir, review, command):
    if command != "create":  # an existing baseline the refusal must leave as it is
        (workdir / "base.json").write_text('{"version": 2, "entries": []}\n')
    before = (workdir / "base.json").read_text() if command != "create" else None
    flag = "-o" if command == "create" else "-b"
    run = cli("baseline", command, "x.sqlite", flag, "base.json", *review, "-q")
    assert run.code == 2 and "is required" in run.stderr, run
    assert (workdir / "base.json").read_text() == before if before else not (workdir / "base.json").exists()


def _entries(path):
    return {(e["location"], e["entity"]): e for e in json.loads(path.read_text())["entries"]}


def test_add_keeps_every_review_and_adds_new_findings_with_their_own(cli, workdir):
    made = cli("baseline", "create", "x.sqlite", "-o", "base.json", "-x", "main.customers", *REVIEW, "-q")
    assert made.code == 0, made
    first = _entries(workdir / "base.json")
    assert first and not [loc for loc, _ in first if loc.startswith("main.customers.")]
    run = cli(
        "baseline",
        "add",
        "x.sqlite",
        "-b",
        "base.json",
        "--reason",
        "CRM, PRIV-13",
        "--reviewer",
        "lead",
        "-q",
    )
    assert run.code == 0, run
    after = _entries(workdir / "base.json")
    added = {k: e for k, e in after.items() if k not in first}
    assert added and all(loc.startswith("main.customers.") for loc, _ in added)
    assert {(e["reason"], e["reviewer"]) for e in added.values()} == {("CRM, PRIV-13", "lead")}
    assert all(after[k] == e for k, e in first.items())  # old entries untouched, dates included
    assert f"{len(added)} added, 0 removed, {len(after)} entries" in run.stderr


def test_update_drops_stale_entries_and_show_marks_them(cli, workdir):
    assert cli("baseline", "create", "x.sqlite", "-o", "base.json", *REVIEW, "-q").code == 0
    engine = sa.create_engine(f"sqlite:///{workdir / 'x.sqlite'}")
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE student_records"))
    engine.dispose()
    listed = cli("baseline", "show", "-b", "base.json")
    assert listed.code == 0, listed
    lines = listed.stdout.splitlines()
    assert lines[0].startswith("base.json: baseline version 2, ")
    assert lines[1] == "path:x.sqlite  (x.sqlite)"
    gpa = next(ln for ln in lines if "main.student_records.gpa" in ln)
    assert "EDUCATION_RECORD" in gpa and "dpo@example.com" in gpa and "reviewed in PRIV-12" in gpa
    marked = cli("baseline", "show", "x.sqlite", "-b", "base.json", "-q")
    assert marked.code == 0, marked
    stale = [ln.split()[1] for ln in marked.stdout.splitlines() if ln.startswith("  stale ")]
    assert sorted(stale) == [
        "main.student_records.degree",
        "main.student_records.gpa",
        "main.student_records.school_name",
    ]
    assert "3 stale" in marked.stderr
    run = cli(
        "baseline", "update", "x.sqlite", "-b", "base.json", "--reason", "gone", "--reviewer", "dpo", "-q"
    )
    assert run.code == 0, run
    assert "0 added, 3 removed" in run.stderr and run.stderr.count("removed (stale): ") == 3
    assert not [loc for loc, _ in _entries(workdir / "base.json") if "student_records" in loc]


def test_skipped_tables_do_not_make_their_entries_stale(cli, workdir):
    assert cli("baseline", "create", "x.sqlite", "-o", "base.json", *REVIEW, "-q").code == 0
    run = _check(cli, "x.sqlite", "-x", "main.student_records")
    assert run.code == 0 and " 0 stale" in run.stderr, run
    run = cli(
        "baseline", "update", "x.sqlite", "-b", "base.json", "-x", "main.student_records", *REVIEW, "-q"
    )
    assert "0 added, 0 removed" in run.stderr, run


def test_baseline_commands_take_every_scan_option_that_changes_findings():
    import typer.main

    from piscan.cli import _NOT_FOR_BASELINES, app

    root = typer.main.get_command(app)
    scan = {p.name for p in root.commands["scan"].params}
    baseline = root.commands["baseline"]
    for name in ("create", "add", "update", "show"):
        params = {p.name for p in baseline.commands[name].params}
        missing = scan - params - _NOT_FOR_BASELINES
        assert not missing, (name, missing)
    assert {
        "sample",
        "full",
        "include",
        "exclude",
        "views",
        "recognizers",
        "model",
        "max_cell_chars",
        "source_name",
        "jobs",
    } <= {p.name for p in baseline.commands["create"].params}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("a.sqlite", "b.sqlite", "--source-name", "shop"), "--source-name names one target"),
        (("a.sqlite", "--source-name", "two words"), "source name 'two words'"),
    ],
)
def test_source_names_are_checked_before_the_scan(cli, workdir, args, message):
    for name in ("a.sqlite", "b.sqlite"):
        shutil.copy(workdir / "x.sqlite", workdir / name)
    run = cli("scan", *args, "-q")
    assert run.code == 2 and message in run.stderr and len(run.stderr.splitlines()) == 1, run


def test_no_baseline_is_written_from_a_scan_that_read_nothing(cli, workdir):
    (workdir / "empty").mkdir()
    run = cli("baseline", "create", "empty", "-o", "base.json", *REVIEW, "-q")
    assert run.code == 3 and "nothing was read from empty: the baseline was not written" in run.stderr, run
    assert not (workdir / "base.json").exists()
