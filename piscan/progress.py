"""A rich progress display on stderr: what is loading, tables done of total, the current table,
time spent and an estimate of the time left."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class RichProgress:
    """Shows scan progress; used only when stderr is a terminal and --quiet is off."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[table]}"),
            TextColumn("{task.fields[rows]}"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=console,
            transient=True,
        )
        self._task: int | None = None
        self._console = console

    @contextmanager
    def loading(self, what: str) -> Iterator[None]:
        """A spinner while something slow loads (the spaCy model takes seconds): the screen is not blank."""
        with self._console.status(f"loading {what}..."):
            yield

    def start(self, source: str, total: int) -> None:
        """A new source with ``total`` tables."""
        self._progress.start()
        self._task = self._progress.add_task(source, total=total, table="", rows="")

    def table(self, name: str) -> None:
        """The table now being read."""
        if self._task is not None:
            self._progress.update(self._task, table=name)  # keeps the rows that table read

    def rows(self, name: str, count: int) -> None:
        """Rows read so far in the table being read (scans in this process; workers report none)."""
        if self._task is not None:
            self._progress.update(self._task, table=name, rows=f"{count:,} rows")

    def advance(self) -> None:
        """One more table done."""
        if self._task is not None:
            self._progress.advance(self._task)

    def stop(self) -> None:
        """The source is done."""
        self._progress.stop()
        self._task = None
