"""The Spark executor on real Spark (local[2], tasks retried up to 3 times): partials in unit
order, a failing unit retried then skipped with its reason, a killed Python worker retried,
Ctrl-C keeps what finished."""

from __future__ import annotations

import _thread
import threading

import pytest
from pyspark import cloudpickle

from . import toyjob
from .toyjob import ToyJob, ToyUnit

cloudpickle.register_pickle_by_value(toyjob)  # the workers need not import the tests


def test_partials_come_back_in_unit_order(spark) -> None:
    from piscan.run.spark import SparkExecutor

    units = [ToyUnit(i) for i in range(7)]
    got = list(SparkExecutor(session=spark).run(ToyJob(), units))
    assert [g[1] for g in got] == list(range(7))
    assert all(g[0] == "ok" and g[3] == 0 for g in got)


def test_a_unit_that_always_fails_is_retried_then_skipped_and_the_rest_goes_on(spark) -> None:
    from piscan.run.spark import SparkExecutor

    units = [ToyUnit(0), ToyUnit(1, "fails"), ToyUnit(2)]
    got = list(SparkExecutor(session=spark).run(ToyJob(), units))
    assert [g[0] for g in got] == ["ok", "skipped", "ok"]
    assert got[1][2] == "unit 1 cannot be read"
    assert got[1][3] == 2  # the third attempt (0, 1, 2) turned the error into a skipped result


def test_a_killed_python_worker_is_retried(spark) -> None:
    from piscan.run.spark import SparkExecutor

    got = list(SparkExecutor(session=spark).run(ToyJob(), [ToyUnit(0, "dies-once"), ToyUnit(1)]))
    assert got[0][:2] == ("ok", 0) and got[0][3] == 1  # attempt 0 died, attempt 1 ran it
    assert got[1][:2] == ("ok", 1)


def test_a_unit_whose_worker_always_dies_is_lost_with_sparks_reason(spark) -> None:
    from piscan.run.spark import SparkExecutor

    got = list(SparkExecutor(session=spark).run(ToyJob(), [ToyUnit(0, "dies-always"), ToyUnit(1)]))
    assert "failed on Spark after 3 attempts" in got[0].skipped[0].reason  # a skipped partial
    assert got[0].skipped[0].location == "toy" and not got[0].scanned
    assert got[1][:2] == ("ok", 1)


def test_ctrl_c_cancels_the_jobs_and_yields_what_finished(spark) -> None:
    from piscan.run.spark import SparkExecutor

    units = [ToyUnit(0), ToyUnit(1, "slow"), ToyUnit(2, "slow")]
    got = []
    timer = threading.Timer(8, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        for partial in SparkExecutor(session=spark, concurrency=2).run(ToyJob(), units):
            got.append(partial)
    timer.cancel()
    assert [g[1] for g in got] == [0]
    assert spark.sparkContext.statusTracker().getActiveJobsIds() == [] or _settles(spark)


def _settles(spark) -> bool:
    import time

    for _ in range(40):
        if not spark.sparkContext.statusTracker().getActiveJobsIds():
            return True
        time.sleep(0.5)
    return False
