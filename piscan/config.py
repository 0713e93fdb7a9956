"""``piscan.toml`` or ``[tool.piscan]`` in pyproject.toml; command-line options override it."""

from __future__ import annotations

import difflib
import json
import tomllib
from pathlib import Path
from typing import Any

from piscan.errors import ConfigError, UsageError
from piscan.rules import schema_keys, validate
from piscan.sources.credentials import redact_text

CONFIG_FILE = "piscan.toml"

# Built-in defaults: what a scan uses when neither the config file nor the command line says.
DEFAULTS: dict[str, Any] = {
    "targets": [],
    "policies": ["xwms"],
    "format": "table",
    "output": None,
    "fail_on": "undeclared",
    "sample": 1000,
    "full": False,
    "exhaustive": False,
    "min_non_null": 50,
    "max_cell_chars": 4096,
    "timeout": 30.0,
    "views": False,
    "include": [],
    "exclude": [],
    "model": None,
    "recognizers": [],
    "rules": [],  # users' rules folders: entities.yaml, recognizers/*.yaml, policies/*.yaml
    "examples": True,
    "baseline": None,
    "store": None,
    "record": False,
    "quiet": False,
    "fail_on_skipped": False,
    "max_skipped": None,
    "sources": [],
    "source_name": None,
    "jobs": None,  # None: one worker per core
    "engine": "local",  # what runs the scan's units (piscan.run.engines): local or spark
    "unit_rows": 500_000,  # full scans: tables estimated above this many rows are split into key ranges
    "hidden": False,
    "follow_symlinks": False,
    "follow_symlinks_outside": False,
    "ignore_file": None,  # None: .piscanignore in a scanned folder
    "byte_budget": None,  # None: 8 MiB
    "max_miss_rate": None,
    "sarif_schema_file": None,
    "reports": [],  # [{format, output}]: several reports from one scan
    "spark_master": None,  # None: SPARK_REMOTE (Spark Connect), else local[*]
    "spark_conf": {},  # Spark settings passed through; --spark-conf KEY=VALUE adds to them
}

STARTER = """\
# piscan configuration. Command-line options override every key here.
# Docs: README.md ("Configuration"). Delete what you do not need.

# What to scan: database URLs or SQLite files. Keep passwords out of this file: use
# PISCAN_DB_PASSWORD or a pgpass-style file (PISCAN_PASSFILE).
targets = ["examples/staging.sqlite"]

# Policies to judge against: bundled ids (xwms, westmonth) or paths to policy YAML files.
policies = ["xwms"]

# Tables and columns: globs over schema[.table[.column]].
include = []
exclude = ["*.*.internal_*"]

# Rows sampled per table (tables this small are read whole); full = true reads every row and,
# once a column's verdict is settled, examines a thinning sample of it; exhaustive = true
# examines every value of a full scan.
sample = 1000
full = false
exhaustive = false

# When `piscan scan` exits 1: "undeclared" (default), "any" or "never".
fail_on = "undeclared"

# Reviewed findings (piscan baseline create ...): only findings not in it fail the scan.
# baseline = "piscan-baseline.json"

# Report: table, json, csv, sarif, junit or html; output = a file instead of stdout.
format = "table"
# output = "piscan.sarif"
# Several reports from one scan (instead of format/output):
# reports = [{format = "sarif", output = "piscan.sarif"}, {format = "junit", output = "piscan-junit.xml"}]
# SARIF: point database results at the file that creates the tables.
# sarif_schema_file = "db/schema.sql"

# Your own entity types, recognizers and policies, in folders shaped like piscan's rules/
# (entities.yaml, recognizers/*.yaml, policies/*.yaml):
# rules = ["privacy-rules"]

# Files and folders: hidden files, symbolic links, the ignore file, bytes read from a huge file.
# hidden = false
# follow_symlinks = false
# ignore_file = ".piscanignore"
# byte_budget = 8388608
# Worker processes (0 or absent: one per core); a sample that bounds missed values below this share.
# jobs = 4
# max_miss_rate = 0.001

# Run on a Spark cluster (pip install 'piscan-inventory[spark]', Java 17):
# engine = "spark"
# spark_master = "spark://spark-master:7077"
# spark_conf = {"spark.executor.memory" = "4g"}

# Inventory history: record = true stores every scan (default: SQLite in the user data folder).
# record = true
# store = "postgresql://piscan@inventory-db/piscan"
"""


def find(start: Path | None = None) -> Path | None:
    """``piscan.toml`` in the working folder, else a pyproject.toml with a [tool.piscan] table."""
    folder = (start or Path.cwd()).resolve()
    candidate = folder / CONFIG_FILE
    if candidate.is_file():
        return candidate
    pyproject = folder / "pyproject.toml"
    if pyproject.is_file() and "piscan" in _read_toml(pyproject).get("tool", {}):
        return pyproject
    return None


def load(path: Path | None) -> dict[str, Any]:
    """The settings in a config file (only the keys it sets), validated."""
    if path is None:
        return {}
    data = _read_toml(path)
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("piscan", {})
    if isinstance(data, dict):
        _known_keys(data, path)
    validate(data, "config", path)
    return data


def _known_keys(data: dict[str, Any], path: Path) -> None:
    """An unknown key is an error that suggests the key the user probably meant."""
    known = schema_keys("config")
    for key in sorted(set(data) - set(known)):
        close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(sorted(known))}"
        raise ConfigError(str(path), key, f"unknown key{hint}")


def resolve(path: Path | None, cli: dict[str, Any]) -> dict[str, Any]:
    """Defaults, then the config file, then command-line options that were given (not None).

    ``root`` is the folder that relative paths in the config file mean (the file's own), and
    the anchor of source identities; without a config file it is the working folder.
    """
    return {key: value for key, (value, _) in resolve_with_origins(path, cli).items()}


def resolve_with_origins(path: Path | None, cli: dict[str, Any]) -> dict[str, tuple[Any, str]]:
    """Every setting with where its value came from: ``default``, the config file or ``command line``."""
    from piscan.targets import anchor

    data = load(path)
    root = path.resolve().parent if path is not None else Path.cwd()
    if "targets" in data:
        data["targets"] = [anchor(t, root) for t in data["targets"]]
    if "sources" in data:
        data["sources"] = [(anchor(t, root), name) for t, name in _source_pairs(data["sources"])]
    settings: dict[str, tuple[Any, str]] = {k: (v, "default") for k, v in DEFAULTS.items()}
    settings.update({k: (v, str(path)) for k, v in data.items()})
    given = {k: v for k, v in cli.items() if v is not None and v != []}
    if "spark_conf" in given:  # --spark-conf KEY=VALUE adds to (and overrides) the config's table
        given["spark_conf"] = {**settings["spark_conf"][0], **spark_pairs(given["spark_conf"])}
    settings.update({k: (v, "command line") for k, v in given.items()})
    settings["root"] = (str(root), "the config file's folder" if path is not None else "working folder")
    return settings


def spark_pairs(pairs: Any) -> dict[str, str]:
    """``--spark-conf KEY=VALUE`` options (or a table already) as a table; a pair without ``=``
    is a usage error."""
    if isinstance(pairs, dict):
        return {str(k): str(v) for k, v in pairs.items()}
    table = {}
    for pair in pairs:
        key, eq, value = str(pair).partition("=")
        if not eq or not key.strip():
            raise UsageError(f"--spark-conf takes KEY=VALUE, not {redact_text(str(pair))!r}")
        table[key.strip()] = value
    return table


def _source_pairs(sources: Any) -> list[tuple[str, str]]:
    """The config's ``sources`` (a table target -> name, or a list of {target, name}) as pairs."""
    if isinstance(sources, dict):
        return [(str(t), str(n)) for t, n in sources.items()]
    return [(str(item["target"]), str(item["name"])) for item in sources]


def describe(settings: dict[str, tuple[Any, str]]) -> str:
    """The effective configuration as TOML a user could paste into piscan.toml, origins as comments."""
    lines = ["# piscan: effective settings (key = value  # where it came from)"]
    for key in [*DEFAULTS, *sorted(set(settings) - set(DEFAULTS))]:
        if key not in settings:
            continue
        value, origin = settings[key]
        if key == "spark_conf" and value:
            from piscan.run.clusterconf import redact_conf

            value = redact_conf(value)
        if value is None:
            lines.append(f"# {key} = (not set)  # {origin}")
        else:
            lines.append(f"{key} = {_toml(value)}  # {origin}")
    return "\n".join(lines) + "\n"


def _toml(value: Any) -> str:
    """TOML for the values settings hold (strings, numbers, booleans, lists, tables of those)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(redact_text(str(value)), ensure_ascii=False)  # passwords never shown


def _toml_key(key: str) -> str:
    """A bare TOML key, or a quoted one when it holds dots or other characters (spark.executor.memory)."""
    return key if key and all(c.isalnum() or c in "_-" for c in key) else json.dumps(key)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "", "file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "", f"cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(path), "", f"invalid TOML: {exc}") from None
