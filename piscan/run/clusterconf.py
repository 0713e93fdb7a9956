"""What ``--engine spark`` needs before anything starts: the master, the passed-through Spark
settings (secrets redacted wherever they are shown) and a check that pyspark and Java are there.
No pyspark import here: a local scan never pays for it."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from dataclasses import dataclass

from piscan.errors import UsageError
from piscan.sources.credentials import redact_text

LOCAL_MASTER = "local[*]"
# Spark settings whose value is a secret: spark.hadoop.fs.s3a.secret.key, ...password, ...token
_SECRET_KEY = re.compile(r"(pass(word|wd)?|secret|token|credential|(access|private|auth)[._-]?key)", re.I)
REDACTED = "***"
_CHOSEN: list[SparkSettings] = []  # the settings this process scans with (use()), for spark-table:


@dataclass(frozen=True)
class SparkSettings:
    """Where a Spark scan runs and the Spark settings it passes through (picklable, frozen)."""

    master: str | None = None  # None: SPARK_REMOTE (Spark Connect), else local[*]
    conf: tuple[tuple[str, str], ...] = ()

    def resolved_master(self) -> str:
        """The master the session connects to: --spark-master, else SPARK_REMOTE, else local[*]."""
        return self.master or os.environ.get("SPARK_REMOTE") or LOCAL_MASTER

    def connect(self) -> bool:
        """Spark Connect (sc://...): no local JVM, the server runs the job."""
        return self.resolved_master().startswith("sc://")

    def public(self) -> dict[str, object]:
        """The settings as reports record them: no password of the master URL, no secret value."""
        return {"master": redact_text(self.resolved_master()), "conf": redact_conf(dict(self.conf))}


def redact_conf(conf: dict[str, str]) -> dict[str, str]:
    """Spark settings to show: secret-named values hidden, passwords in URL values removed."""
    return {k: REDACTED if _SECRET_KEY.search(k) else redact_text(str(v)) for k, v in conf.items()}


def check_available(settings: SparkSettings) -> None:
    """One clear usage error when pyspark (or, for a JVM-backed master, Java) is missing."""
    if importlib.util.find_spec("pyspark") is None:
        raise UsageError(
            "--engine spark needs pyspark: pip install 'piscan-inventory[spark]' (pyspark 4, Java 17)"
        )
    if settings.connect():
        return
    home = os.environ.get("JAVA_HOME")
    if not (home and os.path.exists(os.path.join(home, "bin", "java"))) and not shutil.which("java"):
        raise UsageError(
            "--engine spark needs Java 17 (java on PATH or JAVA_HOME): e.g. openjdk-17-jre-headless"
        )


def use(settings: SparkSettings) -> None:
    """Record the Spark settings of this process's scan: a ``spark-table:`` source opens its
    session with them when it lists the catalog (the engine's executor reuses that session)."""
    _CHOSEN[:] = [settings]


def chosen() -> SparkSettings | None:
    """The settings recorded by ``use`` (None: the scan does not run on Spark)."""
    return _CHOSEN[0] if _CHOSEN else None
