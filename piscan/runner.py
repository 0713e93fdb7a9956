"""Settings (config file + command line) -> ScanConfig -> ScanResult -> exit code. No typer here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from piscan.baseline import Comparison
from piscan.errors import ExitCode, UsageError
from piscan.model import ScanResult
from piscan.run.clusterconf import SparkSettings
from piscan.scan import ScanConfig


def build_config(settings: dict[str, Any], targets_required: bool = True) -> ScanConfig:
    """A validated ScanConfig from resolved settings."""
    from piscan.coverage import sample_for
    from piscan.policy import load_policies
    from piscan.rules import use_user_rules, user_files
    from piscan.run.engines import check_engine
    from piscan.sources.base import Selector
    from piscan.sources.fileopts import FileOptions
    from piscan.sources.sql import SqlOptions

    use_user_rules(settings.get("rules") or [])  # before policies: they may name the users' entities
    targets = tuple(settings["targets"])
    if targets_required and not targets:
        raise UsageError(
            "no targets: name a database URL, SQLite file or folder, or set targets in piscan.toml"
        )
    sample = settings["sample"]
    if settings.get("max_miss_rate"):
        try:
            sample = max(sample, sample_for(settings["max_miss_rate"]))
        except ValueError as exc:
            raise UsageError(f"--max-miss-rate: {exc}") from None
    selector = Selector(tuple(settings["include"]), tuple(settings["exclude"]))
    sql = SqlOptions(
        sample_rows=sample,
        full_scan=settings["full"],
        exhaustive=bool(settings.get("exhaustive")),
        min_non_null=max(settings["min_non_null"], sample if settings.get("max_miss_rate") else 0),
        max_cell_chars=settings["max_cell_chars"],
        statement_timeout=settings["timeout"],
        include_views=settings["views"],
        selector=selector,
    )
    files = FileOptions(
        jobs=settings.get("jobs") or 0,
        hidden=bool(settings.get("hidden")),
        follow_symlinks=bool(settings.get("follow_symlinks")),
        follow_outside=bool(settings.get("follow_symlinks_outside")),
        ignore_file=settings.get("ignore_file"),
        byte_budget=settings.get("byte_budget") or FileOptions.byte_budget,
        full=settings["full"],
    )
    engine = check_engine(str(settings.get("engine") or "local"))
    unit_rows = settings.get("unit_rows")
    root, names = source_names(settings, targets)
    spark = spark_settings(settings)
    model = settings.get("model") or os.environ.get("PISCAN_SPACY_MODEL")
    extra = {"model": model} if model else {}
    return ScanConfig(
        targets=targets,
        policies=tuple(load_policies(settings["policies"])),
        sql=sql,
        files=files,
        recognizers=user_files("recognizers") + tuple(Path(p) for p in settings["recognizers"]),
        rules=tuple(Path(p).expanduser().resolve() for p in settings.get("rules") or []),
        examples=settings["examples"],
        root=root,
        names=names,
        engine=engine,
        spark=spark,
        unit_rows=500_000 if unit_rows is None else int(unit_rows),
        **extra,
    )


def spark_settings(settings: dict[str, Any]) -> SparkSettings:
    """The Spark master and passed-through settings (used by ``--engine spark``)."""
    from piscan.config import spark_pairs

    conf = spark_pairs(settings.get("spark_conf") or {})
    return SparkSettings(settings.get("spark_master"), tuple(sorted(conf.items())))


def source_names(
    settings: dict[str, Any], targets: tuple[str, ...]
) -> tuple[str, tuple[tuple[str, str], ...]]:
    """The identity root and the (identity, name) pairs of ``--source-name`` and the config's
    ``sources``; a name for more than one target, or a malformed one, is a usage error."""
    from piscan.identity import name_table

    root = str(settings.get("root") or Path.cwd())
    pairs = list(settings.get("sources") or [])
    if settings.get("source_name"):
        if len(targets) != 1:
            raise UsageError(
                "--source-name names one target: give exactly one, or use sources in piscan.toml"
            )
        pairs.append((targets[0], settings["source_name"]))
    try:
        table = name_table(pairs, root)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return root, tuple(sorted(table.items()))


@dataclass(frozen=True)
class Outcome:
    """A finished scan and, when a baseline was given, how it compares."""

    result: ScanResult
    comparison: Comparison | None = None


def skip_limit(settings: dict[str, Any]) -> int | None:
    """How many skipped tables, files or columns the scan tolerates: --fail-on-skipped is 0,
    else max_skipped, else no limit (None)."""
    if settings.get("fail_on_skipped"):
        return 0
    limit = settings.get("max_skipped")
    return None if limit is None else int(limit)


def judge(outcome: Outcome, fail_on: str, max_skipped: int | None = None) -> int:
    """The exit code CI reads; the most serious condition wins: interrupted (130), a target that
    could not be opened (2), the scan did not cover what it was asked to (3), failing
    findings (1), clean (0)."""
    from piscan.coverage import incomplete

    result = outcome.result
    if result.interrupted:
        return ExitCode.INTERRUPTED
    if any(s.location == "" for s in result.skipped):  # a whole target could not be opened
        return ExitCode.ERROR
    if incomplete(result, max_skipped):
        return ExitCode.INCOMPLETE
    verdicts = outcome.comparison.new if outcome.comparison else result.verdicts
    if fail_on == "never":
        return ExitCode.OK
    if fail_on == "any" and verdicts:
        return ExitCode.FINDINGS
    if any(not v.declared for v in verdicts):
        return ExitCode.FINDINGS
    return ExitCode.OK


def prepare(settings: dict[str, Any], outputs: tuple[str | Path | None, ...] = ()) -> ScanConfig:
    """The ScanConfig, once the outputs can be written and the targets open: before any model
    loads, so a typo fails in a second."""
    from piscan.preflight import check_output, check_targets

    config = build_config(settings)
    if config.engine == "spark":
        from piscan.run.clusterconf import check_available, use

        check_available(config.spark)
        use(config.spark)  # spark-table: targets list the catalog with the scan's session
    for output in outputs:
        check_output(output)
    check_targets(config)
    return config
