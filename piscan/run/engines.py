"""Which executor runs a scan's units: ``engine`` in the config (``--engine``), loaded by name
only when asked for, so the local engine never imports a cluster's libraries."""

from __future__ import annotations

from importlib import import_module
from typing import Any

from piscan.errors import UsageError

ENGINES = {
    "local": "piscan.run.executor:LocalExecutor",  # this process or a local process pool
    "spark": "piscan.run.spark:SparkExecutor",  # an Apache Spark cluster (piscan[spark])
}


def check_engine(name: str) -> str:
    """The engine's name, or a one-line usage error naming the known ones."""
    if name not in ENGINES:
        known = ", ".join(sorted(ENGINES))
        raise UsageError(f"engine: unknown engine {name!r} (known: {known})")
    return name


def executor_for(name: str, scanner: Any, source: Any) -> Any:
    """The executor for one source's units: ``Class(scanner, source)`` of the named engine."""
    module, _, attr = ENGINES[check_engine(name)].partition(":")
    return getattr(import_module(module), attr)(scanner, source)
