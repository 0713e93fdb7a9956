"""A job of the executor's shape whose units misbehave on purpose: the Spark executor's retry,
skip and order guarantees, tested on real Spark without a database in the way."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from piscan.sources.base import Container


@dataclass(frozen=True)
class ToyUnit:
    """A unit: ``mode`` says how it behaves (ok, fails always, kills its Python worker or its
    executor JVM once, slow)."""

    index: int
    mode: str = "ok"
    source: int = 0
    part: None = None
    container: Container = field(default_factory=lambda: Container(("toy",), ()))

    def describe(self) -> str:
        return f"toy unit {self.index}"


@dataclass(frozen=True)
class ToyJob:
    """``run`` never raises (errors become a skipped result); ``run_or_raise`` lets them out."""

    def run(self, unit: ToyUnit) -> tuple:
        try:
            return self.run_or_raise(unit)
        except Exception as exc:  # noqa: BLE001
            return ("skipped", unit.index, str(exc), _attempt())

    def run_or_raise(self, unit: ToyUnit) -> tuple:
        if unit.mode == "fails":
            raise RuntimeError(f"unit {unit.index} cannot be read")
        if unit.mode == "dies-once" and _attempt() == 0:
            os._exit(3)  # the Python worker dies mid-task, as an OOM-killed one would
        if unit.mode == "dies-always":
            os._exit(3)
        if unit.mode == "kills-executor-once" and _attempt() == 0:
            _kill_executor_jvm()  # a whole executor lost mid-task, as when a node goes away
        if unit.mode == "slow":
            time.sleep(30)
        return ("ok", unit.index, "", _attempt())


def _kill_executor_jvm() -> None:
    """SIGKILL the executor JVM this Python worker runs under (its nearest ancestor running
    CoarseGrainedExecutorBackend); never the driver's, never outside a cluster's executor."""
    import signal

    pid = os.getppid()
    while pid > 1:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            if b"CoarseGrainedExecutorBackend" in fh.read():
                os.kill(pid, signal.SIGKILL)
                os._exit(3)  # the JVM is gone: this worker goes with it
        with open(f"/proc/{pid}/stat") as fh:
            pid = int(fh.read().rsplit(")", 1)[1].split()[1])
    raise RuntimeError("no executor JVM above this worker")


def _attempt() -> int:
    from pyspark import TaskContext

    return TaskContext.get().attemptNumber()
