"""The Spark executor: the same units and the same ``Job.run`` as a local scan, run in a Spark
cluster's Python workers. Loaded only for ``--engine spark`` (pyspark is an extra).

Each unit is its own small Spark job over one partition, so the driver knows which units have
finished (Ctrl-C cancels the rest and keeps those), each job's description is the unit's safe
``describe()``, and what comes back is a partial tally (bounded by locations, never a raw value).
Spark retries a failed task (``spark.task.maxFailures``); on its last attempt a unit runs in the
mode that turns an error into a skipped entry, so a unit that always fails is skipped with its
reason and the scan goes on.

Why units and not a DataFrame per source: a unit is read by the very code a local scan runs
(``Job.run``), so a scan on Spark gives the local report line for line; a database is read by
the executors over its own driver with every local promise (read-only session, statement
timeout, quoted identifiers); lake part files are read with pyarrow in the Python workers
(piscan.sources.lake), which needs no Hadoop connector for S3 on the executors.

Two other shapes of a unit's job: a ``spark-table:`` catalog table is a DataFrame that the
executors tally through ``mapInArrow`` (piscan.run.sparkframe); on Spark Connect, which has no
SparkContext and no RDDs, a unit is a one-row DataFrame through ``mapInArrow``.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from functools import partial
from pathlib import Path
from typing import Any

from piscan import interrupt
from piscan.errors import UsageError
from piscan.run.clusterconf import SparkSettings
from piscan.sources.credentials import redact_text

log = logging.getLogger(__name__)
CONNECT_JOBS = 2  # units run at once per assumed core on Spark Connect (its cores are not visible)
ATTEMPTS = 3  # spark.task.maxFailures unless the user sets it: two retries, then skipped
_LOCAL = re.compile(r"^local(\[(\d+|\*)\])?$")
_LOG4J = Path(__file__).with_name("log4j2-quiet.properties")


def build_session(settings: SparkSettings) -> Any:
    """A SparkSession named "piscan": workers run this interpreter, no console progress bars,
    Spark's own logging down to errors, failed tasks retried (also in local mode)."""
    from pyspark.sql import SparkSession

    os.environ["PYSPARK_PYTHON"] = sys.executable  # the workers must unpickle piscan's objects
    master = settings.resolved_master()
    conf = dict(settings.conf)
    builder = SparkSession.builder.appName("piscan")
    if settings.connect():
        reach(master)  # the client would retry a dead address for minutes before it says so
        return builder.remote(master).getOrCreate()
    attempts = conf.get("spark.task.maxFailures", str(ATTEMPTS))
    local = _LOCAL.match(master)
    if local:  # local mode retries nothing unless told: local[N,F]
        master = f"local[{local.group(2) or 1},{attempts}]"
    defaults = {
        "spark.task.maxFailures": attempts,
        "spark.pyspark.python": sys.executable,
        "spark.pyspark.driver.python": sys.executable,
        "spark.ui.showConsoleProgress": "false",
        "spark.driver.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{_LOG4J}",
        "spark.executor.extraJavaOptions": f"-Dlog4j2.configurationFile=file:{_LOG4J}",
    }
    for key, value in {**defaults, **conf}.items():
        builder = builder.config(key, value)
    logging.getLogger("py4j").setLevel(logging.CRITICAL)  # a Ctrl-C mid-call is no error to print
    handler = signal.getsignal(signal.SIGINT)
    try:
        session = builder.master(master).getOrCreate()
    except Exception as exc:  # no JVM, a master that does not answer: one line, exit 2
        raise UsageError(f"cannot start Spark on {redact_text(master)}: {_first_line(exc)}") from None
    finally:
        _keep_handler(handler)
    session.sparkContext.setLogLevel("ERROR")
    return session


def reach(remote: str, seconds: float = 10.0) -> None:
    """A Spark Connect address that takes a TCP connection, else one usage error line."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(remote.split(";", 1)[0])  # sc://host:port/;token=...: parameters after ';'
    try:
        with socket.create_connection((where.hostname or "localhost", where.port or 15002), seconds):
            pass
    except OSError as exc:
        shown = redact_text(remote.split(";", 1)[0])
        raise UsageError(f"cannot reach Spark Connect at {shown}: {exc.strerror or exc}") from None


def _keep_handler(handler: Any) -> None:
    """SparkContext installs its own SIGINT handler; piscan's (piscan.interrupt) records the
    signal so a Ctrl-C swallowed somewhere is raised again, and the executor cancels the jobs."""
    if threading.current_thread() is threading.main_thread() and handler is not None:
        signal.signal(signal.SIGINT, handler)


def attempts_of(session: Any) -> int:
    """How many times Spark runs a failing task: local[N,F]'s F, else spark.task.maxFailures."""
    if is_connect(session):  # no SparkContext here: the server's settings say it
        master = session.conf.get("spark.master", "")
        failures = session.conf.get("spark.task.maxFailures", "4")
    else:
        master = session.sparkContext.master
        failures = session.sparkContext.getConf().get("spark.task.maxFailures", "4")
    local = re.match(r"^local\[[^,\]]+,(\d+)\]$", master)
    if local:
        return int(local.group(1))
    if master.startswith("local"):
        return 1
    return int(failures)


def is_connect(session: Any) -> bool:
    """A Spark Connect session (sc://): the DataFrame API only, no SparkContext, no RDDs."""
    return type(session).__module__.startswith("pyspark.sql.connect")


_SESSIONS: dict[SparkSettings, Any] = {}  # one SparkSession per process, reused by every source


def session_for(settings: SparkSettings) -> Any:
    """This process's session for these settings, started on first use."""
    if settings not in _SESSIONS:
        _SESSIONS[settings] = build_session(settings)
    return _SESSIONS[settings]


class SparkExecutor:
    """Runs units as Spark tasks, one partition and one job per unit, a few jobs at a time."""

    def __init__(
        self, scanner: Any = None, source: Any = None, *, session: Any = None, concurrency: int | None = None
    ) -> None:
        self.public = getattr(source, "public", "")
        self.source = source
        self.session = session or session_for(scanner.config.spark)
        self.connect = is_connect(self.session)
        self.attempts = attempts_of(self.session)
        cores = CONNECT_JOBS if self.connect else self.session.sparkContext.defaultParallelism
        self.concurrency = concurrency or max(2, 2 * cores)

    def run(self, job: Any, units: Sequence[Any]) -> Iterator[Any]:
        """Partials in unit order; on Ctrl-C the running jobs are cancelled, the finished units'
        partials are yielded, then KeyboardInterrupt is raised."""
        units = list(units)
        if not units:
            return
        if hasattr(self.source, "frame"):  # a table Spark reads itself: a DataFrame per unit
            rdd, task = None, partial(_frame_unit, self.source, job, self.attempts)
        elif self.connect:  # Spark Connect has no RDDs: a one-row DataFrame per unit
            rdd, task = None, partial(_connect_unit, self.session, job, self.attempts)
        else:
            sc = self.session.sparkContext
            rdd = sc.parallelize(units, len(units))  # one partition per unit, in plan order
            task = partial(run_units, job, self.attempts)
        done: dict[int, Any] = {}
        pool = ThreadPoolExecutor(self.concurrency, thread_name_prefix="piscan-spark")
        pending: dict[Future[Any], int] = {
            pool.submit(self._one, rdd, task, i, units[i]): i for i in range(len(units))
        }
        following = 0
        try:
            while pending:
                interrupt.check()  # a Ctrl-C that a library swallowed is raised here
                finished, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    position = pending.pop(future)
                    done[position] = self._outcome(job, units[position], future)
                while following in done:
                    yield done.pop(following)
                    following += 1
        except KeyboardInterrupt:
            self._cancel()
            pool.shutdown(wait=False, cancel_futures=True)
            for position in sorted(done):
                yield done[position]
            raise
        finally:  # also when the consumer stops early: nothing keeps running on the cluster
            if pending:
                self._cancel()
            pool.shutdown(wait=False, cancel_futures=True)

    def _one(self, rdd: Any, task: Any, position: int, unit: Any) -> Any:
        """One unit as its own Spark job, described by the unit's safe description."""
        if self.connect:  # Connect has no setJobDescription: jobs show the server's own
            return task(unit)
        sc = self.session.sparkContext
        sc.setJobDescription(f"piscan: {_describe(unit)}")
        if rdd is None:
            return task(unit)
        results = sc.runJob(rdd, task, [position])
        return results[0]

    def _cancel(self) -> None:
        """Stop every job this scan started (Connect: every operation of the session)."""
        if self.connect:
            self.session.interruptAll()
        else:
            self.session.sparkContext.cancelAllJobs()

    def _outcome(self, job: Any, unit: Any, future: Future[Any]) -> Any:
        """The unit's partial; a job Spark gave up on (every attempt's worker died) is a skipped
        unit with Spark's reason, never a crashed scan."""
        try:
            return future.result()
        except KeyboardInterrupt:
            raise
        except Exception as exc:  # noqa: BLE001 - Py4JJavaError and friends
            log.info("spark job for %s failed", _describe(unit), exc_info=True)
            reason = f"failed on Spark after {self.attempts} attempts: {_first_line(exc)}"
            return lost(self.public, unit, reason)


def run_units(job: Any, attempts: int, units: Iterable[Any]) -> Iterator[Any]:
    """In a Python worker: the partition's unit(s) through ``job.run``; before the last attempt an
    error raises so Spark retries the task, on the last one it becomes a skipped entry."""
    from pyspark import TaskContext

    context = TaskContext.get()
    last = context is None or context.attemptNumber() >= attempts - 1
    for unit in units:
        yield job.run(unit) if last else run_or_raise(job, unit)


def _frame_unit(source: Any, job: Any, attempts: int, unit: Any) -> Any:
    """A unit whose rows Spark reads (piscan.run.sparkframe): tallied in the executors."""
    from piscan.run.sparkframe import tally_frame

    return tally_frame(source, job, unit, attempts)


def _connect_unit(session: Any, job: Any, attempts: int, unit: Any) -> Any:
    """A unit on Spark Connect: one row through ``mapInArrow``, the unit's partial back."""
    import pickle

    task = partial(_unit_arrow, job, attempts, unit)
    rows = session.range(1, numPartitions=1).mapInArrow(task, "tally binary").collect()
    return pickle.loads(rows[0][0])


def _unit_arrow(job: Any, attempts: int, unit: Any, batches: Iterator[Any]) -> Iterator[Any]:
    """In a Python worker of a Connect server: the unit through ``run_units``, pickled."""
    import pickle

    import pyarrow as pa

    for _ in batches:  # the one row only says "run now"
        pass
    for partial_tally in run_units(job, attempts, [unit]):
        yield pa.RecordBatch.from_pydict({"tally": [pickle.dumps(partial_tally)]})


def run_or_raise(job: Any, unit: Any) -> Any:
    """``job.run`` that lets a failure out, so Spark sees it and retries the task."""
    return job.run_or_raise(unit)


def lost(public: str, unit: Any, reason: str) -> Any:
    """The partial of a unit that Spark could not run at all: skipped, with the reason."""
    from piscan.model import Skipped
    from piscan.run.tally import unread

    return unread(unit, Skipped(public, unit.container.path, redact_text(reason)))


def _describe(unit: Any) -> str:
    """The unit's own safe description (never a URL with a password, never a value)."""
    return redact_text(unit.describe())


def _first_line(exc: BaseException) -> str:
    """A one-line, secret-free reason from a JVM or Python error (Spark's are pages long)."""
    text = str(exc)
    for marker in ("PythonException:", "SparkException:", "Exception:"):
        if marker in text:
            text = text.split(marker, 1)[1]
            break
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), type(exc).__name__)
    return redact_text(line)[:240]
