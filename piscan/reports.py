"""Which reports one scan writes (``--format F -o FILE`` pairs) and what they know beyond the scan.

One scan, several files: CI jobs want SARIF for the code host, JUnit for the merge request and
JSON to keep, and scanning twice doubles the time and may disagree with itself.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piscan.baseline import Comparison, Entry
from piscan.errors import PiscanError, UsageError
from piscan.fingerprint import fingerprint
from piscan.model import ScanResult
from piscan.reporters.base import BaselineState, Format, ReportContext, Review, StaleEntry, renderer

FORMAT, OUTPUT = "format", "output"


@dataclass(frozen=True)
class ReportSpec:
    """One report to write: a format and a file (None: stdout)."""

    format: Format
    output: Path | None = None


def plan(given: Sequence[tuple[str, str]], settings: Mapping[str, Any]) -> list[ReportSpec]:
    """The reports to write: command-line pairs, else the config's ``reports``, else format/output."""
    schema = settings.get("sarif_schema_file")
    if schema and not Path(schema).is_file():
        raise UsageError(f"--sarif-schema-file: no such file {schema}")
    if not given and settings.get("reports"):
        return _checked(
            [ReportSpec(_format(r["format"]), _path(r.get("output"))) for r in settings["reports"]]
        )
    return pair(given, settings["format"], settings["output"])


def context(
    settings: Mapping[str, Any], comparison: Comparison | None = None, entries: Iterable[Entry] = ()
) -> ReportContext:
    """What the reports know beyond the scan: the baseline's verdict and the SARIF schema file."""
    schema = settings.get("sarif_schema_file")
    return ReportContext(
        baseline=baseline_state(comparison, entries),
        schema_file=Path(schema) if schema else None,
        verbose=logging.getLogger().isEnabledFor(logging.INFO),  # -v: the CLI sets the root level
    )


def pair(
    given: Sequence[tuple[str, str]], default_format: str, default_output: str | None
) -> list[ReportSpec]:
    """``--format``/``-o`` occurrences in command-line order -> reports.

    Each ``-o`` belongs to the ``--format`` before it; a ``--format`` without one goes to
    stdout. A single format and a single output pair in either order, as before pairs existed;
    the config file's ``format``/``output`` fill in what the command line leaves out.
    """
    formats = [v for kind, v in given if kind == FORMAT]
    outputs = [v for kind, v in given if kind == OUTPUT]
    if len(formats) <= 1 and len(outputs) <= 1:
        out = outputs[0] if outputs else (default_output if not formats else None)
        return _checked([ReportSpec(_format(formats[0] if formats else default_format), _path(out))])
    specs: list[ReportSpec] = []
    open_spec = False  # the last --format has no -o yet
    for kind, value in given:
        if kind == FORMAT:
            specs.append(ReportSpec(_format(value)))
            open_spec = True
        elif open_spec:
            specs[-1] = ReportSpec(specs[-1].format, _path(value))
            open_spec = False
        else:
            raise UsageError(f"-o {value}: with several reports, each -o FILE follows its --format FORMAT")
    return _checked(specs)


def _checked(specs: list[ReportSpec]) -> list[ReportSpec]:
    if sum(1 for s in specs if s.output is None) > 1:
        raise UsageError("only one report can go to stdout: give the others -o FILE")
    files = [s.output.resolve() for s in specs if s.output is not None]
    if len(files) != len(set(files)):
        raise UsageError("two reports would write the same file")
    return specs


def _format(value: str) -> Format:
    try:
        return Format(value)
    except ValueError:
        choices = ", ".join(f.value for f in Format)
        raise UsageError(f"--format {value!r}: choose one of {choices}") from None


def _path(value: str | None) -> Path | None:
    return Path(value) if value not in (None, "", "-") else None


def check_outputs(specs: Iterable[ReportSpec]) -> None:
    """Fail before scanning when a report cannot be written (a typo costs a second, not a scan)."""
    from piscan.preflight import check_output

    for spec in specs:
        check_output(spec.output)


def baseline_state(comparison: Comparison | None, entries: Iterable[Entry] = ()) -> BaselineState | None:
    """What reports show of a baseline comparison: the review behind each known verdict, stale entries."""
    if comparison is None:
        return None
    by_fp = {e.fingerprint: e for e in entries}
    reviewed = {}
    for v in comparison.known:
        fp = fingerprint(v)
        entry = by_fp.get(fp)
        reviewed[fp] = Review(entry.reason, entry.reviewer) if entry else Review("", "")
    stale = tuple(
        StaleEntry(e.source, e.location, e.entity, e.policy, e.category, e.fingerprint)
        for e in comparison.stale
    )
    return BaselineState(reviewed, stale)


def write(result: ScanResult, specs: Iterable[ReportSpec], context: ReportContext) -> None:
    """Render every report from the same scan; the terminal table goes through rich for colour."""
    for spec in specs:
        if spec.format == Format.TABLE and spec.output is None:
            _terminal_table(result, context.verbose)
            continue
        text = renderer(spec.format)(result, context=context)
        if spec.output is None:
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            _write_file(spec.output, text)


def _terminal_table(result: ScanResult, verbose: bool) -> None:
    from rich.console import Console

    from piscan.redact import printable_result
    from piscan.reporters.table import write as write_table

    out = Console(highlight=False)
    if not out.is_terminal:  # a pipe or a file: wide enough that rows do not fold
        out = Console(highlight=False, width=160)
    write_table(out, printable_result(result), verbose=verbose)  # no escape code reaches the terminal


def _write_file(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise PiscanError(f"cannot write {path}: {exc.strerror or exc}") from None


def rerender(saved: Path, given: Sequence[tuple[str, str]], settings: Mapping[str, Any]) -> int:
    """``piscan report``: a saved JSON report in other formats; the exit code as the scan judged it."""
    from piscan import baseline as bl
    from piscan.reporters.json_load import load
    from piscan.runner import Outcome, judge

    if settings["fail_on"] not in ("undeclared", "any", "never"):
        raise UsageError(f"--fail-on must be undeclared, any or never, not {settings['fail_on']!r}")
    specs = plan(given, settings)
    check_outputs(specs)
    result = load(saved)
    base = bl.read(Path(settings["baseline"])) if settings.get("baseline") else None
    entries = list(base.entries) if base is not None else None
    comparison = bl.compare(result, entries) if entries is not None else None
    write(result, specs, context(settings, comparison, entries or ()))
    return judge(Outcome(result, comparison), settings["fail_on"])
