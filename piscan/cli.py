"""The command line: options -> settings -> scan -> reporter -> exit code. No scanning logic here."""

from __future__ import annotations

import inspect
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from piscan.errors import ExitCode, PiscanError, UsageError
from piscan.reporters.base import Format

app = typer.Typer(
    help="piscan: find personal data in databases and files and check it against a privacy policy.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
baseline_app = typer.Typer(
    help="Record reviewed findings so CI fails only on new ones.", no_args_is_help=True
)
app.add_typer(baseline_app, name="baseline")

# Options shared by the commands that scan. None means "not given": the config file decides.
Targets = Annotated[
    list[str] | None,
    typer.Argument(help="Database URLs, SQLite files, folders, smb:// or s3:// targets.", show_default=False),
]
Policy = Annotated[
    list[str] | None,
    typer.Option(
        "--policy",
        "-p",
        help="Bundled policy (xwms, westmonth) or a policy YAML file; repeatable. [default: xwms]",
    ),
]
ConfigFile = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="Config file. [default: ./piscan.toml or [tool.piscan] in ./pyproject.toml]"
    ),
]
Include = Annotated[
    list[str] | None,
    typer.Option("--include", "-i", help="Glob over schema[.table[.column]] or file paths; repeatable."),
]
Exclude = Annotated[
    list[str] | None,
    typer.Option("--exclude", "-x", help="Glob over schema[.table[.column]] or file paths; repeatable."),
]
Sample = Annotated[int | None, typer.Option(min=1, help="Random rows sampled per table. [default: 1000]")]
MaxMiss = Annotated[
    float | None,
    typer.Option(
        help="Pick the sample so a clean column bounds the share of missed values below this (95%)."
    ),
]
Full = Annotated[
    bool | None,
    typer.Option("--full/--sampled", help="Read every row and byte instead of a sample.", show_default=False),
]
Exhaustive = Annotated[
    bool | None,
    typer.Option(
        "--exhaustive/--settle",
        help="With --full: examine every value, never thin a settled column.",
        show_default=False,
    ),
]
Views = Annotated[
    bool | None, typer.Option("--views/--no-views", help="Scan views as well as tables.", show_default=False)
]
Quiet = Annotated[
    bool | None, typer.Option("--quiet/--progress", "-q", help="No progress display.", show_default=False)
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
        min=0, help="Exit 3 when more tables, files or columns than this were skipped.", show_default=False
    ),
]


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log details to stderr.")] = False,
) -> None:
    from piscan.redact import ScrubFilter

    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING, format="piscan: %(levelname)s: %(message)s"
    )
    for handler in logging.getLogger().handlers:  # libraries log the values they choke on
        handler.addFilter(ScrubFilter())


@app.command()
def scan(
    targets: Targets = None,
    policy: Policy = None,
    config: ConfigFile = None,
    fmt: Annotated[
        Format | None, typer.Option("--format", "-f", help="Output format. [default: table]")
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", "-o", help="Write the report to this file.")
    ] = None,
    fail_on: Annotated[
        str | None, typer.Option(help="Exit 1 on: undeclared, any, never. [default: undeclared]")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option(help="Baseline file: only findings not in it fail the scan.")
    ] = None,
    sample: Sample = None,
    max_miss_rate: MaxMiss = None,
    full: Full = None,
    exhaustive: Exhaustive = None,
    min_non_null: Annotated[
        int | None,
        typer.Option(min=0, help="Top up sparse columns to this many non-null values. [default: 50]"),
    ] = None,
    max_cell_chars: Annotated[
        int | None, typer.Option(min=16, help="Text cells are cut to this many characters. [default: 4096]")
    ] = None,
    timeout: Annotated[
        float | None, typer.Option(min=0.1, help="Per-statement timeout in seconds. [default: 30]")
    ] = None,
    views: Views = None,
    include: Include = None,
    exclude: Exclude = None,
    jobs: Annotated[
        int | None, typer.Option(min=0, help="Worker processes for files and tables. [default: core count]")
    ] = None,
    hidden: Annotated[
        bool | None, typer.Option("--hidden/--no-hidden", help="Scan hidden files.", show_default=False)
    ] = None,
    follow_symlinks: Annotated[
        bool | None,
        typer.Option(
            "--follow-symlinks/--no-follow-symlinks",
            show_default=False,
            help="Follow symbolic links (never in loops) that stay inside the scanned root.",
        ),
    ] = None,
    follow_symlinks_outside: Annotated[
        bool | None,
        typer.Option(
            "--follow-symlinks-outside",
            show_default=False,
            help="With --follow-symlinks: also follow links that lead outside the scanned root.",
        ),
    ] = None,
    ignore_file: Annotated[
        str | None, typer.Option(help="Gitignore-style file of paths to skip. [default: .piscanignore]")
    ] = None,
    byte_budget: Annotated[
        int | None, typer.Option(min=4096, help="Bytes read from a huge file when sampling.")
    ] = None,
    model: Annotated[str | None, typer.Option(help="Installed spaCy model (env PISCAN_SPACY_MODEL).")] = None,
    recognizers: Annotated[
        list[str] | None, typer.Option("--recognizers", help="Extra recognizer YAML file; repeatable.")
    ] = None,
    examples: Annotated[
        bool | None,
        typer.Option("--examples/--no-examples", help="Show masked examples.", show_default=False),
    ] = None,
    record: Annotated[
        bool | None,
        typer.Option(
            "--record/--no-record", help="Record the scan in the inventory store.", show_default=False
        ),
    ] = None,
    store: Annotated[
        str | None, typer.Option(help="Inventory store URL. [default: SQLite in the user data folder]")
    ] = None,
    quiet: Quiet = None,
    source_name: SourceName = None,
    fail_on_skipped: FailOnSkipped = None,
    max_skipped: MaxSkipped = None,
) -> None:
    """Scan targets and report personal data per location, judged against each policy."""
    given = dict(locals())
    given["policies"] = given.pop("policy")
    given["format"] = given.pop("fmt")
    _run(lambda: _scan(given))


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
    progress = RichProgress(err) if err.is_terminal and not settings["quiet"] else NoProgress()
    return Scanner(config, progress).run()


def _scan(given: dict[str, Any]) -> int:
    from piscan import baseline as bl
    from piscan.runner import Outcome, judge, prepare, skip_limit

    settings = _settings(given)
    fmt = Format(settings["format"])
    config = prepare(settings, (settings["output"],))
    base = _read_baseline(Path(settings["baseline"]), config) if settings["baseline"] else None
    result = _run_scan(settings, config)
    outcome = Outcome(result, bl.compare(result, list(base.entries)) if base is not None else None)
    _report(result, fmt, settings["output"])
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


def _report(result, fmt: Format, output: str | None) -> None:
    from piscan.reporters.base import renderer

    if fmt == Format.TABLE and output is None:
        from rich.console import Console

        from piscan.redact import printable_result
        from piscan.reporters.table import write

        out = Console(highlight=False)
        if not out.is_terminal:  # a pipe or a file: wide enough that rows do not fold
            out = Console(highlight=False, width=160)
        write(out, printable_result(result))
        return
    _emit(renderer(fmt)(result), Path(output) if output else None)


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
_NOT_FOR_BASELINES = frozenset({"fmt", "output", "fail_on", "baseline", "record", "store", "examples"})


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
) -> None:
    """List recorded scans."""

    def show() -> int:
        from piscan.store import open_store, render_history

        with open_store(store) as st:
            typer.echo(render_history(st.scans(limit, source)), nl=False)
        return ExitCode.OK

    _run(show)


@app.command()
def diff(
    a: Annotated[str, typer.Argument(help="Earlier scan: id, latest, latest~N.")] = "latest~1",
    b: Annotated[str, typer.Argument(help="Later scan: id, latest, latest~N.")] = "latest",
    store: Store = None,
    source: Source = None,
    fail_on: Annotated[
        str, typer.Option(help="Exit 1 when something undeclared appeared (undeclared) or never.")
    ] = "undeclared",
) -> None:
    """Show categories that appeared, vanished or changed per location between two scans."""

    def show() -> int:
        from piscan.store import open_store, render_diff

        with open_store(store) as st:
            first, second = st.resolve(a, source), st.resolve(b, source)
            changes = st.diff(first, second, source)
        typer.echo(render_diff(changes, first, second), nl=False)
        worse = any(c.newly_undeclared for c in changes)
        return ExitCode.FINDINGS if worse and fail_on != "never" else ExitCode.OK

    _run(show)


@app.command()
def export(
    store: Store = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="Export format (csv).")] = "csv",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write to this file.")] = None,
) -> None:
    """Write the latest inventory across all recorded sources, with each category's policy wording."""

    def write() -> int:
        from piscan.store import open_store, render_csv

        if fmt != "csv":
            raise UsageError(f"export supports csv, not {fmt!r}")
        with open_store(store) as st:
            _emit(render_csv(st.inventory()), output)
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
    app()
