"""Allow ``python -m benchmarks.spark``."""

import sys

from benchmarks.spark.run import main

sys.exit(main())
