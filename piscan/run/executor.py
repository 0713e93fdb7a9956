"""Executors run a plan's units and give back their partial tallies in unit order.

The local executor reads units in this process, or in worker processes when there are enough of
them. Each worker opens its own source and builds its detectors once (on Linux the workers are
forked from the scanner, so the spaCy model is already loaded); every unit is read the same way
whatever the worker, so ``--jobs 4`` reports exactly what ``--jobs 1`` does.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import suppress
from typing import Any, Protocol

from piscan.model import Skipped
from piscan.run import job as jobs
from piscan.run.job import Job
from piscan.run.pipeline import scan_unit
from piscan.run.tally import PartialTally, unread
from piscan.run.units import Unit

UNITS_PER_WORKER = 4  # a worker is started for every this many units (tables, files), up to --jobs
STOP_GRACE = 3.0  # seconds a stopped worker gets to cancel its query before it is killed
PR_SET_PDEATHSIG = 1


class Executor(Protocol):
    """Runs units of one job; a Spark executor is another implementation (piscan.run.engines)."""

    def run(self, job: Job, units: Sequence[Unit]) -> Iterator[PartialTally]:
        """Partials in unit order; on Ctrl-C: yield what finished, then raise KeyboardInterrupt."""
        ...


class LocalExecutor:
    """In this process, or in a pool of worker processes when there are enough units."""

    def __init__(self, scanner: Any, source: Any) -> None:
        self.scanner, self.source = scanner, source

    def run(self, job: Job, units: Sequence[Unit]) -> Iterator[PartialTally]:
        """A worker for every ``UNITS_PER_WORKER`` units (or key range), up to --jobs; in this
        process when that makes fewer than two, or when a worker could not open the target itself."""
        count = job.config.files.jobs or cores()
        # a key range is a big table's share (about unit_rows rows): worth a worker of its own
        weight = sum(UNITS_PER_WORKER if unit.part is not None else 1 for unit in units)
        workers = min(count, weight // UNITS_PER_WORKER)
        target = job.target
        if workers < 2 or not target or in_memory(target):
            yield from self._here(units)
            return
        _share_with_forks(self.scanner, job)
        yield from _pooled(job, list(units), workers, self.source.public)

    def _here(self, units: Sequence[Unit]) -> Iterator[PartialTally]:
        """In this process, with the scanner's own source (an in-memory database stays whole)."""
        progress = getattr(self.scanner, "progress", None)
        rows_seen = progress.rows if progress is not None else None
        for unit in units:
            partial = scan_unit(self.scanner, self.source, unit, rows_seen)
            yield partial
            if partial.interrupted:
                raise KeyboardInterrupt


def _share_with_forks(scanner: Any, job: Job) -> None:
    """Before forking: build what every worker would build for itself (a full scan's sweep
    checker and its compiled prefilter), so the workers share it with the parent (_round)."""
    presidio = getattr(scanner, "presidio", None)
    if job.config.sql.full_scan and presidio is not None and hasattr(presidio, "analyzer"):
        from piscan.sweep import checker_for

        checker = checker_for(presidio)
        checker.prefilter(checker.sparse)


def in_memory(target: str) -> bool:
    """An in-memory SQLite database: a worker opening the URL would get an empty one."""
    return target.rstrip("/") == "sqlite:" or ":memory:" in target


def cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


# -- the process pool ---------------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


class _Interrupted(Exception):
    """Ctrl-C while a pool ran: the partials that had finished, by position."""

    def __init__(self, finished: dict[int, PartialTally]) -> None:
        super().__init__("interrupted")
        self.finished = finished


class _Broken(Exception):
    """A pool lost a worker: which units had not finished, and which were being read."""

    def __init__(self, unfinished: list[int], suspects: set[int]) -> None:
        super().__init__("a worker process died")
        self.unfinished, self.suspects = unfinished, suspects


def _start_worker(job: Job, started: Any) -> None:
    """Runs once in each worker: Ctrl-C is the parent's business; the worker dies with the
    parent; SIGTERM (the parent stopping the pool) cancels its query and ends it at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    signal.signal(signal.SIGTERM, _stop_worker)
    _WORKER.update(job=job, started=started)
    with suppress(Exception):  # if this fails, the first unit tries again and says why (Job.run)
        job.opened()  # the scanner and the source, before the first unit


def _work(position: int, unit: Unit) -> PartialTally:
    _WORKER["started"].put(position)  # if this worker dies, the parent knows which unit it read
    _WORKER["busy"] = True
    try:
        return _WORKER["job"].run(unit)
    finally:
        _WORKER["busy"] = False


def _stop_worker(_signum: int, _frame: Any) -> None:
    """SIGTERM in a worker (the parent stops its pool): cancel the query being read and leave at
    once. No exception is raised: one landing in a finalizer would be printed and lost; the
    parent keeps only what workers had finished anyway."""
    cancel = getattr(jobs.ACTIVE.get("source"), "cancel_active", None)
    if _WORKER.get("busy") and cancel is not None:
        cancel()
    os._exit(0)


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when the parent dies, even by SIGKILL (no orphans
    reading on)."""
    parent = os.getppid()
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent's stop still ends the pool
        return
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(0)


def _context() -> Any:
    """Fork where the platform has it: workers inherit the loaded model instead of loading it."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _pooled(job: Job, units: list[Unit], workers: int, public: str) -> Iterator[PartialTally]:
    """Partials in the units' order. When a worker dies, the unit it was reading is skipped
    (units that were being read at the time are retried one by one to find it) and the rest go on."""
    rounds: deque[tuple[list[int], int]] = deque([(list(range(len(units))), workers)])
    ready: dict[int, PartialTally] = {}
    next_index = 0
    while rounds:
        indexes, size = rounds.popleft()
        try:
            for index, partial in _round(job, units, indexes, size):
                ready[index] = partial
                while next_index in ready:
                    yield ready.pop(next_index)
                    next_index += 1
        except _Interrupted as stop:
            # keep what had finished, also behind a unit still being read, then stop
            ready.update(stop.finished)
            for index in sorted(ready):
                yield ready[index]
            raise KeyboardInterrupt from None
        except _Broken as broken:
            if size == 1 or len(broken.suspects) == 1:
                culprit = min(broken.suspects or {broken.unfinished[0]})
                reason = "a worker process died while reading it (try --jobs 1)"
                lost = Skipped(public, units[culprit].container.path, reason)
                ready[culprit] = unread(units[culprit], lost)
                rest = [i for i in broken.unfinished if i != culprit]
                if rest:
                    rounds.appendleft((rest, workers))
            elif not broken.suspects:  # no worker got as far as a unit: go one at a time
                rounds.appendleft((broken.unfinished, 1))
            else:
                rest = [i for i in broken.unfinished if i not in broken.suspects]
                rounds.extendleft([(rest, workers)] if rest else [])
                rounds.extendleft(([i], 1) for i in sorted(broken.suspects, reverse=True))
            while next_index in ready:
                yield ready.pop(next_index)
                next_index += 1



def _round(job: Job, units: list[Unit], indexes: list[int], size: int) -> Iterator[tuple[int, PartialTally]]:
    """(position, partial) as one pool finishes them; _Broken when it loses a worker."""
    mp = _context()
    started = mp.SimpleQueue()
    # The parent's objects (the model above all) leave the collector's reach while workers fork:
    # a forked worker then shares their pages with the parent instead of copying each page the
    # first time its collector touches an object's header, so two workers hold the model once.
    gc.collect()
    gc.freeze()
    pool = ProcessPoolExecutor(size, mp_context=mp, initializer=_start_worker, initargs=(job, started))
    try:
        futures = {i: pool.submit(_work, i, units[i]) for i in indexes}
        for i in indexes:
            try:
                partial = futures[i].result()
            except KeyboardInterrupt:
                raise _Interrupted(_finished(futures, i)) from None
            except BrokenProcessPool:
                done = {j for j, f in futures.items() if f.done() and f.exception() is None}
                for j in sorted(done):
                    if j > i:
                        yield j, futures[j].result()
                running = set()
                while not started.empty():
                    running.add(started.get())
                unfinished = [j for j in indexes if j >= i and j not in done]
                raise _Broken(unfinished, running & set(unfinished)) from None
            yield i, partial
    finally:
        _stop(pool)
        gc.unfreeze()  # the parent's objects are collectable again once its workers are gone


def _finished(futures: dict[int, Any], first: int) -> dict[int, PartialTally]:
    """Partials of the futures from ``first`` on that completed without an error."""
    done = [j for j, f in futures.items() if j >= first and f.done() and not f.cancelled()]
    return {j: futures[j].result() for j in done if futures[j].exception() is None}


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop at once: on Ctrl-C the workers' units are abandoned, not waited for. SIGTERM lets a
    worker cancel its query; one that has not gone after STOP_GRACE seconds is killed."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public way before 3.14
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    deadline = time.monotonic() + STOP_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(1)
