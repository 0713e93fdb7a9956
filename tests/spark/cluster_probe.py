"""Run toy units on a Spark master given on the command line; print what came back as JSON.
A separate process: one SparkContext per process, and the local[2] session is this suite's."""

from __future__ import annotations

import json
import sys

from pyspark import cloudpickle

from piscan.run.clusterconf import SparkSettings
from piscan.run.spark import SparkExecutor, build_session

from . import toyjob

if __name__ == "__main__":
    cloudpickle.register_pickle_by_value(toyjob)
    master, modes = sys.argv[1], sys.argv[2].split(",")
    session = build_session(SparkSettings(master, (("spark.executor.memory", "512m"),)))
    units = [toyjob.ToyUnit(i, mode) for i, mode in enumerate(modes)]
    got = list(SparkExecutor(session=session).run(toyjob.ToyJob(), units))
    hosts = session.sparkContext.statusTracker().getExecutorInfos() if hasattr(
        session.sparkContext.statusTracker(), "getExecutorInfos") else []
    print(json.dumps({"partials": got, "executors": len(hosts)}))
    session.stop()
