"""Ctrl-C and SIGTERM that cannot be lost.

Python raises KeyboardInterrupt wherever the main thread happens to be, and one raised inside a
finalizer (``__del__``, which spaCy's ``regex`` runs constantly) is printed and swallowed: the
scan would go on. So the handlers also record the signal, and the scan loops call ``check()``
between batches, which raises again until the scan has stopped.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from piscan.errors import Terminated

_received: list[int] = []


def check() -> None:
    """Raise the pending interrupt, if a signal came and was swallowed."""
    if _received:
        raise Terminated if _received[0] == signal.SIGTERM else KeyboardInterrupt


def received() -> int | None:
    """The first signal received while handled, or None."""
    return _received[0] if _received else None


def _handler(signum: int, _frame: Any) -> None:
    first = not _received
    _received.append(signum)
    if first:  # later signals only record: the first is being handled (the report is written)
        check()


@contextmanager
def handled() -> Iterator[None]:
    """SIGINT and SIGTERM recorded and raised for the length of a command (main thread only)."""
    _received.clear()
    hook = sys.unraisablehook
    sys.unraisablehook = lambda unraisable: _unraisable(unraisable, hook)
    previous = {}
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            previous[signum] = signal.signal(signum, _handler)
        except ValueError:  # not the main thread: leave signals alone
            break
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        sys.unraisablehook = hook


def _unraisable(unraisable: Any, hook: Any) -> None:
    """An interrupt swallowed by a finalizer is not an error to print: check() raises it again."""
    if isinstance(unraisable.exc_value, KeyboardInterrupt) and _received:
        return
    hook(unraisable)
