"""Files and tables scanned one by one, in worker processes when there are enough of them.

Each worker opens its own source and builds its detectors once (on Linux the workers are forked
from the scanner, so the spaCy model is already loaded). Results come back in path order and
each file is read the same way whatever the worker, so ``--jobs 4`` reports exactly what
``--jobs 1`` does.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from functools import partial
from typing import TYPE_CHECKING, Any

from piscan import interrupt
from piscan.aggregate import ColumnTally
from piscan.detectors.names import context_words, name_hits
from piscan.detectors.topics import PROSE_FORMATS, TopicTally
from piscan.errors import SkipError
from piscan.formats.base import CONTENT
from piscan.model import Column, Skipped, ValueKind
from piscan.outcome import Outcome
from piscan.records import Prepared, normalize
from piscan.sources.base import Container, Source
from piscan.sources.files import FileSource
from piscan.tables import scan_table

if TYPE_CHECKING:
    from piscan.scan import Scanner

log = logging.getLogger(__name__)
FILES_PER_WORKER = 4  # a worker is started for every this many files, up to --jobs
TABLES_PER_WORKER = 4  # ... and for every this many tables


@dataclass
class _Field:
    tally: ColumnTally
    column: Column
    unit: str
    first: dict[str, int] = field(default_factory=dict)  # entity -> first line of a detection
    topics: TopicTally | None = None  # the whole text of a prose file: what the document is about


def scan_file(scanner: Scanner, source: FileSource, container: Container) -> Outcome:
    """Read one file and tally each of its fields; bad input becomes a skipped entry."""
    out, fields, lines = Outcome(), {}, {}
    public = source.public
    try:
        for batch in source.read(container):
            interrupt.check()  # a Ctrl-C swallowed by a finalizer is raised here
            lines[batch.unit] = lines.get(batch.unit, 0) + batch.rows
            for key, raw in batch.values.items():
                fld = fields.get(key) or fields.setdefault(key, _new_field(source, container, key, batch))
                _scan(scanner, fld, raw, batch.lines[key])
        out.scanned = True
    except SkipError as exc:
        out.skipped.append(Skipped(public, container.path, str(exc)))
    except KeyboardInterrupt:
        out.interrupted = True
    except Exception as exc:  # a bug met on one file must not lose every other file's findings
        log.info("internal error on %s", container.path, exc_info=True)
        out.skipped.append(
            Skipped(public, container.path, f"internal error: {type(exc).__name__}: {exc}"[:300])
        )
    trouble = bool(out.skipped or source.notices)
    out.skipped += [Skipped(public, loc, text) for loc, text in source.notices]
    out.notes += [Skipped(public, loc, text) for loc, text in source.notes]
    source.notices.clear()
    source.notes.clear()
    for fld in fields.values():
        fld.tally.rows = lines.get(fld.unit, 0)
        found = [
            replace(f, first_line=fld.first.get(f.entity), lines=fld.tally.rows) for f in fld.tally.findings()
        ]
        if fld.topics is not None:
            have = {f.entity for f in found}
            about = fld.topics.findings(fld.tally.location, fld.tally.sampled, fld.tally.rows, have)
            found += [replace(f, lines=fld.tally.rows) for f in about]
        if not scanner.config.examples:
            found = [replace(f, example="") for f in found]
        out.findings += found
        out.coverage.append(fld.tally.coverage(found))
    if out.scanned and not trouble and not fields:
        out.notes.append(Skipped(public, container.path, "file is empty or blank: nothing to scan"))
    return out


def scan_tables(
    scanner: Scanner, source: Source, containers: list[Container], target: str
) -> Iterator[tuple[Container, Outcome]]:
    """(container, outcome) in the tables' order, from workers when there are enough tables:
    each worker opens its own connection, and sampling is seeded, so results do not depend on
    which worker read a table."""
    one = partial(scan_table, scanner, source)
    yield from _in_order(scanner, source, containers, target, TABLES_PER_WORKER, one)


def _in_memory(target: str) -> bool:
    """An in-memory SQLite database: a worker opening the URL would get an empty one."""
    return target.rstrip("/") == "sqlite:" or ":memory:" in target


def _new_field(source: FileSource, container: Container, key: str, batch: Any) -> _Field:
    column = batch.columns[key]
    tally = ColumnTally(
        source.location(container, key), tuple(name_hits(column)), context=context_words(column)
    )
    prose = column.name == CONTENT and column.type_name in PROSE_FORMATS
    return _Field(tally, column, batch.unit, topics=TopicTally() if prose else None)


def _scan(
    scanner: Scanner, fld: _Field, raw: list[object], lines: list[int | None]
) -> None:
    if fld.topics is not None:
        for value, line in zip(raw, lines, strict=True):
            if isinstance(value, str):
                fld.topics.add(value, line)
    prepared, firsts = prepare_lines(raw, lines, fld.column.kind, scanner.config.sql.max_cell_chars)
    detections = scanner.detect(fld.tally, fld.column, prepared, media=True)
    fld.tally.add(0, prepared.non_null, prepared.weights, detections)
    for d in detections:
        line = firsts[d.value_index] if d.value_index is not None else None
        if line is not None and line < fld.first.get(d.entity, line + 1):
            fld.first[d.entity] = line


def prepare_lines(
    raw: list[object], lines: list[int | None], declared: ValueKind, max_chars: int
) -> tuple[Prepared, list[int | None]]:
    """Distinct values with their counts (as records.prepare) and the first line of each."""
    index: dict[object, int] = {}
    prepared, firsts = Prepared([], [], set(), 0), []
    for value, line in zip(raw, lines, strict=True):
        prepared.non_null += 1
        kind, form = normalize(value, declared, max_chars)
        prepared.kinds.add(kind)
        if form is None:
            continue
        slot = index.get(form)
        if slot is None:
            index[form] = len(prepared.values)
            prepared.values.append(form)
            prepared.weights.append(1)
            firsts.append(line)
        else:
            prepared.weights[slot] += 1
            firsts[slot] = line if firsts[slot] is None else firsts[slot]
    return prepared, firsts


def scan_files(
    scanner: Scanner, source: FileSource, containers: list[Container], target: str
) -> Iterator[tuple[Container, Outcome]]:
    """(container, outcome) in the containers' order, from workers when there are enough files."""
    one = partial(scan_file, scanner, source)
    yield from _in_order(scanner, source, containers, target, FILES_PER_WORKER, one)


def _in_order(
    scanner: Scanner,
    source: Source,
    containers: list[Container],
    target: str,
    per_worker: int,
    one: Callable[[Container], Outcome],
) -> Iterator[tuple[Container, Outcome]]:
    """A worker for every ``per_worker`` containers, up to --jobs; in this process when that
    makes fewer than two, or when a worker could not open the target itself."""
    jobs = scanner.config.files.jobs or _cores()
    workers = min(jobs, len(containers) // per_worker)
    if workers < 2 or not target or _in_memory(target):
        for container in containers:
            yield container, one(container)
        return
    yield from _pooled(scanner, containers, target, workers, _worker_state(source))


def _cores() -> int:
    """Cores this process may run on (a container's CPU set, not the host's)."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


_WORKER: dict[str, Any] = {}


class _Interrupted(Exception):
    """Ctrl-C while a pool ran: the outcomes that had finished, by container index."""

    def __init__(self, finished: dict[int, Outcome]) -> None:
        super().__init__("interrupted")
        self.finished = finished


def _finished(futures: dict[int, Any], first: int) -> dict[int, Outcome]:
    """Outcomes of the futures from ``first`` on that completed without an error."""
    done = [j for j, f in futures.items() if j >= first and f.done() and not f.cancelled()]
    return {j: futures[j].result() for j in done if futures[j].exception() is None}


class _Broken(Exception):
    """A pool lost a worker: which files had not finished, and which were being read."""

    def __init__(self, unfinished: list[int], suspects: set[int]) -> None:
        super().__init__("a worker process died")
        self.unfinished, self.suspects = unfinished, suspects


def _worker_state(source: Any) -> Any:
    """What the parent's source learned that a worker's own source needs (SqlSource.worker_state)."""
    state = getattr(source, "worker_state", None)
    return state() if state else None


def _start_worker(
    scanner_type: type, config: Any, target: str, opener: Any, state: Any, started: Any
) -> None:
    """Runs once in each worker: Ctrl-C is the parent's business; the worker dies with the
    parent; SIGTERM (the parent stopping the pool) cancels its query and ends it at once."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _die_with_parent()
    signal.signal(signal.SIGTERM, _stop_worker)
    scanner = scanner_type(config, opener=opener)
    source = opener(target, config.sql, config.files)
    if state is not None:
        source.adopt_worker_state(state)
    _WORKER.update(scanner=scanner, source=source, started=started)


def _work(index: int, container: Container) -> Outcome:
    _WORKER["started"].put(index)  # if this worker dies, the parent knows which file it was reading
    source = _WORKER["source"]
    _WORKER["busy"] = True
    try:
        if not isinstance(source, FileSource):
            return scan_table(_WORKER["scanner"], source, container)
        return scan_file(_WORKER["scanner"], source, container)
    finally:
        _WORKER["busy"] = False


def _stop_worker(_signum: int, _frame: Any) -> None:
    """SIGTERM in a worker (the parent stops its pool): cancel the query being read and leave at
    once. No exception is raised: one landing in a finalizer would be printed and lost; the
    parent keeps only what workers had finished anyway."""
    cancel = getattr(_WORKER.get("source"), "cancel_active", None)
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


PR_SET_PDEATHSIG = 1


def _context() -> Any:
    """Fork where the platform has it: workers inherit the loaded model instead of loading it."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else None)


def _pooled(
    scanner: Scanner, containers: list[Container], target: str, workers: int, state: Any = None
) -> Iterator[tuple[Container, Outcome]]:
    """Outcomes in the containers' order. When a worker dies, the file it was reading is skipped
    (files that were being read at the time are retried one by one to find it) and the rest go on."""
    args = (type(scanner), scanner.config, target, scanner.opener, state)
    rounds: deque[tuple[list[int], int]] = deque([(list(range(len(containers))), workers)])
    ready: dict[int, Outcome] = {}
    next_index = 0
    while rounds:
        indexes, size = rounds.popleft()
        try:
            for index, outcome in _round(args, containers, indexes, size):
                ready[index] = outcome
                while next_index in ready:
                    yield containers[next_index], ready.pop(next_index)
                    next_index += 1
        except _Interrupted as stop:
            # keep what had finished, also behind a container still being read, then stop
            ready.update(stop.finished)
            for index in sorted(ready):
                yield containers[index], ready[index]
            raise KeyboardInterrupt from None
        except _Broken as broken:
            if size == 1 or len(broken.suspects) == 1:
                culprit = min(broken.suspects or {broken.unfinished[0]})
                reason = "a worker process died while reading it (try --jobs 1)"
                ready[culprit] = Outcome(skipped=[Skipped(target, containers[culprit].path, reason)])
                rest = [i for i in broken.unfinished if i != culprit]
                if rest:
                    rounds.appendleft((rest, workers))
            elif not broken.suspects:  # no worker got as far as a container: go one at a time
                rounds.appendleft((broken.unfinished, 1))
            else:
                rest = [i for i in broken.unfinished if i not in broken.suspects]
                rounds.extendleft([(rest, workers)] if rest else [])
                rounds.extendleft(([i], 1) for i in sorted(broken.suspects, reverse=True))
            while next_index in ready:
                yield containers[next_index], ready.pop(next_index)
                next_index += 1


def _round(
    args: tuple, containers: list[Container], indexes: list[int], size: int
) -> Iterator[tuple[int, Outcome]]:
    """(index, outcome) as one pool finishes them; _Broken when it loses a worker."""
    mp = _context()
    started = mp.SimpleQueue()
    pool = ProcessPoolExecutor(size, mp_context=mp, initializer=_start_worker, initargs=(*args, started))
    try:
        futures = {i: pool.submit(_work, i, containers[i]) for i in indexes}
        for i in indexes:
            try:
                outcome = futures[i].result()
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
            yield i, outcome
    finally:
        _stop(pool)


def _stop(pool: ProcessPoolExecutor) -> None:
    """Stop at once: on Ctrl-C the workers' files are abandoned, not waited for. SIGTERM lets a
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


STOP_GRACE = 3.0
