"""Run one child process and measure it alone: wall and CPU time, peak RSS, with a hard timeout."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TRACE_SECONDS = 1.0


@dataclass(frozen=True)
class Run:
    """What one child did: os.wait4's rusage is per child, so RSS and CPU are not mixed across runs."""

    wall: float
    cpu: float
    peak_rss_mb: float
    code: int
    timed_out: bool
    stdout: str
    stderr: str
    rss_trace: tuple[tuple[float, float], ...] = ()  # (seconds since start, RSS MB), when traced
    tree_pss_mb: float | None = None  # the largest summed PSS of the child and its workers, when traced


def child_env() -> dict[str, str]:
    """The environment for children: the checkout on the path, no piscan settings inherited."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PISCAN_")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    return env


def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def _tree_pss_mb(pid: int) -> float | None:
    """Proportional set size of a process and its children, summed: pages shared after a fork
    (the loaded model in worker processes) are split between them, not counted once per process."""
    pids = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    except (OSError, ValueError):
        pass
    total, seen = 0.0, False
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
                    seen = True
        except (OSError, ValueError):
            continue
    return total if seen else None


def _tracer(
    pid: int, started: float, done: threading.Event, out: list[tuple[float, float]], tree: list[float]
) -> None:
    """Poll the child's RSS once a second (growth inside one long run shows without a finished
    run) and the process tree's summed PSS (what worker processes cost together)."""
    while not done.wait(TRACE_SECONDS):
        rss = _rss_mb(pid)
        if rss is not None:
            out.append((time.perf_counter() - started, rss))
        pss = _tree_pss_mb(pid)
        if pss is not None:
            tree.append(pss)


def run(args: list[str], timeout: float, cwd: Path | None = None, trace: bool = False) -> Run:
    """Run ``python ARGS``; a run past ``timeout`` seconds is killed and flagged, not raised."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, *args],
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            cwd=cwd or tempfile.gettempdir(),
            env=child_env(),
        )
        killed = threading.Event()

        def kill() -> None:
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        done, samples, tree = threading.Event(), [], []
        poller = threading.Thread(target=_tracer, args=(proc.pid, started, done, samples, tree), daemon=True)
        if trace:
            poller.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
            done.set()
        if trace:
            poller.join()
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4: tell Popen
        out.seek(0)
        err.seek(0)
        return Run(
            wall=wall,
            cpu=usage.ru_utime + usage.ru_stime,
            peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
            code=proc.returncode,
            timed_out=killed.is_set(),
            stdout=out.read(),
            stderr=err.read(),
            rss_trace=tuple(samples),
            tree_pss_mb=max(tree, default=None),
        )
