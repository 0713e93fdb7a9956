"""The command line: options -> config -> scan -> reporter -> exit code. No scanning logic here."""

from __future__ import annotations

import logging
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from piscan.errors import ExitCode, PiscanError
from piscan.reporters.base import Format

app = typer.Typer(
    help="piscan: find personal data in databases and check it against a privacy policy.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


class FailOn(StrEnum):
    """When ``scan`` exits 1."""

    UNDECLARED = "undeclared"
    ANY = "any"
    NEVER = "never"


@app.callback()
def _root(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log progress details to stderr.")] = False,
) -> None:
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="piscan: %(levelname)s: %(message)s",
    )


@app.command()
def scan(
    targets: Annotated[
        list[str],
        typer.Argument(help="Database URLs (any SQLAlchemy URL) or SQLite files.", show_default=False),
    ],
    policy: Annotated[
        list[str],
        typer.Option(
            "--policy",
            "-p",
            help="Bundled policy (xwms, westmonth) or a policy YAML file; repeat to judge against several.",
        ),
    ] = ["xwms"],  # noqa: B006
    fmt: Annotated[Format, typer.Option("--format", "-f", help="Output format.")] = Format.TABLE,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Write the report to this file instead of stdout."),
    ] = None,
    fail_on: Annotated[
        FailOn,
        typer.Option(help="Exit 1 on undeclared categories, on any personal data, or never."),
    ] = FailOn.UNDECLARED,
    sample: Annotated[int, typer.Option(min=1, help="Random rows sampled per table.")] = 1000,
    full: Annotated[bool, typer.Option("--full", help="Read every row instead of a sample.")] = False,
    min_non_null: Annotated[
        int, typer.Option(min=0, help="Top up sparse columns to this many non-null values.")
    ] = 50,
    max_cell_chars: Annotated[
        int, typer.Option(min=16, help="Text cells are cut to this many characters.")
    ] = 4096,
    timeout: Annotated[float, typer.Option(min=0.1, help="Per-statement timeout in seconds.")] = 30.0,
    views: Annotated[bool, typer.Option("--views", help="Scan views as well as tables.")] = False,
    include: Annotated[
        list[str],
        typer.Option("--include", "-i", help="Glob over schema[.table[.column]]; repeatable."),
    ] = [],  # noqa: B006
    exclude: Annotated[
        list[str],
        typer.Option("--exclude", "-x", help="Glob over schema[.table[.column]]; repeatable."),
    ] = [],  # noqa: B006
    model: Annotated[
        str | None,
        typer.Option(help="Installed spaCy model for names in free text (env PISCAN_SPACY_MODEL)."),
    ] = None,
    recognizers: Annotated[
        list[Path],
        typer.Option("--recognizers", help="Extra recognizer YAML file (Presidio format); repeatable."),
    ] = [],  # noqa: B006
    no_examples: Annotated[
        bool, typer.Option("--no-examples", help="Leave the masked example column empty.")
    ] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress display.")] = False,
) -> None:
    """Scan databases and report personal data per column, judged against each policy."""
    opts = dict(locals())
    _run(lambda: _scan(**opts))


def _scan(**opts: object) -> int:
    import os

    from rich.console import Console

    from piscan.policy import load_policies
    from piscan.progress import RichProgress
    from piscan.reporters.base import renderer
    from piscan.scan import NoProgress, ScanConfig, Scanner
    from piscan.sources.base import Selector
    from piscan.sources.sql import SqlOptions

    policies = load_policies(opts["policy"])
    model = opts["model"] or os.environ.get("PISCAN_SPACY_MODEL") or None
    sql = SqlOptions(
        sample_rows=opts["sample"],
        full_scan=opts["full"],
        min_non_null=opts["min_non_null"],
        max_cell_chars=opts["max_cell_chars"],
        statement_timeout=opts["timeout"],
        include_views=opts["views"],
        selector=Selector(tuple(opts["include"]), tuple(opts["exclude"])),
    )
    config_kwargs = {"model": model} if model else {}
    config = ScanConfig(
        targets=tuple(opts["targets"]),
        policies=tuple(policies),
        sql=sql,
        recognizers=tuple(opts["recognizers"]),
        examples=not opts["no_examples"],
        **config_kwargs,
    )
    err = Console(stderr=True)
    show_progress = err.is_terminal and not opts["quiet"]
    scanner = Scanner(config, RichProgress(err) if show_progress else NoProgress())
    result = scanner.run()
    fmt: Format = opts["fmt"]
    output: Path | None = opts["output"]
    if fmt == Format.TABLE and output is None:
        from piscan.reporters.table import write

        out = Console(highlight=False)
        if not out.is_terminal:  # a pipe or a file: wide enough that rows do not fold
            out = Console(highlight=False, width=160)
        write(out, result)
    else:
        text = renderer(fmt)(result)
        _emit(text, output)
        for s in result.skipped:  # typer.echo: a rich console would wrap the line at 80 columns
            where = " ".join(part for part in (s.source, s.location) if part)
            typer.echo(f"piscan: skipped {where}: {s.reason}", err=True)
    if result.interrupted:
        typer.echo("piscan: interrupted: the report above holds what was found so far", err=True)
        return ExitCode.INTERRUPTED
    return _exit_code(result, opts["fail_on"])


def _exit_code(result, fail_on: FailOn) -> int:
    if any(s.location == "" for s in result.skipped):  # a whole target could not be opened
        return ExitCode.ERROR
    if fail_on == FailOn.NEVER:
        return ExitCode.OK
    if fail_on == FailOn.ANY and result.verdicts:
        return ExitCode.FINDINGS
    if result.undeclared:
        return ExitCode.FINDINGS
    return ExitCode.OK


def _emit(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PiscanError(f"cannot write {output}: {exc.strerror or exc}") from None


@app.command()
def policies() -> None:
    """List the bundled policies and their categories with declared status."""

    def show() -> int:
        from piscan.policy import bundled_policies, load_policy

        for pid in bundled_policies():
            p = load_policy(pid)
            typer.echo(f"{p.id}: {p.name}")
            for c in p.categories:
                mark = "declared" if c.declared else "NOT declared"
                typer.echo(f"  {c.id:<20} {mark:<13} {c.name}: {c.wording}")
        return ExitCode.OK

    _run(show)


def _run(action) -> None:
    """Run a command: expected failures become one line on stderr and exit 2, never a traceback."""
    try:
        code = action()
    except PiscanError as exc:
        typer.echo(f"piscan: error: {exc}", err=True)
        code = exc.exit_code
    except KeyboardInterrupt:
        typer.echo("piscan: interrupted", err=True)
        code = ExitCode.INTERRUPTED
    raise typer.Exit(int(code))


def main() -> None:
    """Console-script entry point."""
    app()
